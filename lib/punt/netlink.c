/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */

/*
 * The kernel side of a mirror interface, over rtnetlink (libmnl): its
 * addresses and the neighbors pktgate already knows. One request, one
 * acknowledgement; at start, and for pktgate-ctl's neighbor changes
 * (punt_neigh.c), on the control thread.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <net/if.h>
#include <linux/if_addr.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>

#include "punt_private.h"

/* Send one request and wait for its acknowledgement: 0 or -errno. */
static int
nl_request(struct nlmsghdr *nlh)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct mnl_socket *nl;
	unsigned int portid;
	ssize_t n;
	int ret;

	nl = mnl_socket_open(NETLINK_ROUTE);
	if (nl == NULL)
		return -errno;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		ret = -errno;
		goto out;
	}
	portid = mnl_socket_get_portid(nl);
	nlh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = (uint32_t)time(NULL);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		ret = -errno;
		goto out;
	}
	n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
	if (n < 0) {
		ret = -errno;
		goto out;
	}
	ret = mnl_cb_run(buf, (size_t)n, nlh->nlmsg_seq, portid, NULL, NULL);
	ret = ret < 0 ? -errno : 0;
out:
	mnl_socket_close(nl);
	return ret;
}

int
pg_punt_nl_addr(int ifindex, int family, const void *addr, uint8_t len)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	const size_t alen = family == AF_INET ? 4 : 16;
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifaddrmsg *ifa;

	nlh->nlmsg_type = RTM_NEWADDR;
	nlh->nlmsg_flags = NLM_F_CREATE | NLM_F_REPLACE;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = (uint8_t)family;
	ifa->ifa_prefixlen = len;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = (unsigned int)ifindex;
	/* pktgate answers ND for the address already: no duplicate
	 * detection delay before the kernel may use it. */
	ifa->ifa_flags = family == AF_INET6 ? IFA_F_NODAD : 0;
	mnl_attr_put(nlh, IFA_LOCAL, alen, addr);
	mnl_attr_put(nlh, IFA_ADDRESS, alen, addr);
	return nl_request(nlh);
}

/* A neighbor message for @p addr on @p ifindex in @p buf. */
static struct nlmsghdr *
neigh_msg(char *buf, uint16_t type, uint16_t flags, int ifindex, int family,
	  const void *addr, uint16_t state)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ndmsg *nd;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	nd = mnl_nlmsg_put_extra_header(nlh, sizeof(*nd));
	nd->ndm_family = (uint8_t)family;
	nd->ndm_ifindex = ifindex;
	nd->ndm_state = state;
	mnl_attr_put(nlh, NDA_DST, family == AF_INET ? 4 : 16, addr);
	return nlh;
}

int
pg_punt_nl_neigh(int ifindex, int family, const void *addr, const uint8_t mac[6])
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	/* Reachable, not permanent: when it ages the kernel confirms it by
	 * its own (unicast) ARP, whose reply reaches it through the mirror. */
	struct nlmsghdr *nlh = neigh_msg(buf, RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_REPLACE,
					 ifindex, family, addr, NUD_REACHABLE);

	mnl_attr_put(nlh, NDA_LLADDR, 6, mac);
	return nl_request(nlh);
}

int
pg_punt_nl_neigh_del(int ifindex, int family, const void *addr)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];

	return nl_request(neigh_msg(buf, RTM_DELNEIGH, 0, ifindex, family, addr, 0));
}

int
pg_punt_nl_link_up(int ifindex, unsigned int mtu)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifi;

	nlh->nlmsg_type = RTM_NEWLINK;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	ifi->ifi_flags = IFF_UP;
	ifi->ifi_change = IFF_UP;
	mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	return nl_request(nlh);
}

/* Write @p val to the sysctl net.ipv6.conf.@p ifname.@p key. */
static int
ipv6_conf_set(const char *ifname, const char *key, const char *val)
{
	const size_t len = strlen(val);
	char path[128];
	int fd, ret = 0;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/%s", ifname, key);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, val, len) != (ssize_t)len)
		ret = -errno;
	close(fd);
	return ret;
}

int
pg_punt_ipv6_off(const char *ifname)
{
	return ipv6_conf_set(ifname, "disable_ipv6", "1\n");
}

int
pg_punt_ipv6_no_auto_ll(const char *ifname)
{
	/* IN6_ADDR_GEN_MODE_NONE (linux/if_link.h) */
	return ipv6_conf_set(ifname, "addr_gen_mode", "1\n");
}

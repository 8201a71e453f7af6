/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 */

/*
 * The control socket server. Each client has an input buffer for one
 * request line and an output buffer for one reply; while a reply is not
 * fully sent, no further request of that client is read (backpressure
 * instead of unbounded memory). A line longer than the input buffer is
 * answered with an error and skipped up to its newline, so the connection
 * stays usable.
 */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_log.h>

#include "pg_ctlsock.h"

RTE_LOG_REGISTER_SUFFIX(pg_ctlsock_logtype, ctl, INFO);
#define CTL_LOG(level, fmt, ...) \
	rte_log(RTE_LOG_ ## level, pg_ctlsock_logtype, "pktgate.ctl: " fmt "\n", ##__VA_ARGS__)

/*
 * Bounds the work of one tick (the loop also watches signals and prints
 * stats): at most this many accepts and requests per client, and no new
 * request once the time budget of the tick is spent. 64 requests per 10 ms
 * tick let one connection carry ~6000 small requests a second.
 */
#define MAX_ACCEPTS_PER_POLL 16
#define MAX_REQUESTS_PER_POLL 64
#define POLL_BUDGET_US 2000

struct client {
	int fd;                       /* -1: free slot */
	unsigned int uid;
	char in[PG_CMD_MAX_LINE];
	size_t in_len;
	bool discarding;              /* in an over-long line: drop up to '\n' */
	bool eof;                     /* the peer will send nothing more */
	char *out;                    /* PG_CMD_MAX_REPLY bytes */
	size_t out_len, out_off;
	uint64_t last_active;         /* timer cycles */
};

struct pg_ctlsock {
	int fd;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	dev_t dev;
	ino_t ino;
	bool made_dir;                /* we created the directory: remove it too */
	struct pg_cmd_handlers h;
	struct client c[PG_CTLSOCK_MAX_CLIENTS];
};

/* DPDK's timer: the same clock as the rest of the process, no syscall. */
static uint64_t
now(void)
{
	return rte_get_timer_cycles();
}

/* The socket's directory, created 0700 when missing (one level only). */
static int
make_dir(const char *path, bool *made, char *err, size_t errlen)
{
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct stat st;
	char *slash;

	*made = false;
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash == NULL || slash == dir)
		return 0;
	*slash = '\0';
	if (mkdir(dir, 0700) == 0) {
		*made = true;
		CTL_LOG(INFO, "created directory %s (mode 0700)", dir);
		return 0;
	}
	if (errno == EEXIST && stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
		return 0;
	snprintf(err, errlen, "control socket %s: cannot create directory %s: %s", path, dir,
		 errno == EEXIST ? "exists and is not a directory" : strerror(errno));
	return -1;
}

/* Undo make_dir(): only a directory we created, and only if empty. */
static void
remove_dir(const char *path, bool made)
{
	char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
	char *slash;

	if (!made)
		return;
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash != NULL && slash != dir) {
		*slash = '\0';
		rmdir(dir);
	}
}

/*
 * A socket file left by a pktgate that died is removed; one that answers
 * belongs to a live process and is left alone, as is anything that is not
 * a socket.
 */
static int
clear_stale(const char *path, const struct sockaddr_un *sa, char *err, size_t errlen)
{
	struct stat st;
	int fd, ret, e;

	if (lstat(path, &st) != 0) {
		if (errno == ENOENT)
			return 0;
		snprintf(err, errlen, "control socket %s: %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISSOCK(st.st_mode)) {
		snprintf(err, errlen, "control socket %s: exists and is not a socket (not removed)",
			 path);
		return -1;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(err, errlen, "control socket %s: socket: %s", path, strerror(errno));
		return -1;
	}
	ret = connect(fd, (const struct sockaddr *)sa, sizeof(*sa));
	e = errno;
	close(fd);
	if (ret == 0 || e == EAGAIN) {
		snprintf(err, errlen, "control socket %s: another process is listening on it "
			 "(another pktgate?)", path);
		return -1;
	}
	if (e != ECONNREFUSED) {
		snprintf(err, errlen, "control socket %s: cannot test it: %s", path, strerror(e));
		return -1;
	}
	if (unlink(path) != 0 && errno != ENOENT) {
		snprintf(err, errlen, "control socket %s: cannot remove the stale socket: %s",
			 path, strerror(errno));
		return -1;
	}
	CTL_LOG(INFO, "removed stale socket %s (nobody listened on it)", path);
	return 0;
}

struct pg_ctlsock *
pg_ctlsock_create(const char *path, const struct pg_cmd_handlers *h, char *err, size_t errlen)
{
	struct sockaddr_un sa;
	struct pg_ctlsock *s;
	bool made_dir;
	struct stat st;
	unsigned int i;
	mode_t old;
	int ret;

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa.sun_path)) {
		snprintf(err, errlen, "control socket %s: path too long (max %zu bytes)", path,
			 sizeof(sa.sun_path) - 1);
		return NULL;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if (make_dir(path, &made_dir, err, errlen) != 0)
		return NULL;
	if (clear_stale(path, &sa, err, errlen) != 0) {
		remove_dir(path, made_dir);
		return NULL;
	}

	s = calloc(1, sizeof(*s));
	if (s == NULL) {
		snprintf(err, errlen, "control socket %s: out of memory", path);
		return NULL;
	}
	s->h = *h;
	s->made_dir = made_dir;
	snprintf(s->path, sizeof(s->path), "%s", path);
	s->fd = -1;
	for (i = 0; i < PG_CTLSOCK_MAX_CLIENTS; i++)
		s->c[i].fd = -1;
	for (i = 0; i < PG_CTLSOCK_MAX_CLIENTS; i++) {
		s->c[i].out = malloc(PG_CMD_MAX_REPLY);
		if (s->c[i].out == NULL) {
			snprintf(err, errlen, "control socket %s: out of memory", path);
			pg_ctlsock_free(s);
			return NULL;
		}
	}
	s->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->fd < 0) {
		snprintf(err, errlen, "control socket %s: socket: %s", path, strerror(errno));
		pg_ctlsock_free(s);
		return NULL;
	}
	/* 0600 from the start: no moment in which others could connect. */
	old = umask(0177);
	ret = bind(s->fd, (const struct sockaddr *)&sa, sizeof(sa));
	umask(old);
	if (ret != 0 || chmod(path, 0600) != 0 || listen(s->fd, PG_CTLSOCK_MAX_CLIENTS) != 0 ||
	    stat(path, &st) != 0) {
		snprintf(err, errlen, "control socket %s: %s", path, strerror(errno));
		if (ret == 0)
			unlink(path);
		close(s->fd);
		s->fd = -1;
		pg_ctlsock_free(s);
		return NULL;
	}
	s->dev = st.st_dev;
	s->ino = st.st_ino;
	CTL_LOG(INFO, "listening on %s", path);
	return s;
}

static void
client_close(struct client *c)
{
	close(c->fd);
	c->fd = -1;
}

/* Send what is pending; false when the client is gone. */
static bool
client_flush(struct client *c)
{
	while (c->out_off < c->out_len) {
		ssize_t n = send(c->fd, c->out + c->out_off, c->out_len - c->out_off,
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return true;
			if (errno == EINTR)
				continue;
			return false;
		}
		c->out_off += (size_t)n;
		c->last_active = now();
	}
	c->out_off = c->out_len = 0;
	return true;
}

static void
client_error(struct client *c, const char *msg)
{
	c->out_len = pg_cmd_error_reply(msg, c->out, PG_CMD_MAX_REPLY);
	c->out_off = 0;
}

/* Refuse a connection with a reply saying why (best effort, never waits). */
static void
refuse(int fd, const char *msg)
{
	char buf[512];
	size_t n = pg_cmd_error_reply(msg, buf, sizeof(buf));

	if (send(fd, buf, n, MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
		CTL_LOG(DEBUG, "refusal not sent: %s", strerror(errno));
	close(fd);
}

static void serve(struct pg_ctlsock *s, struct client *c, short revents, uint64_t t);

static void
accept_clients(struct pg_ctlsock *s, uint64_t t)
{
	unsigned int k, i;

	for (k = 0; k < MAX_ACCEPTS_PER_POLL; k++) {
		struct ucred cred;
		socklen_t len = sizeof(cred);
		char msg[128];
		int fd = accept4(s->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
				CTL_LOG(WARNING, "accept: %s", strerror(errno));
			return;
		}
		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) {
			refuse(fd, "cannot identify the peer (SO_PEERCRED)");
			continue;
		}
		/* 0600 already keeps others out; this also holds if the mode
		 * is changed by hand. */
		if (cred.uid != 0 && cred.uid != geteuid()) {
			snprintf(msg, sizeof(msg), "permission denied: uid %u may not use this "
				 "socket (root or uid %u only)", (unsigned int)cred.uid,
				 (unsigned int)geteuid());
			CTL_LOG(WARNING, "refused pid %d uid %u", (int)cred.pid,
				(unsigned int)cred.uid);
			refuse(fd, msg);
			continue;
		}
		for (i = 0; i < PG_CTLSOCK_MAX_CLIENTS && s->c[i].fd >= 0; i++)
			;
		if (i == PG_CTLSOCK_MAX_CLIENTS) {
			snprintf(msg, sizeof(msg), "too many clients (max %d), try again",
				 PG_CTLSOCK_MAX_CLIENTS);
			refuse(fd, msg);
			continue;
		}
		s->c[i].fd = fd;
		s->c[i].uid = (unsigned int)cred.uid;
		s->c[i].in_len = 0;
		s->c[i].out_len = s->c[i].out_off = 0;
		s->c[i].discarding = false;
		s->c[i].eof = false;
		s->c[i].last_active = t;
		/* pktgate-ctl sends its request right after connecting: it
		 * is usually here already, answer it now rather than a tick on. */
		serve(s, &s->c[i], POLLIN, t);
	}
}

/* Take one line (without its '\n') off the input buffer into @p line. */
static bool
take_line(struct client *c, char *line, size_t *len)
{
	char *nl = memchr(c->in, '\n', c->in_len);
	size_t n;

	if (nl == NULL) {
		/* At EOF an unterminated last line still counts. */
		if (!c->eof || c->in_len == 0 || c->discarding)
			return false;
		n = c->in_len;
	} else {
		n = (size_t)(nl - c->in);
	}
	memcpy(line, c->in, n);
	line[n] = '\0';
	*len = n;
	c->in_len -= nl != NULL ? n + 1 : n;
	memmove(c->in, c->in + (nl != NULL ? n + 1 : n), c->in_len);
	return true;
}

static void
answer(struct pg_ctlsock *s, struct client *c, uint64_t deadline)
{
	char line[PG_CMD_MAX_LINE + 1];
	unsigned int k;
	size_t len;

	for (k = 0; k < MAX_REQUESTS_PER_POLL && c->out_len == 0 &&
	     (k == 0 || now() < deadline); k++) {
		if (!take_line(c, line, &len))
			return;
		/* A NUL would cut the line short unseen: refuse it. */
		if (strlen(line) != len) {
			char msg[64];

			snprintf(msg, sizeof(msg), "byte 0x00 at column %zu is not printable ASCII",
				 strlen(line) + 1);
			client_error(c, msg);
		} else {
			c->out_len = pg_cmd_dispatch(&s->h, line, c->out, PG_CMD_MAX_REPLY);
			c->out_off = 0;
			CTL_LOG(DEBUG, "uid %u: %.80s -> %.80s", c->uid, line, c->out);
		}
		if (!client_flush(c)) {
			client_close(c);
			return;
		}
	}
}

/* Read what is there; false when the client is gone. */
static bool
client_read(struct client *c)
{
	ssize_t n = recv(c->fd, c->in + c->in_len, sizeof(c->in) - c->in_len, MSG_DONTWAIT);

	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
	if (n == 0) {
		c->eof = true;
		return true;
	}
	c->last_active = now();
	c->in_len += (size_t)n;
	if (c->discarding) {
		char *nl = memchr(c->in, '\n', c->in_len);

		if (nl == NULL) {
			c->in_len = 0;
			return true;
		}
		c->in_len -= (size_t)(nl + 1 - c->in);
		memmove(c->in, nl + 1, c->in_len);
		c->discarding = false;
	}
	if (c->in_len == sizeof(c->in) && memchr(c->in, '\n', c->in_len) == NULL) {
		char msg[96];

		snprintf(msg, sizeof(msg), "request too long (max %d bytes)", PG_CMD_MAX_LINE - 1);
		client_error(c, msg);
		c->in_len = 0;
		c->discarding = true;
	}
	return true;
}

/* One client's turn in a tick, after poll() said @p revents. */
static void
serve(struct pg_ctlsock *s, struct client *c, short revents, uint64_t t)
{
	if (revents & (POLLERR | POLLNVAL)) {
		client_close(c);
		return;
	}
	if ((revents & POLLOUT) && !client_flush(c)) {
		client_close(c);
		return;
	}
	if ((revents & (POLLIN | POLLHUP)) && c->out_len == 0 && !client_read(c)) {
		client_close(c);
		return;
	}
	/* Every client gets at least one request answered per tick. */
	if (c->out_len == 0)
		answer(s, c, t + rte_get_timer_hz() * POLL_BUDGET_US / 1000000);
	if (c->fd < 0)
		return;
	if (c->out_len > 0 && !client_flush(c)) {
		client_close(c);
		return;
	}
	/* Done: the peer sent everything and got every answer (or the rest
	 * of an over-long line it will never finish). */
	if (c->eof && c->out_len == 0 && (c->discarding || c->in_len == 0)) {
		client_close(c);
		return;
	}
	/* last_active may be later than t (set while serving this tick). */
	if (t > c->last_active &&
	    t - c->last_active > rte_get_timer_hz() * PG_CTLSOCK_IDLE_TIMEOUT_S) {
		CTL_LOG(INFO, "closing a client idle for %d s", PG_CTLSOCK_IDLE_TIMEOUT_S);
		client_close(c);
	}
}

void
pg_ctlsock_poll(struct pg_ctlsock *s)
{
	struct pollfd pfd[1 + PG_CTLSOCK_MAX_CLIENTS];
	struct client *owner[1 + PG_CTLSOCK_MAX_CLIENTS];
	unsigned int i, n = 1;
	uint64_t t;

	pfd[0].fd = s->fd;
	pfd[0].events = POLLIN;
	pfd[0].revents = 0;
	for (i = 0; i < PG_CTLSOCK_MAX_CLIENTS; i++) {
		struct client *c = &s->c[i];

		if (c->fd < 0)
			continue;
		pfd[n].fd = c->fd;
		/* Backpressure: a client that does not read its reply is not read. */
		pfd[n].events = c->out_len > 0 ? POLLOUT : c->eof ? 0 : POLLIN;
		pfd[n].revents = 0;
		owner[n++] = c;
	}
	if (poll(pfd, n, 0) < 0)
		return;
	t = now();
	for (i = 1; i < n; i++)
		serve(s, owner[i], pfd[i].revents, t);
	/* After the clients: slots of peers that hung up are free again. */
	if (pfd[0].revents & POLLIN)
		accept_clients(s, t);
}

void
pg_ctlsock_free(struct pg_ctlsock *s)
{
	struct stat st;
	unsigned int i;

	if (s == NULL)
		return;
	for (i = 0; i < PG_CTLSOCK_MAX_CLIENTS; i++) {
		if (s->c[i].fd >= 0)
			client_close(&s->c[i]);
		free(s->c[i].out);
	}
	if (s->fd >= 0) {
		close(s->fd);
		/* Only our own file: someone may have replaced it meanwhile. */
		if (lstat(s->path, &st) == 0 && st.st_dev == s->dev && st.st_ino == s->ino)
			unlink(s->path);
	}
	remove_dir(s->path, s->made_dir);
	free(s);
}

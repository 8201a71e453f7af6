/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 pktgate authors
 *
 * pktgate-ctl: send one command to a running pktgate over its control
 * socket and show the reply (docs/ctl.md). Exit 0: ok; 1: pktgate
 * answered with an error; 2: usage, connection or protocol error.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "json.h"
#include "render.h"

#define EXIT_REPLY_ERROR 1
#define EXIT_USAGE 2
#define DEFAULT_SOCKET "/run/pktgate/pktgate.sock"
#define MAX_LINE 4096            /* the server's request limit (PG_CMD_MAX_LINE) */
#define MAX_REPLY (64 * 1024)    /* the server's reply limit (PG_CMD_MAX_REPLY) */
#define DEFAULT_TIMEOUT_S 30

static const char usage_text[] =
	"usage: pktgate-ctl [-s SOCKET] [--json] [-t SECONDS] COMMAND...\n"
	"       pktgate-ctl --help | --version\n"
	"\n"
	"Commands (pktgate-ctl help asks pktgate which ones it can run):\n"
	"  stats                          totals and drops by reason\n"
	"  ports                          per-port counters and settings\n"
	"  route list [OFFSET]            installed routes, 128 per page\n"
	"  route add PREFIX via GW        \n"
	"  route add PREFIX via GW [weight N] via GW2 ...  ECMP over several gateways\n"
	"  route add PREFIX port NAME     \n"
	"  route del PREFIX               \n"
	"  neighbor list [OFFSET]         static neighbors, 128 per page\n"
	"  neighbor add IP MAC [port NAME]\n"
	"  neighbor del IP                \n"
	"  acl reload FILE                \n"
	"  config check FILE              check a config file as this pktgate would load it\n"
	"  help | version                 \n"
	"\n"
	"Options:\n"
	"  -s, --socket SOCKET  control socket (default: $PKTGATE_CTL_SOCKET, else\n"
	"                       " DEFAULT_SOCKET ")\n"
	"  -j, --json           print the reply as pktgate sent it (one JSON object)\n"
	"  -t, --timeout S      give up waiting for the reply after S seconds (default 30)\n"
	"  -h, --help           this text\n"
	"  -V, --version        pktgate-ctl's own version (\"version\" asks pktgate)\n"
	"\n"
	"Exit status: 0 ok, 1 pktgate answered with an error (on stderr),\n"
	"2 usage, connection or protocol error.\n";

static int
usage_error(const char *fmt, const char *arg)
{
	fputs("pktgate-ctl: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs("\n(pktgate-ctl --help for usage)\n", stderr);
	return EXIT_USAGE;
}

/* Files are opened by pktgate, in its own working directory: send absolute names. */
static int
absolute(const char *word, char *buf, size_t len)
{
	char cwd[PATH_MAX];
	int n;

	if (word[0] == '/')
		n = snprintf(buf, len, "%s", word);
	else if (getcwd(cwd, sizeof(cwd)) != NULL)
		n = snprintf(buf, len, "%s/%s", cwd, word);
	else
		return -1;
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

/* The request line: the words joined by spaces, then "\n". */
static int
build_request(int argc, char **argv, char *line, size_t len)
{
	bool file_cmd = argc >= 3 && ((strcmp(argv[0], "config") == 0 &&
				       strcmp(argv[1], "check") == 0) ||
				      (strcmp(argv[0], "acl") == 0 &&
				       strcmp(argv[1], "reload") == 0));
	size_t off = 0;
	int i;

	for (i = 0; i < argc; i++) {
		char abs[PATH_MAX + 2];
		const char *w = argv[i];
		int n;

		if (w[0] == '\0' || w[strcspn(w, " \t\r\n")] != '\0')
			return usage_error("argument '%s' is empty or holds whitespace: "
					   "commands are plain words", w);
		if (file_cmd && i == 2) {
			if (absolute(w, abs, sizeof(abs)) != 0)
				return usage_error("cannot make '%s' an absolute file name", w);
			w = abs;
		}
		n = snprintf(line + off, len - off, "%s%s", i > 0 ? " " : "", w);
		if (n < 0 || (size_t)n >= len - off - 1)
			return usage_error("%s", "command too long (max 4095 bytes)");
		off += (size_t)n;
	}
	line[off++] = '\n';
	line[off] = '\0';
	return 0;
}

static int
connect_to(const char *path, unsigned int timeout_s)
{
	struct timeval tv = { .tv_sec = timeout_s, .tv_usec = 0 };
	struct sockaddr_un sa;
	int fd;

	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "pktgate-ctl: socket path %s is too long (max %zu bytes)\n", path,
			sizeof(sa.sun_path) - 1);
		return -1;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		fprintf(stderr, "pktgate-ctl: socket: %s\n", strerror(errno));
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, (const struct sockaddr *)&sa, sizeof(sa)) != 0) {
		int e = errno;

		fprintf(stderr, "pktgate-ctl: cannot connect to %s: %s%s\n", path, strerror(e),
			e == ENOENT || e == ECONNREFUSED ?
			" (is pktgate running? its socket is control.socket in its config; "
			"-s SOCKET)" : e == EACCES ? " (root or pktgate's user only)" : "");
		close(fd);
		return -1;
	}
	return fd;
}

/* Read up to and including the reply's '\n'; returns its length or -1. */
static ssize_t
read_reply(int fd, const char *path, char *buf, size_t size, unsigned int timeout_s)
{
	size_t len = 0;

	while (len < size - 1) {
		ssize_t n = recv(fd, buf + len, size - 1 - len, 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				fprintf(stderr, "pktgate-ctl: no reply from %s within %u s\n", path,
					timeout_s);
			else
				fprintf(stderr, "pktgate-ctl: reading from %s: %s\n", path,
					strerror(errno));
			return -1;
		}
		if (n == 0) {
			fprintf(stderr, "pktgate-ctl: %s closed the connection without %s reply\n",
				path, len > 0 ? "a complete" : "a");
			return -1;
		}
		len += (size_t)n;
		if (memchr(buf + len - (size_t)n, '\n', (size_t)n) != NULL) {
			buf[len] = '\0';
			return (ssize_t)len;
		}
	}
	fprintf(stderr, "pktgate-ctl: reply from %s is longer than %zu bytes\n", path, size - 1);
	return -1;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	static char line[MAX_LINE + 2], reply[MAX_REPLY + 2];
	const char *path = getenv("PKTGATE_CTL_SOCKET");
	unsigned int timeout_s = DEFAULT_TIMEOUT_S;
	const struct pg_jnode *ok, *error;
	struct pg_jnode *root;
	bool json = false;
	size_t sent = 0, len;
	ssize_t n;
	int c, fd, code;

	if (path == NULL || path[0] == '\0')
		path = DEFAULT_SOCKET;
	/* '+': stop at the first command word. */
	while ((c = getopt_long(argc, argv, "+s:jt:hV", opts, NULL)) != -1) {
		char *end;
		unsigned long v;

		switch (c) {
		case 's':
			path = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 't':
			errno = 0;
			v = strtoul(optarg, &end, 10);
			if (*end != '\0' || end == optarg || errno != 0 || v == 0 || v > 3600 ||
			    optarg[0] == '-')
				return usage_error("--timeout: '%s' is not a number of seconds "
						   "(1..3600)", optarg);
			timeout_s = (unsigned int)v;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return EXIT_SUCCESS;
		case 'V':
			printf("pktgate-ctl %s\n", PG_VERSION);
			return EXIT_SUCCESS;
		default:
			fputs(usage_text, stderr);
			return EXIT_USAGE;
		}
	}
	if (optind == argc)
		return usage_error("%s", "no command given (try: pktgate-ctl help)");
	if (build_request(argc - optind, argv + optind, line, sizeof(line)) != 0)
		return EXIT_USAGE;

	fd = connect_to(path, timeout_s);
	if (fd < 0)
		return EXIT_USAGE;
	len = strlen(line);
	while (sent < len) {
		n = send(fd, line + sent, len - sent, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fprintf(stderr, "pktgate-ctl: sending to %s: %s\n", path, strerror(errno));
			close(fd);
			return EXIT_USAGE;
		}
		sent += (size_t)n;
	}
	n = read_reply(fd, path, reply, sizeof(reply), timeout_s);
	close(fd);
	if (n < 0)
		return EXIT_USAGE;
	if (json)
		fputs(reply, stdout);

	root = pg_json_tree_parse(reply);
	ok = pg_json_get(root, "ok");
	if (root == NULL || ok == NULL || ok->type != PG_J_BOOL) {
		fprintf(stderr, "pktgate-ctl: malformed reply from %s\n", path);
		pg_json_tree_free(root);
		return EXIT_USAGE;
	}
	if (strcmp(ok->text, "true") == 0) {
		if (!json)
			pg_ctl_render(root, stdout);
		code = EXIT_SUCCESS;
	} else {
		error = pg_json_get(root, "error");
		fprintf(stderr, "pktgate-ctl: %s\n",
			error != NULL && error->type == PG_J_STRING ? error->text : "error");
		code = EXIT_REPLY_ERROR;
	}
	pg_json_tree_free(root);
	return code;
}

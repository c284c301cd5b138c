/*
 * Helpers of the lifecycle commands (see lifecycle.h): files, this host's
 * name and address, calls to the local clusterd, moving a tree aside.
 */
#include "config.h"

#include "cd_requests.h"
#include "ipc_client.h"
#include "lifecycle.h"
#include "macro.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <json-c/json.h>
#include <limits.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>

void lc_path(char *buf, size_t len, bool data_dir, const char *name)
{
	const char *env = getenv(data_dir ? "CLUSTERCTL_DATA_DIR"
					  : "CLUSTERCTL_COROSYNC_DIR");

	snprintf(buf, len, "%s/%s",
		 env && *env ? env
		 : data_dir  ? LC_DATA_DIR
			     : LC_COROSYNC_DIR,
		 name);
}

int lc_read_file(const char *path, char **out, size_t *len)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	_cleanup_free_ char *buf = NULL;
	size_t n = 0, cap = 0;
	ssize_t k;

	if (fd < 0)
		return -errno;
	do {
		if (n + 1 >= cap) {
			char *b = realloc(buf, cap = cap ? cap * 2 : 4096);

			if (!b || cap > (16u << 20))
				return b ? (buf = b, -EFBIG) : -ENOMEM;
			buf = b;
		}
		k = read(fd, buf + n, cap - n - 1);
		if (k < 0)
			return -errno;
		n += k;
	} while (k > 0);
	buf[n] = '\0';
	*len = n;
	*out = TAKE_PTR(buf);
	return 0;
}

int lc_write_file(const char *path, const void *data, size_t len, int mode)
{
	char tmp[PATH_MAX + 16];
	_cleanup_close_ int fd = -1;

	snprintf(tmp, sizeof(tmp), "%s.clusterctl-new", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0)
		return -errno;
	if (fchmod(fd, mode) < 0 || write(fd, data, len) != (ssize_t)len ||
	    fsync(fd) < 0 || rename(tmp, path) < 0) {
		int r = errno ? -errno : -EIO;

		unlink(tmp);
		return r;
	}
	return 0;
}

int lc_hostname(char *buf, size_t len)
{
	struct utsname u;
	char *dot;

	if (uname(&u) < 0)
		return -errno;
	dot = strchr(u.nodename, '.');
	if (dot)
		*dot = '\0';
	snprintf(buf, len, "%s", u.nodename);
	return 0;
}

int lc_default_address(char *buf, size_t len)
{
	struct ifaddrs *ifa, *i;
	int r = -EADDRNOTAVAIL;

	if (getifaddrs(&ifa) < 0)
		return -errno;
	for (i = ifa; i && r < 0; i = i->ifa_next) {
		if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET)
			continue;
		const struct sockaddr_in *a = (const void *)i->ifa_addr;

		if ((ntohl(a->sin_addr.s_addr) >> 24) == 127)
			continue;
		inet_ntop(AF_INET, &a->sin_addr, buf, len);
		r = 0;
	}
	freeifaddrs(ifa);
	return r;
}

bool lc_valid_address(const char *s)
{
	unsigned char b[sizeof(struct in6_addr)];
	size_t n = strlen(s);

	if (inet_pton(AF_INET, s, b) == 1 || inet_pton(AF_INET6, s, b) == 1)
		return true;
	if (n == 0 || n > 63)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '.')
			return false;
	return true;
}

int lc_call(struct cli_ctx *ctx, Clusterd__Request *req, const char *what,
	    Clusterd__Reply__ResultCase result, Clusterd__Reply **reply)
{
	Clusterd__Header h = CLUSTERD__HEADER__INIT;
	int r;

	req->header = &h;
	r = ctx->call(ctx->call_data, req, ctx->timeout_ms, reply);
	if (r < 0)
		return cli_fail(ctx, what, -r, "cannot reach clusterd",
				strerror(-r));
	if ((*reply)->errno_code || (*reply)->result_case != result) {
		int e = (*reply)->errno_code ? (*reply)->errno_code : EPROTO;

		cli_fail(ctx, what, e, cli_errno_reason(e),
			 (*reply)->error_message);
		clusterd__reply__free_unpacked(*reply, NULL);
		*reply = NULL;
		return CLI_EXIT_FAILED;
	}
	return 0;
}

/* A get or ls of PATH: 0 and *REPLY, -ENOENT, or CLI_EXIT_FAILED. */
int lc_tree_read(struct cli_ctx *ctx, const char *path, bool list,
		 Clusterd__Reply **reply)
{
	Clusterd__Request req = CLUSTERD__REQUEST__INIT;
	Clusterd__GetRequest get = CLUSTERD__GET_REQUEST__INIT;
	Clusterd__ListRequest ls = CLUSTERD__LIST_REQUEST__INIT;
	Clusterd__Header h = CLUSTERD__HEADER__INIT;
	int r;

	req.header = &h;
	if (list) {
		req.op_case = CLUSTERD__REQUEST__OP_LIST;
		req.list = &ls;
		ls.path = (char *)path;
	} else {
		req.op_case = CLUSTERD__REQUEST__OP_GET;
		req.get = &get;
		get.path = (char *)path;
	}
	r = ctx->call(ctx->call_data, &req, ctx->timeout_ms, reply);
	if (r < 0)
		return cli_fail(ctx, path, -r, "cannot reach clusterd",
				strerror(-r));
	if ((*reply)->errno_code == ENOENT) {
		clusterd__reply__free_unpacked(*reply, NULL);
		return -ENOENT;
	}
	if ((*reply)->errno_code) {
		r = (*reply)->errno_code;
		cli_fail(ctx, path, r, cli_errno_reason(r),
			 (*reply)->error_message);
		clusterd__reply__free_unpacked(*reply, NULL);
		return CLI_EXIT_FAILED;
	}
	return 0;
}

int lc_members(struct cli_ctx *ctx, Clusterd__Reply **reply)
{
	Clusterd__MembersRequest m = CLUSTERD__MEMBERS_REQUEST__INIT;
	Clusterd__Request req = CD_REQUEST(MEMBERS, members, &m);

	return lc_call(ctx, &req, "members", CLUSTERD__REPLY__RESULT_MEMBERS,
		       reply);
}

int lc_start_cluster(struct cli_ctx *ctx, const char *what)
{
	int r = lc_service(ctx, "start", "corosync");

	if (r == 0)
		r = lc_service(ctx, "start", "clusterd");
	if (r == 0 && lc_wait_ready(0, LC_READY_TIMEOUT_MS) < 0) {
		cli_fail(ctx, what, ETIMEDOUT,
			 "clusterd did not become quorate and synced", NULL);
		r = -ETIMEDOUT;
	}
	return r;
}

static bool ready_once(unsigned nodes)
{
	Clusterd__MembersRequest m = CLUSTERD__MEMBERS_REQUEST__INIT;
	Clusterd__Request req = CD_REQUEST(MEMBERS, members, &m);
	Clusterd__Header h = CLUSTERD__HEADER__INIT;
	struct ipc_client *c = NULL;
	Clusterd__Reply *rep = NULL;
	bool ok = false;

	req.header = &h;
	if (ipc_client_connect(&c) == 0 &&
	    ipc_client_call(c, &req, 2000, &rep) == 0 && rep->members)
		ok = rep->members->quorate && rep->members->synced &&
		     (!nodes || rep->members->n_members == nodes);
	if (rep)
		clusterd__reply__free_unpacked(rep, NULL);
	ipc_client_free(c);
	return ok;
}

int lc_wait_ready(unsigned nodes, int timeout_ms)
{
	for (int waited = 0; waited < timeout_ms; waited += 250) {
		if (ready_once(nodes))
			return 0;
		usleep(250 * 1000);
	}
	return -ETIMEDOUT;
}

int lc_backup_tree(char *path_out, size_t len)
{
	static const char *const suffix[] = {"", "-wal", "-shm"};
	char db[PATH_MAX], dir[PATH_MAX], from[PATH_MAX + 8], to[PATH_MAX * 2];
	char stamp[32];
	time_t now = time(NULL);

	path_out[0] = '\0';
	lc_path(db, sizeof(db), true, "config.db");
	if (access(db, F_OK) < 0)
		return 0;
	lc_path(dir, sizeof(dir), true, "backup");
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return -errno;
	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", gmtime(&now));
	for (size_t i = 0; i < ELEMENTSOF(suffix); i++) {
		snprintf(from, sizeof(from), "%s%s", db, suffix[i]);
		snprintf(to, sizeof(to), "%s/config-%s-%d.db%s", dir, stamp,
			 (int)getpid(), suffix[i]);
		if (rename(from, to) < 0 && errno != ENOENT)
			return -errno;
		if (i == 0)
			snprintf(path_out, len, "%s", to);
	}
	return 0;
}

int lc_done(struct cli_ctx *ctx, const char *text, const char *const *kv)
{
	struct json_object *o;
	int r;

	if (ctx->output == CLI_OUTPUT_TEXT) {
		if (text)
			fprintf(ctx->out, "%s\n", text);
		return CLI_EXIT_OK;
	}
	o = json_object_new_object();
	for (size_t i = 0; kv && kv[i]; i += 2)
		json_object_object_add(o, kv[i], cli_json_string(kv[i + 1]));
	r = cli_json_print(ctx, o);
	return r < 0 ? CLI_EXIT_FAILED : CLI_EXIT_OK;
}

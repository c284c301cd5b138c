/*
 * Migration TLS credentials (see migration_tls.h).
 *
 * The bundle is text: for each file a line "==> NAME <==" then its PEM
 * content, so one replicated write carries the whole set.
 */
#include "migration_tls.h"
#include "log.h"
#include "macro.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

static const char *const files[] = {"ca-cert.pem", "server-cert.pem",
				    "server-key.pem", "client-cert.pem",
				    "client-key.pem"};

/* openssl(1) in DIR: a CA, then a server and a client certificate for
 * the name QEMU checks (QEMU_TLS_HOSTNAME of the qemu backend). */
static const char generate_script[] =
    "set -e; cd \"$1\"; umask 077\n"
    "openssl req -x509 -newkey rsa:2048 -nodes -keyout ca-key.pem "
    "-out ca-cert.pem -days 36500 -subj '/CN=clusterd migration CA'\n"
    "printf 'subjectAltName=DNS:clusterd-migration\\n"
    "extendedKeyUsage=serverAuth,clientAuth\\n' >ext.cnf\n"
    "for r in server client; do\n"
    "  openssl req -newkey rsa:2048 -nodes -keyout $r-key.pem -out $r.csr "
    "-subj /CN=clusterd-migration\n"
    "  openssl x509 -req -in $r.csr -CA ca-cert.pem -CAkey ca-key.pem "
    "-CAcreateserial -out $r-cert.pem -days 36500 -extfile ext.cnf\n"
    "done\n"
    "for f in ca-cert server-cert server-key client-cert client-key; do\n"
    "  echo \"==> $f.pem <==\"; cat $f.pem; done >bundle\n";

static int run_openssl(const char *dir, char *msg)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		execl("/bin/sh", "sh", "-c", generate_script, "sh", dir,
		      (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return snprintf(msg, CDCALL_MSG, "fork: %m"), -errno;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return snprintf(msg, CDCALL_MSG,
				"generating certificates with openssl failed"),
		       -EIO;
	return 0;
}

static int read_file(const char *path, char **out)
{
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	char *buf = NULL;
	size_t len = 0;
	FILE *m;
	char chunk[4096];
	size_t n;

	if (!f)
		return -errno;
	m = open_memstream(&buf, &len);
	if (!m)
		return -ENOMEM;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		fwrite(chunk, 1, n, m);
	fclose(m);
	*out = buf;
	return 0;
}

/* Generate a bundle and try to make it the cluster's. */
static int generate(struct ipc_client *ops, const char *run_dir, char *msg)
{
	char tmp[600], bundle[640], cmd[700];
	_cleanup_free_ char *text = NULL;
	int r;

	snprintf(tmp, sizeof(tmp), "%s/migration-tls.XXXXXX", run_dir);
	if (!mkdtemp(tmp))
		return snprintf(msg, CDCALL_MSG, "%.200s: %m", tmp), -errno;
	r = run_openssl(tmp, msg);
	snprintf(bundle, sizeof(bundle), "%s/bundle", tmp);
	if (r == 0 && read_file(bundle, &text) < 0)
		r = -EIO;
	if (r == 0)
		r = cdcall_mkdir_parents(ops, MIGRATION_TLS_PATH, msg);
	if (r == 0) {
		r = cdcall_put_new(ops, MIGRATION_TLS_PATH, text, msg);
		if (r == -EEXIST)
			r = 0; /* another node was first: use its bundle */
		else if (r == 0)
			log_notice("Generated the cluster's migration TLS "
				   "credentials");
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	if (system(cmd) != 0)
		log_warning("Cannot remove %s", tmp);
	return r;
}

static int write_private(const char *path, const char *data, size_t len)
{
	char tmp[700];
	int fd, r = 0;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	if (write(fd, data, len) != (ssize_t)len)
		r = -EIO;
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r == 0 && rename(tmp, path) < 0)
		r = -errno;
	return r;
}

/* Split the bundle TEXT into the files of DIR. */
static int write_out(char *text, const char *dir, char *msg)
{
	unsigned found = 0;

	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return snprintf(msg, CDCALL_MSG, "%.200s: %m", dir), -errno;
	for (size_t i = 0; i < ELEMENTSOF(files); i++) {
		char marker[64], path[600], *start, *end;

		snprintf(marker, sizeof(marker), "==> %s <==\n", files[i]);
		start = strstr(text, marker);
		if (!start)
			continue;
		start += strlen(marker);
		end = strstr(start, "==> ");
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		if (write_private(path, start,
				  end ? (size_t)(end - start) : strlen(start)) <
		    0)
			return snprintf(msg, CDCALL_MSG, "%.200s: %m", path),
			       -errno;
		found++;
	}
	if (found != ELEMENTSOF(files))
		return snprintf(msg, CDCALL_MSG, "%s is incomplete",
				MIGRATION_TLS_PATH),
		       -EINVAL;
	return 0;
}

int migration_tls_prepare(struct ipc_client *ops, const char *run_dir,
			  char *dir, char *msg)
{
	_cleanup_free_ char *text = NULL;
	int r = cdcall_get(ops, MIGRATION_TLS_PATH, &text, msg);

	if (r == -ENOENT) {
		r = generate(ops, run_dir, msg);
		if (r == 0)
			r = cdcall_get(ops, MIGRATION_TLS_PATH, &text, msg);
	}
	if (r < 0)
		return r;
	snprintf(dir, 512, "%s/migration-tls", run_dir);
	return write_out(text, dir, msg);
}

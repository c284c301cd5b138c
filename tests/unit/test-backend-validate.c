/*
 * Unit tests of the backends' validate() and usage() (haagent/backends/),
 * each plugin loaded from the build tree as haagent loads it: what a
 * backend cannot run is refused with the key and the reason, what it can
 * run passes.
 *
 * qemu: disk images that are not files, whose content disagrees with
 * their format, used twice, or to be created in a missing directory;
 * memory, cores or a bridge this host does not have. lxc: a rootfs that
 * is missing, not a directory or without /sbin/init. sim: max-memory=,
 * and usage of running and stopped guests.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backend_loader.h"

static char plugins[1024], dir[] = "/tmp/cd-validate-XXXXXX";

static int setup(void **state)
{
	const char *top = getenv("top_builddir");

	snprintf(plugins, sizeof(plugins), "%s/haagent/backends/.libs",
		 top ? top : ".");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static struct backend *load(const char *name, const char *options)
{
	struct backend_env env = {
	    .run_dir = dir, .storage_dir = dir, .options = options};
	struct backend_error err = {};
	struct backend *b = NULL;

	if (backend_load(plugins, name, &env, &b, &err) < 0)
		fail_msg("cannot load %s: %s", name, err.msg);
	assert_non_null(b->ops->validate);
	return b;
}

/* Validate the configuration TEXT of guest 100 of B's type: with WHAT
 * NULL it must pass, else fail with a message containing WHAT. */
static void check(struct backend *b, const char *text, const char *what)
{
	struct kvconf_error kerr = {};
	struct backend_error err = {};
	struct guest_conf c;
	int r;

	if (guest_conf_parse(b->ops->type, 100, text, &c, &kerr) < 0)
		fail_msg("line %u: %s", kerr.line, kerr.reason);
	r = b->ops->validate(b->state, &c, &err);
	if (!what && r != 0)
		fail_msg("'%s' refused: %s", text, err.msg);
	if (what && r == 0)
		fail_msg("'%s' accepted, expected '%s'", text, what);
	if (what && !strstr(err.msg, what))
		fail_msg("message '%s' lacks '%s'", err.msg, what);
}

static void write_file(const char *name, const void *data, size_t len)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
}

static void qemu_checks_disks(void **state)
{
	struct backend *b = load("qemu", NULL);
	char sub[256];

	write_file("raw.img", "\0\0\0\0\0\0\0\0", 8);
	write_file("q.qcow2", "QFI\xfb\0\0\0\3", 8);
	snprintf(sub, sizeof(sub), "%s/adir", dir);
	assert_int_equal(mkdir(sub, 0755), 0);
	check(b, "disk0: raw.img\ndisk1: q.qcow2,format=qcow2\n", NULL);
	check(b, "disk0: missing.img\n", NULL); /* start reports it */
	check(b, "disk0: new.img,size=1M\n", NULL);
	check(b, "disk0: q.qcow2\n", "disk0: ");
	check(b, "disk0: q.qcow2\n", "is a qcow2 image; say format=qcow2");
	check(b, "disk2: raw.img,format=qcow2\n", "disk2: ");
	check(b, "disk2: raw.img,format=qcow2\n", "is not a qcow2 image");
	check(b, "disk0: adir\n", "disk0: ");
	check(b, "disk0: adir\n", "is not a file or a block device");
	check(b, "disk0: raw.img\ndisk3: raw.img\n", "disk3: ");
	check(b, "disk0: raw.img\ndisk3: raw.img\n", "is disk0 too");
	check(b, "disk0: nodir/new.img,size=1M\n", "disk0: ");
	check(b, "disk0: nodir/new.img,size=1M\n", "No such file");
	backend_unload(b);
}

static void qemu_checks_host(void **state)
{
	struct backend *b = load("qemu", NULL);

	check(b, "memory: 64\ncores: 1\n", NULL);
	check(b, "memory: 16T\n", "memory: 16777216 MiB is more than the");
	check(b, "cores: 256\n", "cores: 256 is more than the");
	check(b, "net0: type=user\n", NULL);
	check(b, "net1: type=bridge,bridge=cdnosuch0\n",
	      "net1: bridge cdnosuch0 does not exist");
	backend_unload(b);
}

static void lxc_checks_rootfs(void **state)
{
	struct backend *b = load("lxc", NULL);
	char path[256];

	check(b, "rootfs: ct-none\n", "rootfs ");
	check(b, "rootfs: ct-none\n", "No such file");
	write_file("ct-file", "x", 1);
	check(b, "rootfs: ct-file\n", "is not a directory");
	snprintf(path, sizeof(path), "%s/ct", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	check(b, "rootfs: ct\n", "has no /sbin/init");
	snprintf(path, sizeof(path), "%s/ct/sbin", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	write_file("ct/sbin/init", "#!/bin/sh\n", 10);
	check(b, "rootfs: ct\n", NULL);
	check(b, "rootfs: ct\nmemory: 16T\n", "memory: ");
	check(b, "rootfs: ct\nnet0: type=bridge,bridge=cdnosuch0\n",
	      "net0: bridge cdnosuch0 does not exist");
	backend_unload(b);
}

static void sim_checks_max_memory(void **state)
{
	struct backend *b = load("sim", "max-memory=128");
	struct backend *unlimited = load("sim", NULL);

	check(b, "memory: 128\n", NULL);
	check(b, "memory: 129\n",
	      "memory: 129 MiB is more than this node runs (max-memory=128)");
	check(unlimited, "memory: 4G\n", NULL);
	backend_unload(unlimited);
	backend_unload(b);
}

static void sim_reports_usage(void **state)
{
	struct backend *b = load("sim", NULL);
	struct guest_conf c = {
	    .type = GUEST_QEMU, .id = 103, .memory = 1 << 26};
	struct backend_error err = {};
	struct guest_usage u;

	assert_non_null(b->ops->usage);
	assert_int_equal(b->ops->usage(b->state, &c, &u, &err), 0);
	assert_true(u.cpu_ns == 0 && u.rss_bytes == 0);
	assert_int_equal(b->ops->start(b->state, &c, &err), 0);
	assert_int_equal(b->ops->usage(b->state, &c, &u, &err), 0);
	assert_true(u.cpu_ns > 0);
	assert_int_equal(u.rss_bytes, 1 << 25);
	assert_int_equal(b->ops->stop(b->state, &c, &err), 0);
	backend_unload(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(qemu_checks_disks),
	    cmocka_unit_test(qemu_checks_host),
	    cmocka_unit_test(lxc_checks_rootfs),
	    cmocka_unit_test(sim_checks_max_memory),
	    cmocka_unit_test(sim_reports_usage),
	};

	return cmocka_run_group_tests_name("backend-validate", tests, setup,
					   teardown);
}

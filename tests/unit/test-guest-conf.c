/*
 * Unit tests for lib/guest_conf.c: guest configurations are parsed,
 * validated, and refused with the line and the reason.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "guest_conf.h"

static void parses_full_qemu_config(void **state)
{
	struct guest_conf c;
	struct kvconf_error err = {};
	const char *text = "name: web-1\nmemory: 64\ncores: 2\n"
			   "disk0: vm-100.qcow2,format=qcow2,size=1G\n"
			   "disk1: /abs/raw.img\n"
			   "net0: type=user,mac=52:54:00:12:34:56\n"
			   "boot: cd\nvnc: 5\n";

	assert_int_equal(guest_conf_parse(GUEST_QEMU, 100, text, &c, &err), 0);
	assert_string_equal(c.name, "web-1");
	assert_int_equal(c.memory, 64ull << 20);
	assert_int_equal(c.cores, 2);
	assert_true(c.disks[0].set);
	assert_string_equal(c.disks[0].file, "vm-100.qcow2");
	assert_int_equal(c.disks[0].format, GUEST_DISK_QCOW2);
	assert_int_equal(c.disks[0].size, 1ull << 30);
	assert_int_equal(c.disks[1].format, GUEST_DISK_RAW);
	assert_false(c.disks[2].set);
	assert_int_equal(c.nets[0].type, GUEST_NET_USER);
	assert_string_equal(c.nets[0].mac, "52:54:00:12:34:56");
	assert_string_equal(c.boot, "cd");
	assert_int_equal(c.vnc, 5);
}

static void defaults_for_empty_config(void **state)
{
	struct guest_conf c;
	struct kvconf_error err = {};

	assert_int_equal(guest_conf_parse(GUEST_QEMU, 123, "", &c, &err), 0);
	assert_string_equal(c.name, "vm123");
	assert_int_equal(c.memory, 512ull << 20);
	assert_int_equal(c.cores, 1);
	assert_int_equal(c.vnc, -1);
}

static void parses_lxc_config(void **state)
{
	struct guest_conf c;
	struct kvconf_error err = {};

	assert_int_equal(guest_conf_parse(GUEST_LXC, 200,
					  "rootfs: ct200\nmemory: 128M\n"
					  "net0: type=empty\n",
					  &c, &err),
			 0);
	assert_string_equal(c.rootfs, "ct200");
	assert_int_equal(c.memory, 128ull << 20);
	assert_int_equal(c.nets[0].type, GUEST_NET_NONE);
}

/* TEXT is refused for TYPE at LINE with a reason containing WHAT. */
static void refused(enum guest_type type, const char *text, unsigned line,
		    const char *what)
{
	struct guest_conf c;
	struct kvconf_error err = {};

	assert_int_equal(guest_conf_parse(type, 100, text, &c, &err), -EINVAL);
	assert_int_equal(err.line, line);
	if (!strstr(err.reason, what))
		fail_msg("reason '%s' lacks '%s'", err.reason, what);
}

static void refuses_bad_lines_with_line_number(void **state)
{
	refused(GUEST_QEMU, "name: a\nmemory: lots\n", 2, "memory");
	refused(GUEST_QEMU, "name: a\n\n# c\ncores: 0\n", 4, "cores");
	refused(GUEST_QEMU, "memory: 8\n", 1, "16M");
	refused(GUEST_QEMU, "colour: blue\n", 1, "unknown key 'colour'");
	refused(GUEST_QEMU, "rootfs: /x\n", 1, "unknown key");
	refused(GUEST_LXC, "rootfs: x\nvnc: 1\n", 2, "unknown key");
	refused(GUEST_QEMU, "name: a\nname: b\n", 2, "twice");
	refused(GUEST_QEMU, "disk0: a.img\ndisk0: b.img\n", 2, "twice");
	refused(GUEST_QEMU, "disk8: a.img\n", 1, "unknown key");
	refused(GUEST_QEMU, "disk0: a.img,format=vmdk\n", 1, "raw or qcow2");
	refused(GUEST_QEMU, "disk0: ../../etc/shadow\n", 1, "disk file");
	refused(GUEST_QEMU, "disk0: format=raw\n", 1, "no file");
	refused(GUEST_QEMU, "net0: type=bridge\n", 1, "bridge=");
	refused(GUEST_QEMU, "net0: mac=01:00:00:00:00:00\n", 1, "MAC");
	refused(GUEST_QEMU, "boot: x\n", 1, "boot");
	refused(GUEST_QEMU, "vnc: 100\n", 1, "vnc");
	refused(GUEST_QEMU, "name: a b\n", 1, "name");
	refused(GUEST_QEMU, "just text\n", 1, "key: value");
	refused(GUEST_LXC, "memory: 64\n", 0, "rootfs");
	refused(GUEST_LXC, "rootfs: r\nnet0: type=user\n", 2, "LXC");
}

static void parses_ids(void **state)
{
	uint32_t id;

	assert_int_equal(guest_id_parse("100", &id), 0);
	assert_int_equal(id, 100);
	assert_int_equal(guest_id_parse("999999999", &id), 0);
	assert_int_equal(guest_id_parse("99", &id), -EINVAL);
	assert_int_equal(guest_id_parse("0100", &id), -EINVAL);
	assert_int_equal(guest_id_parse("1000000000", &id), -EINVAL);
	assert_int_equal(guest_id_parse("10a", &id), -EINVAL);
	assert_int_equal(guest_id_parse("", &id), -EINVAL);
}

static void builds_and_splits_paths(void **state)
{
	char path[128], node[64];
	enum guest_type t;
	uint32_t id;

	assert_int_equal(
	    guest_conf_path(path, sizeof(path), "n1", GUEST_LXC, 4242), 0);
	assert_string_equal(path, "nodes/n1/lxc/4242.conf");
	assert_int_equal(
	    guest_conf_path_parse(path, node, sizeof(node), &t, &id), 0);
	assert_string_equal(node, "n1");
	assert_int_equal(t, GUEST_LXC);
	assert_int_equal(id, 4242);
	assert_int_equal(
	    guest_conf_path(path, sizeof(path), "../x", GUEST_LXC, 100),
	    -EINVAL);
	assert_int_equal(guest_conf_path(path, 10, "n1", GUEST_QEMU, 100),
			 -ENAMETOOLONG);
	assert_int_equal(guest_conf_path_parse("nodes/n1/qemu/100.txt", node,
					       sizeof(node), &t, &id),
			 -EINVAL);
	assert_int_equal(guest_conf_path_parse("nodes/n1/kvm/100.conf", node,
					       sizeof(node), &t, &id),
			 -EINVAL);
	assert_int_equal(guest_conf_path_parse("nodes/n1/qemu/a/100.conf", node,
					       sizeof(node), &t, &id),
			 -EINVAL);
}

static void resolves_disk_paths(void **state)
{
	struct guest_disk rel = {.file = "vm.img"}, abs = {.file = "/a/b.img"};
	char buf[64];

	assert_int_equal(guest_disk_path(buf, sizeof(buf), "/srv", &rel), 0);
	assert_string_equal(buf, "/srv/vm.img");
	assert_int_equal(guest_disk_path(buf, sizeof(buf), "/srv", &abs), 0);
	assert_string_equal(buf, "/a/b.img");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(parses_full_qemu_config),
	    cmocka_unit_test(defaults_for_empty_config),
	    cmocka_unit_test(parses_lxc_config),
	    cmocka_unit_test(refuses_bad_lines_with_line_number),
	    cmocka_unit_test(parses_ids),
	    cmocka_unit_test(builds_and_splits_paths),
	    cmocka_unit_test(resolves_disk_paths),
	};

	return cmocka_run_group_tests_name("guest_conf", tests, NULL, NULL);
}

/*
 * Unit tests for haagent/backends/qemu_cmdline.c: the exact QEMU command
 * line of a configuration, and the migration target's additions.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "qemu_cmdline.h"

static char *joined(const struct qemu_argv *a)
{
	static char buf[4096];

	buf[0] = '\0';
	for (size_t i = 0; i < a->n; i++) {
		strcat(buf, i ? " " : "");
		strcat(buf, a->v[i]);
	}
	assert_null(a->v[a->n]);
	return buf;
}

static const struct qemu_cmdline_opts opts = {
    .binary = "qemu",
    .qmp_path = "/r/100.qmp",
    .pid_path = "/r/100.pid",
    .storage_dir = "/shared",
    .kvm = true,
};

static void builds_full_command_line(void **state)
{
	struct guest_conf c;
	struct kvconf_error kerr = {};
	struct backend_error err = {};
	struct qemu_argv a = {};

	assert_int_equal(guest_conf_parse(GUEST_QEMU, 100,
					  "memory: 64\ncores: 2\n"
					  "disk0: a.qcow2,format=qcow2\n"
					  "disk1: /abs/b.img\nnet0: type=user\n"
					  "net1: type=bridge,bridge=vmbr0,"
					  "mac=52:54:00:00:00:aa\n"
					  "boot: c\nvnc: 3\n",
					  &c, &kerr),
			 0);
	assert_int_equal(qemu_build_argv(&c, &opts, &a, &err), 0);
	assert_string_equal(
	    joined(&a),
	    "qemu -name guest-100,process=qemu-100 -nodefaults "
	    "-no-user-config -machine pc,accel=kvm -m 64M -smp 2 -daemonize "
	    "-pidfile /r/100.pid -qmp unix:/r/100.qmp,server=on,wait=off "
	    "-drive file=/shared/a.qcow2,format=qcow2,if=virtio,id=disk0 "
	    "-drive file=/abs/b.img,format=raw,if=virtio,id=disk1 "
	    "-netdev user,id=net0 "
	    "-device virtio-net-pci,netdev=net0,mac=52:54:00:00:00:64 "
	    "-netdev bridge,id=net1,br=vmbr0 "
	    "-device virtio-net-pci,netdev=net1,mac=52:54:00:00:00:aa "
	    "-boot order=c -vga std -vnc :3");
	qemu_argv_free(&a);
}

static void migration_target_waits_paused(void **state)
{
	struct guest_conf c = {.type = GUEST_QEMU,
			       .id = 4242,
			       .memory = 256 << 20,
			       .cores = 1,
			       .vnc = -1};
	struct qemu_cmdline_opts o = opts;
	struct backend_error err = {};
	struct qemu_argv a = {};

	o.kvm = false;
	o.incoming_port = 49152;
	assert_int_equal(qemu_build_argv(&c, &o, &a, &err), 0);
	assert_non_null(strstr(joined(&a), "-machine pc,accel=tcg -m 256M"));
	assert_non_null(
	    strstr(joined(&a), "-display none -S -incoming tcp:0.0.0.0:49152"));
	qemu_argv_free(&a);
}

static void default_macs_differ_by_guest_and_index(void **state)
{
	char a[18], b[18], c[18];

	qemu_default_mac(100, 0, a);
	qemu_default_mac(101, 0, b);
	qemu_default_mac(100, 1, c);
	assert_string_equal(a, "52:54:00:00:00:64");
	assert_string_equal(c, "52:55:00:00:00:64");
	assert_string_not_equal(a, b);
	assert_string_not_equal(b, c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(builds_full_command_line),
	    cmocka_unit_test(migration_target_waits_paused),
	    cmocka_unit_test(default_macs_differ_by_guest_and_index),
	};

	return cmocka_run_group_tests_name("qemu_cmdline", tests, NULL, NULL);
}

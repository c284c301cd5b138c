/*
 * Unit tests for the backend loader (haagent/backend_loader.c) and the sim
 * backend (haagent/backends/sim.c), loaded from the build tree: a missing
 * or broken plugin is a clear error, the sim backend runs pretend guests
 * and injects the faults it is told to.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "backend_loader.h"

static char plugins[1024], broken[1024], run_dir[] = "/tmp/cd-backend-XXXXXX";

static int setup(void **state)
{
	const char *top = getenv("top_builddir");

	snprintf(plugins, sizeof(plugins), "%s/haagent/backends/.libs",
		 top ? top : ".");
	snprintf(broken, sizeof(broken), "%s/tests/unit/.libs",
		 top ? top : ".");
	return mkdtemp(run_dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", run_dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void load_fails(const char *dir, const char *name, int errnum,
		       const char *what)
{
	struct backend_env env = {.run_dir = run_dir};
	struct backend_error err = {};
	struct backend *b = NULL;

	assert_int_equal(backend_load(dir, name, &env, &b, &err), -errnum);
	assert_null(b);
	if (!strstr(err.msg, what))
		fail_msg("message '%s' lacks '%s'", err.msg, what);
}

static void missing_or_broken_plugin_is_clear_error(void **state)
{
	char garbage[1100];
	FILE *f;

	load_fails(plugins, "nosuch", ENOENT, "nosuch.so: No such file");
	load_fails(plugins, "../sim", EINVAL, "invalid backend name");
	load_fails(broken, "backend-noabi", ELIBBAD, "not a clusterd backend");
	load_fails(broken, "backend-badabi", ELIBBAD, "ABI version 2");
	load_fails(broken, "backend-nostart", EINVAL, "'start' operation");
	snprintf(garbage, sizeof(garbage), "%s/garbage.so", run_dir);
	f = fopen(garbage, "w");
	assert_non_null(f);
	fputs("not an ELF file\n", f);
	fclose(f);
	load_fails(run_dir, "garbage", ELIBBAD, "cannot be loaded");
}

static struct backend *load_sim(const char *options)
{
	struct backend_env env = {.run_dir = run_dir, .options = options};
	struct backend_error err = {};
	struct backend *b = NULL;

	if (backend_load(plugins, "sim", &env, &b, &err) < 0)
		fail_msg("cannot load sim: %s", err.msg);
	return b;
}

static void sim_runs_guests(void **state)
{
	struct backend *b = load_sim(NULL);
	struct guest_conf c = {
	    .type = GUEST_QEMU, .id = 101, .memory = 1 << 26};
	struct backend_error err = {};
	struct guest_status st;

	assert_string_equal(b->ops->name, "sim");
	assert_int_equal(b->ops->status(b->state, &c, &st, &err), 0);
	assert_int_equal(st.state, GUEST_STOPPED);
	assert_int_equal(b->ops->start(b->state, &c, &err), 0);
	assert_int_equal(b->ops->status(b->state, &c, &st, &err), 0);
	assert_int_equal(st.state, GUEST_RUNNING);
	assert_int_equal(st.memory, 1 << 26);
	assert_int_equal(b->ops->start(b->state, &c, &err), -EALREADY);
	assert_int_equal(b->ops->shutdown(b->state, &c, 1000, &err), 0);
	assert_int_equal(b->ops->status(b->state, &c, &st, &err), 0);
	assert_int_equal(st.state, GUEST_STOPPED);
	backend_unload(b);
}

static void sim_injects_faults(void **state)
{
	struct backend *b = load_sim("fail-start=2,fail-migrate=1");
	struct guest_conf c = {.type = GUEST_QEMU, .id = 102};
	struct backend_error err = {};
	struct guest_status st;

	assert_int_equal(b->ops->start(b->state, &c, &err), -EIO);
	assert_string_equal(err.msg, "sim: injected fail-start");
	assert_int_equal(b->ops->start(b->state, &c, &err), -EIO);
	assert_int_equal(b->ops->start(b->state, &c, &err), 0);
	assert_int_equal(
	    b->ops->migrate_out(b->state, &c, "h", 1, NULL, NULL, &err), -EIO);
	assert_int_equal(b->ops->status(b->state, &c, &st, &err), 0);
	assert_int_equal(st.state, GUEST_RUNNING);
	assert_int_equal(
	    b->ops->migrate_out(b->state, &c, "h", 1, NULL, NULL, &err), 0);
	assert_int_equal(b->ops->status(b->state, &c, &st, &err), 0);
	assert_int_equal(st.state, GUEST_PAUSED);
	assert_int_equal(b->ops->resume(b->state, &c, &err), 0);
	assert_int_equal(b->ops->stop(b->state, &c, &err), 0);
	backend_unload(b);
}

static void sim_refuses_unknown_option(void **state)
{
	struct backend_env env = {.run_dir = run_dir, .options = "fail-x=1"};
	struct backend_error err = {};
	struct backend *b = NULL;

	assert_int_equal(backend_load(plugins, "sim", &env, &b, &err), -EINVAL);
	assert_string_equal(err.msg, "sim: unknown option 'fail-x'");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(missing_or_broken_plugin_is_clear_error),
	    cmocka_unit_test(sim_runs_guests),
	    cmocka_unit_test(sim_injects_faults),
	    cmocka_unit_test(sim_refuses_unknown_option),
	};

	return cmocka_run_group_tests_name("backend", tests, setup, teardown);
}

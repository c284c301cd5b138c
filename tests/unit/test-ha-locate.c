/*
 * haagent/ha_locate.c against a canned tree: the cdcall_list() it calls is
 * this file's (a link seam), which counts the calls. A lookup lists
 * "nodes" and each node's qemu and lxc directories, never a guest's file
 * (cdcall_get is not even linked); a second round at the same tree
 * version asks nothing; a new version looks up again and sees a move.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ha_config.h"
#include "ha_locate.h"

/* "DIR:NAME" lines: the canned tree. */
static const char *tree[16];
static unsigned calls;

int cdcall_list(struct ipc_client *c, const char *path, char ***names,
		size_t *count, char *msg)
{
	size_t len = strlen(path), n = 0;
	bool dir = false;

	(void)c;
	(void)msg;
	calls++;
	*names = calloc(16, sizeof(char *));
	for (size_t i = 0; tree[i]; i++)
		if (strncmp(tree[i], path, len) == 0 && tree[i][len] == ':') {
			dir = true;
			(*names)[n++] = strdup(tree[i] + len + 1);
		}
	*count = n;
	if (!dir) {
		free(*names);
		*names = NULL;
		return -ENOENT;
	}
	return 0;
}

void cdcall_names_free(char **names, size_t count)
{
	for (size_t i = 0; i < count; i++)
		free(names[i]);
	free(names);
}

static void config(struct ha_config *cfg)
{
	char reason[200];

	ha_config_init(cfg);
	assert_int_equal(
	    ha_config_resource_line(cfg, "vm:101", reason, sizeof(reason)), 0);
	assert_int_equal(
	    ha_config_resource_line(cfg, "ct:102", reason, sizeof(reason)), 0);
	assert_int_equal(ha_config_resource_line(cfg, "vm:103 node=n3", reason,
						 sizeof(reason)),
			 0);
}

static void locate_lists_once_per_version(void **state)
{
	static struct ha_config cfg;
	static struct ha_locate loc;
	static const char *before[] = {"nodes:n1",
				       "nodes:n2",
				       "nodes/n1/qemu:101.conf",
				       "nodes/n1/qemu:7.conf",
				       "nodes/n2/lxc:102.conf",
				       NULL};
	static const char *after[] = {"nodes:n1",
				      "nodes:n2",
				      "nodes/n2/qemu:101.conf",
				      "nodes/n1/qemu:7.conf",
				      "nodes/n2/lxc:102.conf",
				      NULL};

	(void)state;
	memcpy(tree, before, sizeof(before));
	config(&cfg);
	assert_int_equal(ha_locate(NULL, &loc, 5, &cfg), 1);
	assert_int_equal(calls, 5); /* nodes + 2 per node */
	assert_string_equal(cfg.res[0].node, "n1");
	assert_string_equal(cfg.res[1].node, "n2");
	assert_string_equal(cfg.res[2].node, "n3"); /* no file: as configured */

	config(&cfg); /* every round parses anew */
	assert_int_equal(ha_locate(NULL, &loc, 5, &cfg), 0);
	assert_int_equal(calls, 5);
	assert_string_equal(cfg.res[0].node, "n1");
	assert_string_equal(cfg.res[1].node, "n2");

	memcpy(tree, after, sizeof(after));
	config(&cfg);
	assert_int_equal(ha_locate(NULL, &loc, 6, &cfg), 1);
	assert_int_equal(calls, 10);
	assert_string_equal(cfg.res[0].node, "n2");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(locate_lists_once_per_version),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

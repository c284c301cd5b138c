/*
 * cd-backend: drive one guest backend operation from the command line,
 * for the backend integration tests and the migration benchmark.
 *
 *   cd-backend [-d PLUGINDIR] [-r RUNDIR] [-s STORAGE] [-o OPTIONS]
 *              BACKEND CONFFILE ID OP [ARGS...]
 *
 * OP: create, start, stop, shutdown MS, status, usage, migrate-in PORT,
 * migrate-out HOST PORT, finish 0|1, resume. The configuration is parsed
 * with lib/guest_conf.c exactly as haagent would; its errors print as
 * "CONFFILE:LINE: reason". Exit 0 on success, 1 on failure, 2 on usage.
 */
#include "backend_loader.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void on_progress(void *userdata, uint64_t done, uint64_t total,
			const char *state)
{
	printf("progress %s %llu/%llu\n", state, (unsigned long long)done,
	       (unsigned long long)total);
	fflush(stdout);
}

static int load_conf(const char *file, enum guest_type type, uint32_t id,
		     struct guest_conf *c)
{
	static char text[1 << 20];
	struct kvconf_error err = {};
	FILE *f = fopen(file, "r");
	size_t n;

	if (!f)
		return fprintf(stderr, "%s: %m\n", file), -errno;
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	if (guest_conf_parse(type, id, text, c, &err) < 0) {
		fprintf(stderr, "%s:%u: %s\n", file, err.line, err.reason);
		return -EINVAL;
	}
	return 0;
}

static int run(struct backend *b, const struct guest_conf *c, int argc,
	       char **argv, struct backend_error *err)
{
	const struct backend_ops *o = b->ops;
	const char *op = argv[0];
	struct guest_status st;
	struct guest_usage u;
	int r = -EINVAL;

	if (strcmp(op, "create") == 0)
		r = o->create ? o->create(b->state, c, err) : 0;
	else if (strcmp(op, "start") == 0)
		r = o->start(b->state, c, err);
	else if (strcmp(op, "stop") == 0)
		r = o->stop(b->state, c, err);
	else if (strcmp(op, "shutdown") == 0 && argc == 2)
		r = o->shutdown(b->state, c, atoi(argv[1]), err);
	else if (strcmp(op, "status") == 0) {
		r = o->status(b->state, c, &st, err);
		if (r == 0)
			printf("state=%s pid=%d uptime_ms=%llu memory=%llu\n",
			       guest_state_to_string(st.state), (int)st.pid,
			       (unsigned long long)st.uptime_ms,
			       (unsigned long long)st.memory);
	} else if (strcmp(op, "usage") == 0 && o->usage) {
		r = o->usage(b->state, c, &u, err);
		if (r == 0)
			printf("cpu_ns=%llu rss=%llu\n",
			       (unsigned long long)u.cpu_ns,
			       (unsigned long long)u.rss_bytes);
	} else if (!o->migrate_out && strncmp(op, "migrate", 7) == 0)
		r = backend_fail(err, EOPNOTSUPP, "no live migration");
	else if (strcmp(op, "migrate-in") == 0 && argc == 2)
		r = o->migrate_in_prepare(b->state, c, atoi(argv[1]), err);
	else if (strcmp(op, "migrate-out") == 0 && argc == 3)
		r = o->migrate_out(b->state, c, argv[1], atoi(argv[2]),
				   on_progress, NULL, err);
	else if (strcmp(op, "finish") == 0 && argc == 2 && o->migrate_out)
		r = o->migrate_in_finish(b->state, c, atoi(argv[1]), err);
	else if (strcmp(op, "resume") == 0 && o->resume)
		r = o->resume(b->state, c, err);
	else
		return fprintf(stderr, "cd-backend: bad operation\n"), 2;
	return r < 0 ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct backend_env env = {.run_dir = "/run/clusterd"};
	struct backend_error err = {};
	const char *dir = NULL;
	struct backend *b = NULL;
	struct guest_conf c;
	uint32_t id;
	int opt, r;

	while ((opt = getopt(argc, argv, "+d:r:s:o:")) != -1) {
		if (opt == 'd')
			dir = optarg;
		else if (opt == 'r')
			env.run_dir = optarg;
		else if (opt == 's')
			env.storage_dir = optarg;
		else if (opt == 'o')
			env.options = optarg;
		else
			return 2;
	}
	if (argc - optind < 4 || guest_id_parse(argv[optind + 2], &id) < 0)
		return fprintf(stderr, "usage: cd-backend [-d DIR] [-r RUN] "
				       "[-s STORAGE] [-o OPTS] BACKEND CONF "
				       "ID OP [ARGS]\n"),
		       2;
	if (backend_load(dir, argv[optind], &env, &b, &err) < 0)
		return fprintf(stderr, "error: %s\n", err.msg), 1;
	if (load_conf(argv[optind + 1], b->ops->type, id, &c) < 0) {
		backend_unload(b);
		return 1;
	}
	r = run(b, &c, argc - optind - 3, argv + optind + 3, &err);
	if (r == 1)
		fprintf(stderr, "error: %s\n", err.msg);
	backend_unload(b);
	return r;
}

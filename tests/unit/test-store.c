/*
 * Unit tests for clusterd/store.c on real SQLite files in a temporary
 * directory: what is committed survives a reopen exactly (entries, root,
 * tombstones, version, horizon), what is not committed does not, damage
 * gives -EUCLEAN with a recovery hint, and a failed commit is reported and
 * repaired by the next one.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "log.h"
#include "macro.h"
#include "store.h"
#include "test-rng.h"
#include "tree-sig.h"
#include "tree.h"

/* store.c's hook to read the connection's pragmas. */
sqlite3 *store_sqlite_for_tests(struct store *store);

static const struct tree_op_ctx CTX = {.writer = 2, .mtime_ms = 1234};

struct fixture {
	char dir[64];
	char db[128];
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	strcpy(f->dir, "/tmp/test-store-XXXXXX");
	if (!mkdtemp(f->dir)) {
		free(f);
		return -1;
	}
	snprintf(f->db, sizeof(f->db), "%s/config.db", f->dir);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	DIR *d = opendir(f->dir);
	struct dirent *de;
	char path[512];

	while (d && (de = readdir(d)))
		if (de->d_name[0] != '.') {
			snprintf(path, sizeof(path), "%s/%s", f->dir,
				 de->d_name);
			unlink(path);
		}
	if (d)
		closedir(d);
	rmdir(f->dir);
	free(f);
	return 0;
}

static void open_load(const char *db, enum store_sync_mode mode,
		      struct store **s, struct tree **t)
{
	assert_int_equal(store_open(db, mode, s), 0);
	assert_int_equal(tree_new(NULL, t), 0);
	assert_int_equal(store_load(*s, *t), 0);
	assert_false(store_dirty(*s));
}

static void close_free(struct store *s, struct tree *t)
{
	store_close(s);
	tree_free(t);
}

/* The reopened database must hold exactly EXPECTED. */
static void assert_reopens_as(const char *db, const char *expected)
{
	struct store *s;
	struct tree *t;
	char *got;

	open_load(db, STORE_SYNC_FULL, &s, &t);
	got = tree_signature(t, true);
	assert_string_equal(got, expected);
	free(got);
	close_free(s, t);
}

static int put_str(struct tree *t, const char *path, const char *s)
{
	return tree_put(t, path, s, strlen(s), false, 0, &CTX);
}

static void build_sample(struct tree *t)
{
	assert_int_equal(tree_mkdir(t, "etc", &CTX), 0);
	assert_int_equal(put_str(t, "etc/a", "alpha"), 0);
	assert_int_equal(tree_put(t, "etc/empty", NULL, 0, false, 0, &CTX), 0);
	assert_int_equal(tree_mkdir(t, "etc/sub", &CTX), 0);
	assert_int_equal(put_str(t, "etc/sub/c", "gamma"), 0);
	assert_int_equal(tree_mkdir(t, "etc-x", &CTX), 0);
	assert_int_equal(put_str(t, "etc-x/z", "zeta"), 0);
	assert_int_equal(tree_rename(t, "etc/sub", "etc/moved", &CTX), 0);
	assert_int_equal(tree_remove(t, "etc/a", &CTX), 0);
}

/* Run stderr into a file between capture_begin() and capture_end(). */
static int saved_stderr = -1;
static char capture_path[] = "/tmp/test-store-log-XXXXXX";

static void capture_begin(void)
{
	int fd;

	strcpy(capture_path, "/tmp/test-store-log-XXXXXX");
	fd = mkstemp(capture_path);
	assert_true(fd >= 0);
	fflush(stderr);
	saved_stderr = dup(2);
	dup2(fd, 2);
	close(fd);
}

static void capture_end(char *out, size_t size)
{
	int fd = open(capture_path, O_RDONLY);
	ssize_t n;

	fflush(stderr);
	dup2(saved_stderr, 2);
	close(saved_stderr);
	n = fd >= 0 ? read(fd, out, size - 1) : -1;
	out[n > 0 ? n : 0] = '\0';
	if (fd >= 0)
		close(fd);
	unlink(capture_path);
}

static void sql(const char *db, const char *text)
{
	sqlite3 *h;

	assert_int_equal(sqlite3_open(db, &h), SQLITE_OK);
	assert_int_equal(sqlite3_exec(h, text, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
}

static int pragma_int(sqlite3 *h, const char *pragma)
{
	sqlite3_stmt *st;
	int v;

	assert_int_equal(sqlite3_prepare_v2(h, pragma, -1, &st, NULL),
			 SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return v;
}

static void opens_wal_database_with_sync_mode(void **state)
{
	struct fixture *f = *state;
	struct store *s = NULL;
	sqlite3 *h;
	sqlite3_stmt *st;

	assert_int_equal(store_open(f->db, STORE_SYNC_FULL, &s), 0);
	assert_true(access(f->db, F_OK) == 0);
	assert_int_equal(
	    pragma_int(store_sqlite_for_tests(s), "PRAGMA synchronous"), 2);
	assert_false(store_dirty(s));
	assert_int_equal(store_commit(s), 0);
	store_close(s);
	assert_int_equal(store_open(f->db, STORE_SYNC_NORMAL, &s), 0);
	assert_int_equal(
	    pragma_int(store_sqlite_for_tests(s), "PRAGMA synchronous"), 1);
	store_close(s);

	assert_int_equal(sqlite3_open(f->db, &h), SQLITE_OK);
	assert_int_equal(
	    sqlite3_prepare_v2(h, "PRAGMA journal_mode", -1, &st, NULL),
	    SQLITE_OK);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_string_equal((const char *)sqlite3_column_text(st, 0), "wal");
	sqlite3_finalize(st);
	assert_int_equal(pragma_int(h, "SELECT value FROM meta WHERE key = "
				       "'schema_version'"),
			 1);
	sqlite3_close(h);
}

static void committed_tree_survives_reopen(void **state)
{
	struct fixture *f = *state;
	struct store *s;
	struct tree *t;
	char *sig;

	open_load(f->db, STORE_SYNC_FULL, &s, &t);
	build_sample(t);
	assert_true(store_dirty(s));
	assert_int_equal(store_commit(s), 0);
	assert_false(store_dirty(s));
	assert_int_equal(store_commit(s), 0);
	sig = tree_signature(t, true);
	assert_non_null(strstr(sig, "T etc/sub/c "));
	assert_non_null(strstr(sig, "E etc/empty 1 0 "));
	close_free(s, t);
	assert_reopens_as(f->db, sig);
	/* and again, after a reopen that changed nothing */
	assert_reopens_as(f->db, sig);
	free(sig);
}

static void uncommitted_changes_are_lost(void **state)
{
	struct fixture *f = *state;
	struct store *s;
	struct tree *t;
	char *sig;

	open_load(f->db, STORE_SYNC_NORMAL, &s, &t);
	build_sample(t);
	assert_int_equal(store_commit(s), 0);
	sig = tree_signature(t, true);
	assert_int_equal(put_str(t, "etc/new", "x"), 0);
	assert_int_equal(tree_remove(t, "etc-x/z", &CTX), 0);
	tree_set_version(t, 1000);
	assert_true(store_dirty(s));
	close_free(s, t);
	assert_reopens_as(f->db, sig);
	free(sig);
}

static void version_and_horizon_are_persisted(void **state)
{
	struct fixture *f = *state;
	struct store *s;
	struct tree *t;
	char *sig;

	open_load(f->db, STORE_SYNC_FULL, &s, &t);
	build_sample(t);
	assert_int_equal(store_commit(s), 0);
	tree_set_version(t, 100); /* as sync does: no entry changes */
	assert_true(store_dirty(s));
	assert_int_equal(store_commit(s), 0);
	assert_false(store_dirty(s));
	tree_prune_tombstones(t, 1);
	assert_true(tree_tombstone_horizon(t) > 0);
	assert_true(store_dirty(s));
	assert_int_equal(store_commit(s), 0);
	sig = tree_signature(t, true);
	assert_non_null(strstr(sig, "v100 "));
	assert_null(strstr(sig, "T etc/sub "));
	close_free(s, t);
	assert_reopens_as(f->db, sig);
	free(sig);
}

static int copy_entry(const struct tree_entry *e, void *userdata)
{
	return tree_install_entry(userdata, e);
}

static void snapshot_install_is_persisted(void **state)
{
	struct fixture *f = *state;
	struct store *s;
	struct tree *t, *src;
	char *sig;

	assert_int_equal(tree_new(NULL, &src), 0);
	build_sample(src);
	assert_int_equal(put_str(src, "only-in-source", "s"), 0);
	open_load(f->db, STORE_SYNC_FULL, &s, &t);
	assert_int_equal(put_str(t, "stale", "old"), 0);
	assert_int_equal(tree_remove(t, "stale", &CTX), 0);
	assert_int_equal(store_commit(s), 0);
	tree_clear(t);
	assert_int_equal(tree_foreach_since(src, 0, copy_entry, t), 0);
	tree_set_version(t, 50);
	assert_int_equal(store_commit(s), 0);
	sig = tree_signature(t, true);
	assert_non_null(strstr(sig, "v50 h50 "));
	assert_null(strstr(sig, "stale"));
	assert_non_null(strstr(sig, "only-in-source"));
	close_free(s, t);
	tree_free(src);
	assert_reopens_as(f->db, sig);
	free(sig);
}

static void expect_unclean(const char *db)
{
	struct store *s = NULL;
	char log[4096], hint[512];

	capture_begin();
	assert_int_equal(store_open(db, STORE_SYNC_FULL, &s), -EUCLEAN);
	capture_end(log, sizeof(log));
	assert_null(s);
	snprintf(hint, sizeof(hint), "mv %s %s.corrupt", db, db);
	assert_non_null(strstr(log, hint));
	assert_non_null(strstr(log, "restart clusterd"));
}

static void random_bytes_are_unclean(void **state)
{
	struct fixture *f = *state;
	FILE *out = fopen(f->db, "w");

	assert_non_null(out);
	srand(7);
	for (int i = 0; i < 65536; i++)
		fputc(rand() & 0xff, out);
	fclose(out);
	expect_unclean(f->db);
	/* a SQLite header followed by garbage */
	out = fopen(f->db, "w");
	fwrite("SQLite format 3", 1, 16, out);
	for (int i = 0; i < 8192; i++)
		fputc(rand() & 0xff, out);
	fclose(out);
	expect_unclean(f->db);
}

static void truncated_database_is_unclean(void **state)
{
	struct fixture *f = *state;
	struct store *s;
	struct tree *t;
	char path[32], data[2000];
	long size;
	FILE *in;

	open_load(f->db, STORE_SYNC_FULL, &s, &t);
	memset(data, 'd', sizeof(data));
	for (int i = 0; i < 300; i++) {
		snprintf(path, sizeof(path), "file%03d", i);
		assert_int_equal(
		    tree_put(t, path, data, sizeof(data), false, 0, &CTX), 0);
	}
	assert_int_equal(store_commit(s), 0);
	close_free(s, t);
	assert_true(access(f->db, F_OK) == 0);
	in = fopen(f->db, "r");
	fseek(in, 0, SEEK_END);
	size = ftell(in);
	fclose(in);
	assert_true(size > 300 * 2000);
	assert_int_equal(truncate(f->db, size / 2), 0);
	expect_unclean(f->db);
	assert_int_equal(truncate(f->db, 4096 + 100), 0);
	expect_unclean(f->db);
}

static void foreign_or_future_database_is_unclean(void **state)
{
	struct fixture *f = *state;
	struct store *s;

	sql(f->db, "CREATE TABLE other(x); INSERT INTO other VALUES (1);");
	expect_unclean(f->db);
	unlink(f->db);
	assert_int_equal(store_open(f->db, STORE_SYNC_FULL, &s), 0);
	store_close(s);
	sql(f->db, "UPDATE meta SET value = 2 WHERE key = 'schema_version'");
	expect_unclean(f->db);
	sql(f->db, "DELETE FROM meta WHERE key = 'schema_version'");
	expect_unclean(f->db);
}

static void unloadable_rows_are_unclean(void **state)
{
	struct fixture *f = *state;
	struct store *s;
	struct tree *t;

	assert_int_equal(store_open(f->db, STORE_SYNC_FULL, &s), 0);
	store_close(s);
	/* an entry whose parent is missing */
	sql(f->db,
	    "INSERT INTO entries VALUES ('no/parent', 1, x'00', 1, 1, 1)");
	assert_int_equal(store_open(f->db, STORE_SYNC_FULL, &s), 0);
	assert_int_equal(tree_new(NULL, &t), 0);
	capture_begin();
	assert_int_equal(store_load(s, t), -EUCLEAN);
	capture_end((char[1024]){0}, 1024);
	assert_int_equal(tree_entry_count(t), 0);
	close_free(s, t);
}

static void open_failures_are_errors_not_damage(void **state)
{
	struct fixture *f = *state;
	struct store *s = NULL;
	char path[256];
	int r;

	snprintf(path, sizeof(path), "%s/missing/config.db", f->dir);
	capture_begin();
	r = store_open(path, STORE_SYNC_FULL, &s);
	capture_end((char[1024]){0}, 1024);
	assert_true(r < 0 && r != -EUCLEAN);
	assert_null(s);
	capture_begin();
	r = store_open(f->dir, STORE_SYNC_FULL, &s);
	capture_end((char[1024]){0}, 1024);
	assert_true(r < 0 && r != -EUCLEAN);
	assert_int_equal(store_open(NULL, STORE_SYNC_FULL, &s), -EINVAL);
	store_close(NULL);
	assert_int_equal(store_commit(NULL), -EINVAL);
	assert_false(store_dirty(NULL));
}

static void load_wants_an_empty_tree_once(void **state)
{
	struct fixture *f = *state;
	struct store *s;
	struct tree *t, *other;

	open_load(f->db, STORE_SYNC_FULL, &s, &t);
	assert_int_equal(store_load(s, t), -EBUSY);
	assert_int_equal(tree_new(NULL, &other), 0);
	assert_int_equal(put_str(other, "x", "1"), 0);
	store_close(s);
	assert_int_equal(store_open(f->db, STORE_SYNC_FULL, &s), 0);
	assert_int_equal(store_load(s, other), -EINVAL);
	assert_int_equal(store_load(NULL, other), -EINVAL);
	close_free(s, t);
	tree_free(other);
}

static void failed_commit_is_reported_then_repaired(void **state)
{
	struct fixture *f = *state;
	struct rlimit old, low;
	struct store *s;
	struct tree *t;
	char log[4096];
	char *big = calloc(1, 1 << 20), *sig;
	int r;

	signal(SIGXFSZ, SIG_IGN);
	open_load(f->db, STORE_SYNC_FULL, &s, &t);
	build_sample(t);
	assert_int_equal(store_commit(s), 0);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	low = old;
	low.rlim_cur = 256 * 1024;
	assert_int_equal(tree_put(t, "big", big, 1 << 20, false, 0, &CTX), 0);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &low), 0);
	capture_begin();
	r = store_commit(s);
	capture_end(log, sizeof(log));
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	assert_true(r == -ENOSPC || r == -EIO);
	assert_non_null(strstr(log, "commit failed"));
	assert_true(store_dirty(s));
	/* later changes are not committed on top of the hole: all of it is */
	assert_int_equal(put_str(t, "after", "1"), 0);
	capture_begin();
	r = store_commit(s);
	capture_end(log, sizeof(log));
	assert_int_equal(r, 0);
	assert_non_null(strstr(log, "rewrote"));
	assert_false(store_dirty(s));
	sig = tree_signature(t, true);
	assert_non_null(strstr(sig, "E big 1 1048576 "));
	close_free(s, t);
	assert_reopens_as(f->db, sig);
	free(sig);
	free(big);
}

static uint64_t rnd_state = 0x2545f4914f6cdd1dULL;

static uint64_t rnd(void)
{
	return test_rng_next(&rnd_state);
}

static void random_path(char *buf)
{
	static const char *const names[] = {"a", "b", "a-b", "a.b"};

	test_rng_path(&rnd_state, names, ELEMENTSOF(names), buf);
}

static void random_op(struct tree *t)
{
	struct tree_op_ctx c = {(uint32_t)(rnd() % 3), (int64_t)(rnd() % 1000)};
	char p[64], q[64], data[40];
	size_t size = rnd() % sizeof(data);
	int op = (int)(rnd() % 10);

	random_path(p);
	random_path(q);
	memset(data, (int)(rnd() & 0xff), size);
	if (op < 4)
		tree_put(t, p, data, size, false, 0, &c);
	else if (op < 6)
		tree_mkdir(t, p, &c);
	else if (op < 8)
		tree_remove(t, p, &c);
	else if (op < 9)
		tree_rename(t, p, q, &c);
	else if (rnd() % 8 == 0)
		tree_prune_tombstones(t, rnd() % 20);
}

static void random_history_survives_reopen(void **state)
{
	struct fixture *f = *state;
	struct store *s;
	struct tree *t;
	char *sig;

	open_load(f->db, STORE_SYNC_NORMAL, &s, &t);
	for (int i = 0; i < 2000; i++) {
		random_op(t);
		if (rnd() % 40 == 0)
			assert_int_equal(store_commit(s), 0);
		if (i == 1000) {
			/* a reopen in the middle continues where it was */
			assert_int_equal(store_commit(s), 0);
			sig = tree_signature(t, true);
			close_free(s, t);
			open_load(f->db, STORE_SYNC_NORMAL, &s, &t);
			free(tree_signature(t, true)); /* exercises the reloaded tree */
			assert_reopens_as(f->db, sig);
			free(sig);
		}
	}
	assert_int_equal(store_commit(s), 0);
	assert_true(tree_entry_count(t) > 5);
	sig = tree_signature(t, true);
	close_free(s, t);
	assert_reopens_as(f->db, sig);
	free(sig);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(opens_wal_database_with_sync_mode,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(committed_tree_survives_reopen,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(uncommitted_changes_are_lost, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(version_and_horizon_are_persisted,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(snapshot_install_is_persisted,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(random_bytes_are_unclean, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(truncated_database_is_unclean,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(
		foreign_or_future_database_is_unclean, setup, teardown),
	    cmocka_unit_test_setup_teardown(unloadable_rows_are_unclean, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(open_failures_are_errors_not_damage,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(load_wants_an_empty_tree_once,
					    setup, teardown),
	    cmocka_unit_test_setup_teardown(
		failed_commit_is_reported_then_repaired, setup, teardown),
	    cmocka_unit_test_setup_teardown(random_history_survives_reopen,
					    setup, teardown),
	};
	int r;

	log_setup("test-store", LOG_TO_STDERR, false);
	r = cmocka_run_group_tests_name("store", tests, NULL, NULL);
	log_shutdown();
	return r;
}

/*
 * The durable copy of the tree: one SQLite database in WAL mode.
 *
 * The store is the tree's observer. Each change becomes a row write inside
 * a transaction opened lazily by the first change; store_commit() writes
 * the tree version and tombstone horizon into meta and commits, so that
 * one fsync covers every write since the last commit (group commit). The
 * version is read from the tree at commit time rather than observed:
 * tree_set_version() (sync) tells no observer, and the commit after it
 * must still persist it.
 *
 * When a write or a commit fails (disk full, I/O error) the transaction is
 * rolled back and the database no longer matches the tree. Committing
 * later changes on top would persist a version whose earlier changes are
 * missing, so instead the store marks itself broken and every following
 * commit tries to rewrite the whole tree in one transaction until one
 * succeeds. A failed commit is reported to the caller, which must not
 * acknowledge the writes it covered.
 *
 * Loading installs tombstones first and then entries ordered by path.
 * Path order puts every parent before its children because a parent's path
 * is a prefix of its child's, and with SQLite's BINARY collation a prefix
 * sorts first ("a" < "a-b" < "a/b"); entries win over stale tombstones.
 *
 * Damage is never repaired here: the member's tree is a replica, so the
 * safe recovery is to move the file aside and resync from the cluster.
 * Versions are stored as SQLite integers (int64, same bits as uint64).
 */
#include "store.h"

#include "log.h"
#include "macro.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#define SCHEMA_VERSION	1
#define BUSY_TIMEOUT_MS 1000

enum {
	ST_BEGIN,
	ST_COMMIT,
	ST_PUT_ENTRY,
	ST_DEL_ENTRY,
	ST_PUT_TOMB,
	ST_DEL_TOMB,
	ST_SET_META,
	ST_CLEAR_ENTRIES,
	ST_CLEAR_TOMBS,
	ST_PRUNE_TOMBS,
	ST__MAX,
};

static const char *const statements[ST__MAX] = {
    [ST_BEGIN] = "BEGIN IMMEDIATE",
    [ST_COMMIT] = "COMMIT",
    [ST_PUT_ENTRY] = "INSERT OR REPLACE INTO entries"
		     "(path, type, data, version, writer, mtime_ms)"
		     " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    [ST_DEL_ENTRY] = "DELETE FROM entries WHERE path = ?1",
    [ST_PUT_TOMB] = "INSERT OR REPLACE INTO tombstones(path, version)"
		    " VALUES (?1, ?2)",
    [ST_DEL_TOMB] = "DELETE FROM tombstones WHERE path = ?1",
    [ST_SET_META] = "INSERT OR REPLACE INTO meta(key, value) VALUES (?1, ?2)",
    [ST_CLEAR_ENTRIES] = "DELETE FROM entries",
    [ST_CLEAR_TOMBS] = "DELETE FROM tombstones",
    [ST_PRUNE_TOMBS] = "DELETE FROM tombstones WHERE version <= ?1",
};

static const char schema[] =
    "BEGIN;"
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL);"
    "CREATE TABLE entries(path TEXT PRIMARY KEY, type INTEGER NOT NULL,"
    " data BLOB, version INTEGER NOT NULL, writer INTEGER NOT NULL,"
    " mtime_ms INTEGER NOT NULL);"
    "CREATE TABLE tombstones(path TEXT PRIMARY KEY,"
    " version INTEGER NOT NULL);"
    "INSERT INTO meta VALUES ('schema_version', 1), ('tree_version', 0),"
    " ('tombstone_horizon', 0);"
    "COMMIT;";

struct store {
	sqlite3 *db;
	char *path;
	struct tree *tree;
	bool in_txn; /* BEGIN done, COMMIT pending */
	bool broken; /* the database lost a change: rewrite it whole */
	unsigned failed_commits; /* since the store was last whole */
	int failed_rc;
	uint64_t saved_version, saved_horizon;
	sqlite3_stmt *st[ST__MAX];
};

/* Log that PATH is unusable and how to recover; -EUCLEAN. */
static int damaged(const struct store *s, const char *reason)
{
	log_error("%s is damaged or is not a clusterd database (%s). To "
		  "recover, move it aside and restart clusterd, which resyncs "
		  "the tree from the cluster: mv %s %s.corrupt",
		  s->path, reason, s->path, s->path);
	return -EUCLEAN;
}

/* Map a SQLite failure to -errno, with a log line. */
static int sql_fail(const struct store *s, int rc, const char *what)
{
	const char *msg = s->db ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc);
	int sys = s->db ? sqlite3_system_errno(s->db) : 0;

	switch (rc & 0xff) {
	case SQLITE_NOTADB:
	case SQLITE_CORRUPT: return damaged(s, msg);
	case SQLITE_FULL:
		return log_error_errno(ENOSPC, "%s: %s failed (%s)", s->path,
				       what, msg);
	case SQLITE_NOMEM:
		return log_error_errno(ENOMEM, "%s: %s failed", s->path, what);
	case SQLITE_CANTOPEN:
		return log_error_errno(sys > 0 ? sys : EIO,
				       "%s: %s failed (%s)", s->path, what,
				       msg);
	default:
		return log_error_errno(EIO, "%s: %s failed (%s)", s->path, what,
				       msg);
	}
}

/* Step a kept statement to completion: SQLITE_OK or the error code. */
static int run(struct store *s, int idx)
{
	sqlite3_stmt *st = s->st[idx];
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? SQLITE_OK : rc;
}

static int bind_path(struct store *s, int idx, const char *path)
{
	return sqlite3_bind_text(s->st[idx], 1, path, -1, SQLITE_STATIC);
}

static int write_entry(struct store *s, const struct tree_entry *e)
{
	sqlite3_stmt *st = s->st[ST_PUT_ENTRY];
	int rc = bind_path(s, ST_PUT_ENTRY, e->path);

	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int(st, 2, e->type);
	if (rc == SQLITE_OK && e->size > 0)
		rc =
		    sqlite3_bind_blob64(st, 3, e->data, e->size, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 4, (sqlite3_int64)e->version);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 5, e->writer);
	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 6, e->mtime_ms);
	rc = rc == SQLITE_OK ? run(s, ST_PUT_ENTRY) : rc;
	if (rc == SQLITE_OK)
		rc = bind_path(s, ST_DEL_TOMB, e->path);
	return rc == SQLITE_OK ? run(s, ST_DEL_TOMB) : rc;
}

static int write_tombstone(struct store *s, const char *path, uint64_t version)
{
	int rc = bind_path(s, ST_PUT_TOMB, path);

	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(s->st[ST_PUT_TOMB], 2,
					(sqlite3_int64)version);
	return rc == SQLITE_OK ? run(s, ST_PUT_TOMB) : rc;
}

static int write_removal(struct store *s, const char *path, uint64_t version)
{
	int rc = bind_path(s, ST_DEL_ENTRY, path);

	rc = rc == SQLITE_OK ? run(s, ST_DEL_ENTRY) : rc;
	return rc == SQLITE_OK ? write_tombstone(s, path, version) : rc;
}

static int write_clear(struct store *s)
{
	int rc = run(s, ST_CLEAR_ENTRIES);

	return rc == SQLITE_OK ? run(s, ST_CLEAR_TOMBS) : rc;
}

static int write_meta(struct store *s, const char *key, uint64_t value)
{
	sqlite3_stmt *st = s->st[ST_SET_META];
	int rc = sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);

	if (rc == SQLITE_OK)
		rc = sqlite3_bind_int64(st, 2, (sqlite3_int64)value);
	return rc == SQLITE_OK ? run(s, ST_SET_META) : rc;
}

static int begin(struct store *s)
{
	int rc = s->in_txn ? SQLITE_OK : run(s, ST_BEGIN);

	if (rc == SQLITE_OK)
		s->in_txn = true;
	return rc;
}

static void rollback(struct store *s)
{
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	s->in_txn = false;
}

static void observe(const char *path, const struct tree_entry *entry,
		    uint64_t tombstone_version, void *userdata)
{
	struct store *s = userdata;
	int rc;

	if (s->broken)
		return; /* the rewrite at the next commit carries it */
	rc = begin(s);
	if (rc == SQLITE_OK && entry)
		rc = write_entry(s, entry);
	else if (rc == SQLITE_OK && *path)
		rc = write_removal(s, path, tombstone_version);
	else if (rc == SQLITE_OK)
		rc = write_clear(s);
	if (rc == SQLITE_OK)
		return;
	log_error("%s: cannot record the change of '%s' (%s); the next "
		  "commit rewrites the whole tree",
		  s->path, path, sqlite3_errmsg(s->db));
	s->broken = true;
}

static int query_one(struct store *s, const char *sql, sqlite3_stmt **out)
{
	int rc = sqlite3_prepare_v2(s->db, sql, -1, out, NULL);

	if (rc == SQLITE_OK)
		rc = sqlite3_step(*out);
	return rc == SQLITE_ROW ? SQLITE_OK : rc;
}

static int check_integrity(struct store *s)
{
	sqlite3_stmt *st = NULL;
	int rc = query_one(s, "PRAGMA integrity_check", &st), r = 0;
	const char *res =
	    rc == SQLITE_OK ? (const char *)sqlite3_column_text(st, 0) : NULL;

	if (rc != SQLITE_OK)
		r = sql_fail(s, rc, "PRAGMA integrity_check");
	else if (!res || strcmp(res, "ok") != 0)
		r = damaged(s, res ? res : "integrity check failed");
	sqlite3_finalize(st);
	return r;
}

static int set_pragmas(struct store *s, enum store_sync_mode mode)
{
	sqlite3_stmt *st = NULL;
	const char *sync = mode == STORE_SYNC_NORMAL
			       ? "PRAGMA synchronous=NORMAL"
			       : "PRAGMA synchronous=FULL";
	int rc = query_one(s, "PRAGMA journal_mode=WAL", &st);
	const char *got =
	    rc == SQLITE_OK ? (const char *)sqlite3_column_text(st, 0) : NULL;

	if (rc == SQLITE_OK && (!got || strcmp(got, "wal") != 0))
		log_warning("%s: SQLite refused WAL mode, using '%s'", s->path,
			    got ? got : "?");
	sqlite3_finalize(st);
	if (rc != SQLITE_OK)
		return sql_fail(s, rc, "PRAGMA journal_mode=WAL");
	rc = sqlite3_exec(s->db, sync, NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return sql_fail(s, rc, sync);
	sqlite3_busy_timeout(s->db, BUSY_TIMEOUT_MS);
	return 0;
}

/* An empty database gets the schema; anything else must carry ours. */
static int check_schema(struct store *s)
{
	sqlite3_stmt *st = NULL;
	int rc = query_one(s,
			   "SELECT count(*), sum(name IN ('meta', 'entries',"
			   " 'tombstones')) FROM sqlite_master",
			   &st);
	int all = 0, ours = 0;
	char reason[64];

	if (rc == SQLITE_OK) {
		all = sqlite3_column_int(st, 0);
		ours = sqlite3_column_int(st, 1);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_OK)
		return sql_fail(s, rc, "reading the schema");
	if (all == 0) {
		rc = sqlite3_exec(s->db, schema, NULL, NULL, NULL);
		if (rc != SQLITE_OK)
			rollback(s);
		return rc == SQLITE_OK ? 0 : sql_fail(s, rc, "creating tables");
	}
	if (ours != 3)
		return damaged(s, "no clusterd tables");
	rc = query_one(s, "SELECT value FROM meta WHERE key = 'schema_version'",
		       &st);
	ours = rc == SQLITE_OK ? sqlite3_column_int(st, 0) : -1;
	sqlite3_finalize(st);
	if (rc != SQLITE_OK && rc != SQLITE_DONE)
		return sql_fail(s, rc, "reading the schema version");
	if (ours == SCHEMA_VERSION)
		return 0;
	if (rc == SQLITE_DONE)
		return damaged(s, "no schema version");
	snprintf(reason, sizeof(reason), "unknown schema version %d", ours);
	return damaged(s, reason);
}

static int prepare_all(struct store *s)
{
	for (int i = 0; i < ST__MAX; i++) {
		int rc = sqlite3_prepare_v3(s->db, statements[i], -1,
					    SQLITE_PREPARE_PERSISTENT,
					    &s->st[i], NULL);

		if (rc != SQLITE_OK)
			return sql_fail(s, rc, "preparing statements");
	}
	return 0;
}

void store_close(struct store *store)
{
	if (!store)
		return;
	if (store->tree)
		tree_remove_observer(store->tree, observe, store);
	if (store->db)
		rollback(store);
	for (int i = 0; i < ST__MAX; i++)
		sqlite3_finalize(store->st[i]);
	if (store->db && sqlite3_close(store->db) != SQLITE_OK)
		log_error("%s: closing the database failed (%s)", store->path,
			  sqlite3_errmsg(store->db));
	free(store->path);
	free(store);
}

static void store_closep(struct store **s)
{
	store_close(*s);
}

int store_open(const char *path, enum store_sync_mode mode, struct store **out)
{
	_cleanup_(store_closep) struct store *s = NULL;
	int rc, r;

	if (!path || !out)
		return -EINVAL;
	s = calloc(1, sizeof(*s));
	if (!s || !(s->path = strdup(path)))
		return -ENOMEM;
	rc = sqlite3_open_v2(path, &s->db,
			     SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	if (rc != SQLITE_OK)
		return sql_fail(s, rc, "opening");
	sqlite3_extended_result_codes(s->db, 1);
	r = check_integrity(s);
	if (r == 0)
		r = set_pragmas(s, mode);
	if (r == 0)
		r = check_schema(s);
	if (r == 0)
		r = prepare_all(s);
	if (r < 0)
		return r;
	*out = TAKE_PTR(s);
	return 0;
}

static int read_meta(struct store *s, const char *key, uint64_t *out)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(
	    s->db, "SELECT value FROM meta WHERE key = ?1", -1, &st, NULL);

	if (rc == SQLITE_OK)
		rc = sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = (uint64_t)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return 0;
	return rc == SQLITE_DONE ? damaged(s, key) : sql_fail(s, rc, key);
}

static int load_row(struct store *s, struct tree *t, sqlite3_stmt *st,
		    bool entries)
{
	const char *path = (const char *)sqlite3_column_text(st, 0);
	struct tree_entry e = {.path = path};
	char reason[128];
	int r;

	if (!path)
		return damaged(s, "a row without a path");
	if (entries) {
		e.type = (enum tree_entry_type)sqlite3_column_int(st, 1);
		e.data = sqlite3_column_blob(st, 2);
		e.size = (size_t)sqlite3_column_bytes(st, 2);
		e.version = (uint64_t)sqlite3_column_int64(st, 3);
		e.writer = (uint32_t)sqlite3_column_int64(st, 4);
		e.mtime_ms = sqlite3_column_int64(st, 5);
		r = tree_install_entry(t, &e);
	} else {
		r = tree_install_tombstone(
		    t, path, (uint64_t)sqlite3_column_int64(st, 1));
	}
	if (r >= 0 || r == -ENOMEM)
		return r;
	snprintf(reason, sizeof(reason), "%s '%.60s' is invalid: %s",
		 entries ? "entry" : "tombstone", path, strerror(-r));
	return damaged(s, reason);
}

static int load_rows(struct store *s, struct tree *t, const char *sql,
		     bool entries)
{
	sqlite3_stmt *st = NULL;
	int rc = sqlite3_prepare_v2(s->db, sql, -1, &st, NULL), r = 0;

	while (rc == SQLITE_OK || rc == SQLITE_ROW) {
		rc = sqlite3_step(st);
		if (rc == SQLITE_ROW && (r = load_row(s, t, st, entries)) < 0)
			break;
	}
	sqlite3_finalize(st);
	if (r < 0)
		return r;
	return rc == SQLITE_DONE ? 0 : sql_fail(s, rc, "loading");
}

int store_load(struct store *store, struct tree *tree)
{
	uint64_t version = 0, horizon = 0;
	int r;

	if (!store || !tree)
		return -EINVAL;
	if (store->tree)
		return -EBUSY;
	if (tree_entry_count(tree) > 0 || tree_version(tree) > 0)
		return -EINVAL;
	r = load_rows(store, tree, "SELECT path, version FROM tombstones",
		      false);
	if (r == 0)
		r = load_rows(store, tree,
			      "SELECT path, type, data, version, writer, "
			      "mtime_ms FROM entries ORDER BY path",
			      true);
	if (r == 0)
		r = read_meta(store, "tree_version", &version);
	if (r == 0)
		r = read_meta(store, "tombstone_horizon", &horizon);
	if (r < 0) {
		tree_clear(tree);
		return r;
	}
	tree_set_version(tree, version);
	tree_set_tombstone_horizon(tree, horizon);
	store->tree = tree;
	store->saved_version = version;
	store->saved_horizon = horizon;
	tree_add_observer(tree, observe, store);
	return 0;
}

bool store_dirty(const struct store *store)
{
	if (!store || !store->tree)
		return false;
	return store->in_txn || store->broken ||
	       tree_version(store->tree) != store->saved_version ||
	       tree_tombstone_horizon(store->tree) != store->saved_horizon;
}

/* Write version and horizon (forgetting pruned tombstones) and commit. */
static int finish(struct store *s, uint64_t version, uint64_t horizon)
{
	int rc = write_meta(s, "tree_version", version);

	if (rc == SQLITE_OK && horizon != s->saved_horizon)
		rc = write_meta(s, "tombstone_horizon", horizon);
	if (rc == SQLITE_OK && horizon != s->saved_horizon)
		rc = sqlite3_bind_int64(s->st[ST_PRUNE_TOMBS], 1,
					(sqlite3_int64)horizon);
	if (rc == SQLITE_OK && horizon != s->saved_horizon)
		rc = run(s, ST_PRUNE_TOMBS);
	return rc == SQLITE_OK ? run(s, ST_COMMIT) : rc;
}

static int commit_failed(struct store *s, int rc)
{
	int r = (rc & 0xff) == SQLITE_FULL ? -ENOSPC : -EIO;

	/* Once per failure streak: a full disk fails every commit, and a
	 * line per write would flood the log (and fill /var/log too). */
	if (s->failed_commits++ == 0)
		log_error_errno(r,
				"%s: commit failed (%s); the writes since the "
				"last commit are not durable here until it "
				"succeeds (retried at every change)",
				s->path, sqlite3_errmsg(s->db));
	else
		log_debug("%s: commit failed again (%s)", s->path,
			  sqlite3_errmsg(s->db));
	rollback(s);
	s->broken = true;
	return r;
}

static int rewrite_entry(const struct tree_entry *e, void *userdata)
{
	struct store *s = userdata;

	s->failed_rc = write_entry(s, e);
	return s->failed_rc == SQLITE_OK ? 0 : -EIO;
}

static int rewrite_tombstone(const char *path, uint64_t version, void *userdata)
{
	struct store *s = userdata;

	s->failed_rc = write_tombstone(s, path, version);
	return s->failed_rc == SQLITE_OK ? 0 : -EIO;
}

/* After a failure: replace the database's content by the whole tree. */
static int rewrite(struct store *s, uint64_t version, uint64_t horizon)
{
	int rc, r = 0;

	rollback(s);
	rc = begin(s);
	if (rc == SQLITE_OK)
		rc = write_clear(s);
	if (rc == SQLITE_OK)
		rc = write_entry(s, tree_lookup(s->tree, ""));
	if (rc == SQLITE_OK)
		r = tree_foreach_since(s->tree, 0, rewrite_entry, s);
	if (rc == SQLITE_OK && r == 0)
		r = tree_foreach_tombstone_since(s->tree, 0, rewrite_tombstone,
						 s);
	if (rc == SQLITE_OK && r == 0)
		rc = finish(s, version, horizon);
	if (r == -ENOMEM) {
		rollback(s);
		return log_error_errno(r, "%s: rewriting the tree", s->path);
	}
	if (rc != SQLITE_OK || r < 0)
		return commit_failed(s, rc != SQLITE_OK ? rc : s->failed_rc);
	log_notice("%s: rewrote the whole tree after %u failed commit(s); "
		   "the store is durable again",
		   s->path, s->failed_commits);
	s->failed_commits = 0;
	return 0;
}

int store_commit(struct store *store)
{
	uint64_t version, horizon;
	int rc;

	if (!store)
		return -EINVAL;
	if (!store_dirty(store))
		return 0;
	version = tree_version(store->tree);
	horizon = tree_tombstone_horizon(store->tree);
	if (store->broken) {
		rc = rewrite(store, version, horizon);
		if (rc < 0)
			return rc;
	} else {
		rc = begin(store);
		if (rc == SQLITE_OK)
			rc = finish(store, version, horizon);
		if (rc != SQLITE_OK)
			return commit_failed(store, rc);
	}
	store->in_txn = false;
	store->broken = false;
	store->saved_version = version;
	store->saved_horizon = horizon;
	return 0;
}

/* For the unit tests only: the connection, to read its pragmas. */
sqlite3 *store_sqlite_for_tests(struct store *store);
sqlite3 *store_sqlite_for_tests(struct store *store)
{
	return store->db;
}

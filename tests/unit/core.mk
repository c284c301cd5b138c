# Unit tests of clusterd's core modules (the tree and its SQLite store).
# Included from tests/local.mk; the store tests use real database files in
# a temporary directory.
core_unit_tests = tests/unit/test-tree tests/unit/test-store
check_PROGRAMS += $(core_unit_tests)
TESTS += $(core_unit_tests)

CORE_UNIT_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(SQLITE_CFLAGS) \
	-I$(top_srcdir)/clusterd -I$(top_srcdir)/tests/lib
CORE_UNIT_LDADD = clusterd/libclusterdcore.la lib/libcdcommon.la \
	$(CMOCKA_LIBS) $(SQLITE_LIBS) $(QB_LIBS)

# test-tree is one program from several files (the cases by concern, the
# fixture once); tree-fixture.h declares what they share.
tests_unit_test_tree_SOURCES = tests/unit/test-tree.c tests/unit/test-tree-ops.c \
	tests/unit/test-tree-sync.c tests/unit/test-tree-replay.c \
	tests/unit/tree-fixture.c tests/unit/tree-fixture.h \
	tests/unit/tree-sig.c tests/unit/tree-sig.h tests/lib/test-rng.h
tests_unit_test_tree_CFLAGS = $(CORE_UNIT_CFLAGS)
tests_unit_test_tree_LDADD = $(CORE_UNIT_LDADD)
tests_unit_test_store_SOURCES = tests/unit/test-store.c tests/unit/tree-sig.c tests/unit/tree-sig.h \
	tests/lib/test-rng.h
tests_unit_test_store_CFLAGS = $(CORE_UNIT_CFLAGS)
tests_unit_test_store_LDADD = $(CORE_UNIT_LDADD)

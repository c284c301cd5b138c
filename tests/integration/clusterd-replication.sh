# Replication on a real 3-node cluster: a write on any node is readable on
# all; compare-and-swap rejects a stale version; concurrent writers on all
# three nodes end with identical trees and no acknowledged write missing.
set -u
. "$top_srcdir/tests/harness/harness.sh" || exit 99

h_clusterd_cluster 3

# An acknowledged write is applied on the writer's node before the answer,
# on the others a moment later (docs/replication.md: read-your-writes holds
# on the writer's node): wait until node J reads VALUE at PATH.
reads() {
	[ "$(h_ctl "$1" config get "$2")" = "$3" ]
}

# A write on each node is readable on every node.
for i in 1 2 3; do
	h_ctl "$i" config put "from-n$i" "hello from n$i" || h_fail "put on n$i"
done
for i in 1 2 3; do
	for j in 1 2 3; do
		h_wait 30 reads "$j" "from-n$i" "hello from n$i" ||
			h_fail "n$j read '$(h_ctl "$j" config get "from-n$i")' for from-n$i"
	done
done

# Compare-and-swap: the current version succeeds, a stale one fails on
# every node alike and leaves the value alone.
v=$(h_ctl 2 -o json config stat from-n1 | sed -n 's/.*"version": *\([0-9]*\).*/\1/p')
[ -n "$v" ] || h_fail "no version from stat"
h_ctl 3 config put --expect-version "$v" from-n1 "cas ok" || h_fail "CAS with current version failed"
err=$(h_ctl 1 config put --expect-version "$v" from-n1 "stale" 2>&1) && h_fail "stale CAS accepted"
case $err in *"version mismatch"*) ;; *) h_fail "unclear CAS error: $err" ;; esac
h_wait 30 reads 2 from-n1 "cas ok" || h_fail "stale CAS changed the value"
h_ctl 1 config put --create from-n1 "again" 2>/dev/null && h_fail "--create over an existing file accepted"

# Directory operations replicate too.
h_ctl 1 config mkdir d || h_fail mkdir
h_ctl 2 config put d/f x || h_fail "put d/f"
h_ctl 3 config rm d 2>/dev/null && h_fail "rm of a non-empty directory accepted"
h_ctl 3 config mv d/f d/g || h_fail "mv"
h_wait 30 reads 1 d/g x || h_fail "mv not visible on n1"

# A value larger than a default IPC connection carries (1 MiB): the
# client reconnects with large rings, for the put and for the get.
head -c 3000000 /dev/urandom >"$H_DIR/large"
h_run 1 "$H_CLUSTERCTL" config put large <"$H_DIR/large" || h_fail "3 MB put"
h_wait 30 h_ctl 3 config stat large || h_fail "3 MB put not visible on n3"
h_ctl 3 config get large | cmp -s - "$H_DIR/large" || h_fail "3 MB get on n3 differs"

# Concurrent writers on all three nodes, some on shared keys.
for i in 1 2 3; do
	h_load "$i" -c 4 -n 600 -d "load/n$i" -a "$H_DIR/acked" >"$H_DIR/load$i.out" &
	h_run "$i" sh -c "for k in 1 2 3 4 5 6 7 8 9 10; do $H_CLUSTERCTL config put shared n$i-\$k; done" &
done
wait
cat "$H_DIR"/load?.out
h_wait 30 h_converged 1 2 3 || h_fail "trees differ: $(for i in 1 2 3; do h_tree_id $i; done)"
for i in 1 2 3; do
	h_load "$i" -C "$H_DIR/acked" || h_fail "n$i misses acknowledged writes"
done
echo "$(wc -l <"$H_DIR/acked") acknowledged writes present on all nodes; $(h_tree_id 1)"
echo "PASS: replication"

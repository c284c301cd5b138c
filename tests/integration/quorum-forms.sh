# A 3-node cluster forms: libquorum reports quorate on every node, each node
# sees all three members and three votes, and nodes are isolated from each
# other (own hostname, own /run).
set -u
. "$top_srcdir/tests/harness/harness.sh" || exit 99

h_setup 3
h_start_all

for i in 1 2 3; do
	h_wait 30 h_expect_probe "$i" "quorate=1 members=1,2,3 total_votes=3" ||
		h_fail "node $i did not become quorate with 3 members: $(h_run "$i" "$H_PROBE")"
	h_log "n$i: $(h_run "$i" "$H_PROBE")"
	[ "$(h_run "$i" hostname)" = "n$i" ] || h_fail "node $i has the wrong hostname"
	h_run "$i" test -e /run/corosync.pid ||
		h_fail "node $i: /run/corosync.pid missing"
done
# Each node has its own /run: the file written on n1 is not on n2.
h_run 1 touch /run/only-on-n1
h_run 2 test ! -e /run/only-on-n1 || h_fail "/run is shared between nodes"
echo "PASS: 3 nodes quorate"

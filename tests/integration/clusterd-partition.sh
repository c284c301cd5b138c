# Partition one node of three: its writes fail with "no quorum" within
# seconds and it applies nothing, the majority keeps writing, and after
# healing the minority converges with every acknowledged write.
set -u
. "$top_srcdir/tests/harness/harness.sh" || exit 99

h_clusterd_cluster 3
h_ctl 1 config put before-cut 1 || h_fail "put before the cut"

h_partition 3
minority_refuses() {
	local err
	err=$(h_ctl 3 --timeout 5 config put from-minority x 2>&1) && return 1
	case $err in *"no quorum"*) return 0 ;; esac
	echo "unexpected error: $err" >&2
	return 1
}
t0=$(date +%s%N)
h_wait 20 minority_refuses || h_fail "n3 still accepts writes or fails unclearly"
echo "n3 refused with 'no quorum' $(( ($(date +%s%N) - t0) / 1000000 )) ms after the cut"
minority_version=$(h_tree_id 3)

# The majority keeps writing (a write right after the cut may still wait
# for the new view; cd-load retries nothing, so count what was acked).
h_wait 20 h_clusterd_ready 1 || h_fail "n1 lost quorum: $(h_tree_id 1)"
h_load 1 -c 4 -n 400 -d majority -a "$H_DIR/acked" || h_fail "load on n1"
[ "$(wc -l <"$H_DIR/acked")" -ge 390 ] || h_fail "majority could not write"
h_ctl 3 config get from-minority 2>/dev/null && h_fail "n3 applied its own write"
[ "$(h_tree_id 3)" = "$minority_version" ] || h_fail "n3's tree changed while cut off"
h_ctl 3 config get before-cut >/dev/null || h_fail "n3 cannot read while cut off"

h_heal 3
# corosync's own merge first, so a failure says whose it is.
corosync_merged() {
	h_run 3 corosync-quorumtool -s 2>/dev/null | grep -q '^Nodes: *3$'
}
h_wait 30 corosync_merged || h_fail "corosync did not take n3 back within 30 s"
h_wait 30 h_converged 1 2 3 || h_fail "no convergence: $(for i in 1 2 3; do h_tree_id $i; done)"
h_load 3 -C "$H_DIR/acked" || h_fail "n3 misses acknowledged writes"
h_ctl 1 config get from-minority 2>/dev/null && h_fail "the minority's write appeared"
h_ctl 3 config put after-heal ok || h_fail "n3 cannot write after healing"
echo "PASS: partition"

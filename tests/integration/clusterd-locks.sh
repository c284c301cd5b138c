# Cluster locks and the node status store on three real nodes.
#
# Invariant 5: a lock held by n2 passes to the waiter on n1 as soon as n2
# is powered off, at the view change (no lease to expire), and every node
# then shows the same holder; --try on a held lock fails with a clear
# error; a node that loses quorum loses its locks (its clusterctl reports
# it and exits 1). Node status: an entry set on n1 is read on n3, a
# partitioned node (no quorum) still sets its own entries, and its entries
# come back to the others when it rejoins.
set -u
. "$top_srcdir/tests/harness/harness.sh" || exit 99

h_clusterd_cluster 3

# Node I's view of lock NAME: "NODEID WAITERS", or nothing when free.
lock_state() {
	h_ctl "$1" locks | awk -v n="$2" '$1 == n { print $2, $5 }'
}
lock_state_is() { [ "$(lock_state "$1" "$2")" = "$3" ]; }
status_is() { [ "$(h_ctl "$1" node-status get "$2" "$3")" = "$4" ]; }
not_ready() { ! h_clusterd_ready "$1"; }

# ----------------------------------------------------------- status
h_ctl 1 node-status set health ok || h_fail "node-status set on n1"
h_wait 10 status_is 3 1 health ok || h_fail "n3 does not see n1's status"
status_is 3 n1 health ok || h_fail "n3 cannot name n1"
h_ctl 2 node-status set health ok || h_fail "node-status set on n2"
h_ctl 3 node-status ls | grep -q '^ *2 *n2 *health *ok$' ||
	h_fail "node-status ls on n3: $(h_ctl 3 node-status ls)"

# ------------------------------------------------------------ locks
h_spawn 2 holder "$H_CLUSTERCTL" lock ha/test -- sleep 1000
h_wait 20 lock_state_is 1 ha/test "2 0" ||
	h_fail "n1 does not see n2 holding ha/test: $(h_ctl 1 locks)"
err=$(h_ctl 1 lock --try ha/test -- true 2>&1) && h_fail "--try got a held lock"
case $err in
*"lock ha/test: resource busy (held by node 2,"*) ;;
*) h_fail "unclear --try error: $err" ;;
esac
err=$(h_ctl 3 lock --timeout 1 ha/test -- true 2>&1) && h_fail "--timeout got a held lock"
case $err in *"timed out"*) ;; *) h_fail "unclear --timeout error: $err" ;; esac

# A waiter on n1; it records its exit status on its node.
h_spawn 1 waiter sh -c '"$0" lock ha/test -- sh -c "touch /run/got-lock; sleep 1000"
	echo $? >/run/waiter.rc' "$H_CLUSTERCTL"
h_wait 20 lock_state_is 3 ha/test "2 1" || h_fail "no waiter: $(h_ctl 3 locks)"

t0=$(date +%s%N)
h_poweroff 2
h_wait 30 h_run 1 test -e /run/got-lock || h_fail "n1 did not get ha/test after n2 died"
echo "n1 got ha/test $(( ($(date +%s%N) - t0) / 1000000 )) ms after n2 was powered off"
for i in 1 3; do
	lock_state_is "$i" ha/test "1 0" || h_fail "n$i: $(h_ctl "$i" locks)"
done
h_wait 10 h_converged 1 3 || h_fail "n1 and n3 not synced"
h_ctl 1 node-status get 2 health >/dev/null 2>&1 && h_fail "n2's status outlived it"

# ------------------------------------------------ minority and status
h_partition 3
h_wait 30 h_run 1 test -e /run/waiter.rc || h_fail "n1's holder kept a lock without quorum"
[ "$(h_run 1 cat /run/waiter.rc)" = 1 ] || h_fail "lost lock: exit $(h_run 1 cat /run/waiter.rc)"
[ -z "$(lock_state 1 ha/test)" ] || h_fail "minority n1 still lists the lock"
h_wait 30 not_ready 3 || h_fail "cut-off n3 still quorate"
h_ctl 3 node-status set health isolated || h_fail "partitioned n3 cannot set its status"
status_is 3 3 health isolated || h_fail "n3 does not read its own status"
h_heal 3
h_wait 30 status_is 1 3 health isolated || h_fail "n3's status did not come back to n1"
h_wait 30 h_converged 1 3 || h_fail "no convergence after heal"
h_ctl 3 lock --try ha/test -- true || h_fail "ha/test not free after everything"
echo "PASS: locks and node status"

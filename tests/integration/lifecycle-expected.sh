#!/usr/bin/env bash
# "clusterctl expected N": refused while nodes outside the partition are
# still reachable (their corosync answers although their clusterd is gone),
# unless --force; a lone survivor of three regains quorum with
# "expected 1" (clusterd's write quorum and votequorum); the override ends
# at the next membership change.
set -u
. "$top_srcdir/tests/harness/harness.sh"
. "$top_srcdir/tests/integration/lifecycle.sh.inc"

expected_votes() { h_ctl "$1" -o json members | jq -r .expected_votes; }

h_blank_cluster 3
lc_create 1
lc_join 2 1
lc_join 3 1
h_wait 60 h_converged 1 2 3 || h_fail "not converged"

out=$(h_ctl 1 expected 2 2>&1)
[ $? = 1 ] && echo "$out" | grep -q "at least" || h_fail "expected below the view's votes: $out"
for n in 0 abc -1 "1 2"; do
	# shellcheck disable=SC2086
	h_ctl 1 expected $n >/dev/null 2>&1
	[ $? = 2 ] || h_fail "expected '$n' is not a usage error"
done

# clusterd gone on n2 and n3, their corosync still up: reachable.
h_kill_clusterd 2
h_kill_clusterd 3
h_wait 30 sh -c "! h_clusterd_ready 1" 2>/dev/null
h_wait 30 eval '[ "$(h_tree_id 1 | cut -d" " -f1)" = quorate=0 ]' || h_fail "n1 still quorate"
out=$(h_ctl 1 expected 1 2>&1)
[ $? = 1 ] && echo "$out" | grep -q "reachable" || h_fail "expected with reachable nodes: $out"
grep -q "Expected votes overridden" "$(h_nodedir 1)/log/clusterd.log" &&
	h_fail "a refused override was applied"
h_ctl 1 expected 1 --force || h_fail "expected 1 --force failed"
h_wait 30 h_clusterd_ready 1 || h_fail "n1 not quorate after expected 1"
h_ctl 1 config put forced yes || h_fail "write after expected 1 --force"
# A membership change ends the override.
h_service_clusterd 2
h_service_clusterd 3
h_wait 60 h_converged 1 2 3 || h_fail "not converged after restart"
[ "$(expected_votes 1)" = 3 ] || h_fail "override did not end: $(expected_votes 1)"

# Two nodes powered off: the survivor is not quorate, then is.
h_poweroff 2
h_poweroff 3
h_wait 30 h_expect_probe 1 "quorate=0" || h_fail "votequorum still quorate"
h_wait 30 eval '[ "$(h_tree_id 1 | cut -d" " -f1)" = quorate=0 ]' || h_fail "clusterd still quorate"
h_ctl 1 config put lonely no 2>/dev/null && h_fail "write without quorum succeeded"
h_ctl 1 expected 1 || h_fail "expected 1 refused with the others powered off"
h_wait 30 h_clusterd_ready 1 || h_fail "n1 not quorate after expected 1"
h_wait 30 h_expect_probe 1 "quorate=1" || h_fail "votequorum not quorate after expected 1"
[ "$(expected_votes 1)" = 1 ] || h_fail "members: expected votes not 1"
h_ctl 1 config put lonely yes || h_fail "write after expected 1"
grep -q "Expected votes overridden to 1" "$(h_nodedir 1)/log/clusterd.log" ||
	h_fail "override not logged"
h_run 1 cat /etc/cluster/.clusterlog | grep -q "expected votes overridden to 1" ||
	h_fail "override not in the cluster log (.clusterlog)"
echo PASS

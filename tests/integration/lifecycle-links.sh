#!/usr/bin/env bash
# Cluster lifecycle with two knet links: "create --link0 --link1", a joiner
# without --link1 is refused (corosync wants the same links on every
# node), one with it joins, and status shows both links up.
set -u
. "$top_srcdir/tests/harness/harness.sh"
. "$top_srcdir/tests/integration/lifecycle.sh.inc"

# Node I's address on the second network (an alias on the same veth).
link1() { echo "10.250.$((16#$H_ID % 200)).$((10 + $1))"; }

h_blank_cluster 2
for i in 1 2; do
	h_run "$i" ip addr add "$(link1 "$i")/24" dev eth0 || h_fail "no alias on n$i"
done
h_ctl 1 create "c$H_ID" --link0 "$(h_addr 1)" --link1 "$(link1 1)" || h_fail "create"
grep -q "ring1_addr: $(link1 1)\$" "$(h_nodedir 1)/etc-corosync/corosync.conf" ||
	h_fail "no ring1_addr"
token=$(lc_token 1)
out=$(h_ctl 2 join "$(h_addr 1)" --token "$token" 2>&1)
[ $? = 1 ] && echo "$out" | grep -q "two links" || h_fail "join without --link1: $out"
h_ctl 2 join "$(h_addr 1)" --token "$token" --link1 "$(link1 2)" ||
	h_fail "join with --link1 failed (the refusal must not consume the token)"
h_wait 60 h_converged 1 2 || h_fail "not converged"
lc_same_corosync_conf 1 2 || h_fail "corosync.conf differs"
h_ctl 1 status
h_wait 30 eval '[ "$(h_ctl 1 -o json status | jq -c "[.nodes[] | select(.name == \"n2\") | .links[] | .connected]")" = "[true,true]" ]' ||
	h_fail "status: n2's two links are not both up"
echo PASS

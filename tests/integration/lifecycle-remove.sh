#!/usr/bin/env bash
# Cluster lifecycle: "node remove" of a powered-off n3 leaves a quorate
# 2-node cluster without n3 in corosync.conf; n3, reset, joins again;
# "leave" of n2 from the 3-node cluster leaves n1+n3 and n2 standalone
# with its tree backed up; then n2 joins again. Both refuse while the node
# owns guests or HA resources.
set -u
. "$top_srcdir/tests/harness/harness.sh"
. "$top_srcdir/tests/integration/lifecycle.sh.inc"

conf_of() { echo "$(h_nodedir "$1")/etc-corosync/corosync.conf"; }

# Node I's disk back to a freshly installed machine.
wipe() {
	h_poweroff "$1"
	rm -rf "$(h_nodedir "$1")"/{etc-corosync,clusterd}/*
	h_poweron "$1"
}

h_blank_cluster 3
lc_create 1
lc_join 2 1
lc_join 3 1
h_wait 60 h_converged 1 2 3 || h_fail "not converged"

# --- node remove of a powered-off node
h_poweroff 3
h_ctl 1 config mkdir nodes/n3/qemu || h_fail "mkdir"
h_ctl 1 config put nodes/n3/qemu/100.conf "memory: 512" || h_fail "put"
out=$(h_ctl 1 node remove n3 2>&1)
[ $? = 1 ] && echo "$out" | grep -q "owns guests" || h_fail "remove with a guest: $out"
lc_conf_has 1 n3 || h_fail "a refused remove changed corosync.conf"
h_ctl 1 config rm nodes/n3/qemu/100.conf || h_fail "rm"
out=$(h_ctl 2 node remove n1 2>&1)
[ $? = 1 ] && echo "$out" | grep -q "online" || h_fail "remove of an online node: $out"
h_ctl 2 node remove n3 || h_fail "node remove n3 failed"
for i in 1 2; do
	h_wait 30 sh -c "! grep -q 'name: n3\$' $(conf_of "$i")" ||
		h_fail "n3 still in corosync.conf on n$i"
done
lc_same_corosync_conf 1 2 || h_fail "corosync.conf differs"
h_wait 30 h_expect_probe 1 "quorate=1 members=1,2 " || h_fail "no 2-node quorum"
h_wait 30 h_converged 1 2 || h_fail "n1, n2 not converged"
[ "$(h_ctl 1 -o json nodes | jq '.nodes | length')" = 2 ] || h_fail "nodes: not 2"
h_ctl 1 config put after-remove yes || h_fail "2-node cluster not writable"

# --- the removed node, reset, joins again
wipe 3
lc_join 3 1
h_wait 60 h_converged 1 2 3 || h_fail "n3 did not rejoin"

# --- leave
h_ctl 1 config mkdir ha || h_fail "mkdir ha"
h_ctl 1 config put ha/resources.cfg "vm:100 node n2" || h_fail "put ha"
out=$(h_ctl 2 leave 2>&1)
[ $? = 1 ] && echo "$out" | grep -q "HA resources" || h_fail "leave with HA resources: $out"
h_ctl 1 config put ha/resources.cfg "vm:100 node n1" || h_fail "put ha"
h_ctl 2 leave || h_fail "leave failed"
[ -e "$(conf_of 2)" ] && h_fail "n2 still has a corosync.conf"
ls "$(h_nodedir 2)"/clusterd/backup/config-*.db >/dev/null || h_fail "no tree backup on n2"
h_wait 30 h_clusterd_ready 2 || h_fail "n2 not running standalone"
h_ctl 2 -o json members | jq -e '.members | length == 0' >/dev/null ||
	h_fail "n2 is not standalone"
h_ctl 2 status | grep -q "(standalone)" || h_fail "status on a standalone node"
out=$(h_ctl 2 join-token 2>&1)
[ $? = 1 ] && echo "$out" | grep -q "serves no joins" || h_fail "join-token on a standalone node: $out"
out=$(h_ctl 2 expected 1 2>&1)
[ $? = 1 ] && echo "$out" | grep -q "not a cluster member" || h_fail "expected on a standalone node: $out"
out=$(h_ctl 2 leave 2>&1)
[ $? = 1 ] && echo "$out" | grep -q "not in a cluster" || h_fail "leave on a standalone node: $out"
for i in 1 3; do
	h_wait 30 sh -c "! grep -q 'name: n2\$' $(conf_of "$i")" ||
		h_fail "n2 still in corosync.conf on n$i"
done
h_wait 30 h_expect_probe 1 "quorate=1 members=1,3 " || h_fail "no n1+n3 quorum"
h_ctl 3 config put after-leave yes || h_fail "n1+n3 not writable"

# --- and joins again
lc_join 2 1
h_wait 60 h_converged 1 2 3 || h_fail "n2 did not rejoin"
lc_same_corosync_conf 1 2 3 || h_fail "corosync.conf differs after rejoin"
h_ctl 2 config get after-leave | grep -q yes || h_fail "n2 did not sync the tree"
echo PASS

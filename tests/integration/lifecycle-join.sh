#!/usr/bin/env bash
# Cluster lifecycle: from three blank nodes, "clusterctl create" on n1 and
# "clusterctl join" on n2 and n3 make a quorate 3-node cluster whose tree
# and /etc/corosync/corosync.conf are identical on every node.
set -u
. "$top_srcdir/tests/harness/harness.sh"
. "$top_srcdir/tests/integration/lifecycle.sh.inc"

h_blank_cluster 3
lc_create 1
lc_join 2 1
lc_join 3 1
for i in 1 2 3; do
	h_wait 60 h_clusterd_ready "$i" || h_fail "n$i not ready: $(h_tree_id "$i")"
done
h_wait 60 h_expect_probe 1 "quorate=1 members=1,2,3 " || h_fail "corosync: no 3-node quorum"
h_wait 60 h_converged 1 2 3 || h_fail "trees differ: $(for i in 1 2 3; do h_tree_id $i; done)"
lc_same_corosync_conf 1 2 3 || h_fail "corosync.conf differs between nodes"
grep -q 'config_version: 3' "$(h_nodedir 1)/etc-corosync/corosync.conf" ||
	h_fail "config_version is not 3 after two joins"
grep -q 'crypto_cipher: aes256' "$(h_nodedir 3)/etc-corosync/corosync.conf" ||
	h_fail "crypto is not on by default"

# status and nodes, text and JSON.
out=$(h_ctl 2 status) || h_fail "status failed"
echo "$out"
echo "$out" | grep -q '^Quorate: *yes' || h_fail "status: not quorate"
[ "$(h_ctl 3 -o json nodes | jq '[.nodes[] | select(.online)] | length')" = 3 ] ||
	h_fail "nodes: not 3 online"
[ "$(h_ctl 1 -o json status | jq -r '.cluster_name')" = "c$H_ID" ] ||
	h_fail "status: wrong cluster name"
h_ctl 1 -o json status | jq -e '.nodes[] | select(.name == "n3") | .links[0].connected' >/dev/null ||
	h_fail "status: no link state for n3"
# The tree holds every node's directory and the joined corosync.conf.
h_ctl 3 config ls nodes | grep -q n2 || h_fail "nodes/n2 missing"
h_ctl 2 config get corosync.conf | cmp -s - "$(h_nodedir 2)/etc-corosync/corosync.conf" ||
	h_fail "the tree's corosync.conf differs from /etc/corosync"

# Slow, idle and garbage clients on n1's join port (more than the 16
# connections it serves at once) do not stall replication, and time out.
for k in $(seq 1 20); do
	h_run 2 timeout 60 bash -c "exec 3<>/dev/tcp/$(h_addr 1)/5410; sleep 60" \
		>/dev/null 2>&1 &
done
h_run 3 bash -c "head -c 65536 /dev/urandom >/dev/tcp/$(h_addr 1)/5410" 2>/dev/null
h_run 3 bash -c "printf '\x16\x03\x01\xff\xffhello' >/dev/tcp/$(h_addr 1)/5410" 2>/dev/null
h_ctl 1 config mkdir slow || h_fail "mkdir slow"
for k in $(seq 1 20); do
	h_ctl 1 --timeout 5 config put "slow/$k" v || h_fail "write $k stalled by join clients"
done
h_clusterd_ready 1 || h_fail "n1 not ready with idle join clients"
# Once the idle connections time out, the endpoint answers again.
token=$(lc_token 1)
h_wait 60 eval "h_run 3 '$top_builddir/tests/tools/cd-join-raw' '$(h_addr 1)' '$token' 'bad name' | grep -q errno=22" ||
	h_fail "the join endpoint does not answer after idle clients"
grep -q "timed out" "$(h_nodedir 1)/log/clusterd.log" || h_fail "idle join connections did not time out"
grep -q "too many connections" "$(h_nodedir 1)/log/clusterd.log" || h_fail "no connection limit"
kill $(jobs -p) 2>/dev/null
echo "PASS"

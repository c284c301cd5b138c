# Cutting one node's link makes it non-quorate while the other two stay
# quorate; healing it restores a quorate 3-node cluster. Powering a node off
# and on again does the same.
set -u
. "$top_srcdir/tests/harness/harness.sh" || exit 99

h_setup 3
h_start_all
for i in 1 2 3; do
	h_wait 30 h_expect_probe "$i" "quorate=1 members=1,2,3" ||
		h_fail "node $i did not form the cluster"
done

h_partition 3
h_wait 30 h_expect_probe 3 "quorate=0 members=3 " ||
	h_fail "cut-off n3 still quorate: $(h_run 3 "$H_PROBE")"
for i in 1 2; do
	h_wait 30 h_expect_probe "$i" "quorate=1 members=1,2 " ||
		h_fail "n$i lost quorum while holding the majority: $(h_run "$i" "$H_PROBE")"
done

h_heal 3
for i in 1 2 3; do
	h_wait 30 h_expect_probe "$i" "quorate=1 members=1,2,3 " ||
		h_fail "n$i did not rejoin after heal: $(h_run "$i" "$H_PROBE")"
done

h_poweroff 2
h_run 2 true 2>/dev/null && h_fail "powered-off n2 still runs commands"
h_wait 30 h_expect_probe 1 "quorate=1 members=1,3 " ||
	h_fail "n1 did not drop n2: $(h_run 1 "$H_PROBE")"
h_poweron 2
h_wait 30 h_expect_probe 2 "quorate=1 members=1,2,3 " ||
	h_fail "n2 did not come back: $(h_run 2 "$H_PROBE")"
echo "PASS: partition, heal and power cycle"

# clusterctl ha commands on a real cluster (QEMU + LXC):
#  - ha add (and a bad key refused with its reason), ha status, ha rules,
#    ha set, --output json;
#  - ha migrate of a running VM is live: n2's agent logs a live migration
#    to n1, the start request the CRM then sends to n1 is a no-op (starts
#    are idempotent), and a sampler never sees the guest without a QEMU
#    process (a stop and start would leave a gap);
#  - maintenance enable n2: its guests (VM live, container relocated)
#    leave n2; disable: they come back to n2.
. "$top_srcdir/tests/integration/ha.sh.inc"
command -v qemu-system-x86_64 >/dev/null || { echo "SKIP: no QEMU"; exit 77; }
[ -x /bin/busybox ] || { echo "SKIP: no busybox"; exit 77; }
ha() { h_ctl 1 ha "$@"; }

ha_ct_root ct201
g create 101 --node n2 memory=64 || h_fail "create VM"
g create 201 --type lxc --node n2 rootfs=ct201 memory=64 || h_fail "create CT"
out=$(ha add vm:101 colour=red 2>&1) && h_fail "bad key accepted"
echo "$out" | grep -q "unknown key\|colour" || h_fail "bad key message: $out"
ha add vm:101 state=started max_restart=2 || h_fail "ha add vm"
ha -o json add ct:201 | jq -e '.ok' >/dev/null || h_fail "ha add ct json"
out=$(ha add ct:201 2>&1) && h_fail "duplicate add accepted"
echo "$out" | grep -q 'already managed' || h_fail "duplicate message: $out"
ha set vm:101 failback=0 || h_fail "ha set"
h_ctl 1 config get ha/resources.cfg | grep -qx 'vm:101 state=started max_restart=2 failback=0' ||
	h_fail "resources.cfg: $(h_ctl 1 config get ha/resources.cfg)"
h_wait 60 runs_on 101 n2 || h_fail "VM not started on n2: $(g status 101)"
h_wait 60 runs_on 201 n2 || h_fail "CT not started on n2: $(g status 201)"
h_wait 20 sh -c "$(declare -f h_ctl h_run h_anchor_pid h_nodedir); \
	H_DIR=$H_DIR H_CLUSTERCTL=$H_CLUSTERCTL H_STARTER=$H_STARTER H_CLUSTERD=$H_CLUSTERD; \
	h_ctl 1 -o json ha status | jq -e '.services[\"vm:101\"].state == \"started\"'" ||
	h_fail "ha status json: $(ha -o json status)"
ha status | grep -q '^vm:101 *started *n2' || h_fail "ha status: $(ha status)"
printf 'node-affinity r1 resources=vm:101 nodes=n2:1\nbad-kind x\n' | put ha/rules.cfg
ha -o json rules 2>"$H_DIR/rules.err" | jq -e '.[0].name == "r1"' >/dev/null ||
	h_fail "ha rules json"
grep -q 'ha/rules.cfg:2:' "$H_DIR/rules.err" || h_fail "bad rule not named"

# ------------------------------------------------------------ migrate
( while :; do
	n=0
	for i in 1 2 3; do n=$((n + $(qemu_pids "$i" 101 | grep -c .))); done
	echo "$n" >>"$H_DIR/samples"
	sleep 0.1
done ) &
sampler=$!
ha migrate vm:101 n1 || h_fail "ha migrate"
h_wait 90 runs_on 101 n1 || h_fail "not migrated: $(g status 101)"
sleep 1
kill "$sampler"
grep -q '^0$' "$H_DIR/samples" && h_fail "vm:101 had no QEMU during the migration (not live)"
grep -q 'lrm n2: request [0-9]*: migrate vm:101 to n1' "$(h_nodedir 2)/log/haagent.log" ||
	h_fail "n2's LRM did not migrate it"
grep -q 'guest 101 migrated live to n1' "$(h_nodedir 2)/log/haagent.log" ||
	h_fail "vm:101 not migrated live"
grep -q 'HA: start vm:101 failed' "$(h_nodedir 1)/log/haagent.log" &&
	h_fail "the start after the migration was not idempotent"
[ -z "$(qemu_pids 2 101)" ] || h_fail "QEMU left on n2"

# -------------------------------------------------------- maintenance
ha migrate vm:101 n2 && h_wait 90 runs_on 101 n2 || h_fail "back to n2"
ha maintenance enable n2 || h_fail "maintenance enable"
h_wait 120 sh -c "! ip netns pids $(h_ns 2) | xargs -r -n1 sh -c 'cat /proc/\$0/cmdline 2>/dev/null' | tr '\0' ' ' | grep -q guest-101," ||
	h_fail "VM still on n2"
for s in $(seq 1 300); do
	v=$( (runs_on 101 n1 && echo n1) || (runs_on 101 n3 && echo n3))
	c=$( (runs_on 201 n1 && echo n1) || (runs_on 201 n3 && echo n3))
	[ -n "$v" ] && [ -n "$c" ] && break
	sleep 0.3
done
[ -n "$v" ] && [ -n "$c" ] || h_fail "not drained: $(g status 101) $(g status 201)"
grep -q "lrm n2: request [0-9]*: migrate vm:101 to $v" "$(h_nodedir 2)/log/haagent.log" ||
	h_fail "VM not migrated live by maintenance"
ha status | grep -q '^n2 .* yes$' || h_fail "n2 not in maintenance: $(ha status)"
ha maintenance disable n2 || h_fail "maintenance disable"
h_wait 120 runs_on 101 n2 || h_fail "VM not back: $(g status 101)"
h_wait 120 runs_on 201 n2 || h_fail "CT not back: $(g status 201)"
echo "ha-commands: ok"

# Stopping haagent (SIGTERM, what systemd does when the node shuts down or
# reboots) follows shutdown_policy of ha/settings.cfg, on real QEMU and
# LXC, with an HA VM and an HA container on n1:
#  - migrate: before haagent exits, the VM is live-migrated and the
#    container relocated to the survivors; once it exited no QEMU of the
#    VM is left on n1 and its watchdog is disarmed (else the test device
#    would power n1 off). haagent started again: n1 leaves maintenance and
#    both come back to n1.
#  - freeze: both guests are stopped and marked "freeze" on n1, they run
#    nowhere while haagent is down, and run on n1 again once it is back.
. "$top_srcdir/tests/integration/ha.sh.inc"
command -v qemu-system-x86_64 >/dev/null || { echo "SKIP: no QEMU"; exit 77; }
[ -x /bin/busybox ] || { echo "SKIP: no busybox"; exit 77; }
GN=2 # clusterctl asks n2: n1's haagent is stopped on purpose

# SIGTERM to node I's haagent; wait until it exited.
stop_haagent() {
	local pid
	pid=$(h_haagent_pid "$1")
	[ -n "$pid" ] || h_fail "no haagent on n$1"
	kill -TERM "$pid"
	h_wait 170 sh -c "! kill -0 $pid 2>/dev/null" || h_fail "haagent on n$1 did not stop"
	h_log "haagent on n$1 stopped"
}
elsewhere() { runs_on "$1" n2 || runs_on "$1" n3; }
ha_state() { h_ctl 2 ha status | awk -v s="$1" '$1 == s { print $2, $3 }'; }
frozen_on_n1() { [ "$(ha_state "$1")" = "freeze n1" ]; }

ha_ct_root ct201
g create 101 --node n1 memory=64 || h_fail "create VM"
g create 201 --type lxc --node n1 rootfs=ct201 memory=64 || h_fail "create CT"
printf 'shutdown_policy: migrate\nstop_timeout: 10\n' | put ha/settings.cfg
printf 'vm:101 state=started\nct:201 state=started\n' | put ha/resources.cfg
h_wait 60 runs_on 101 n1 || h_fail "VM not started on n1: $(g status 101)"
h_wait 60 runs_on 201 n1 || h_fail "CT not started on n1: $(g status 201)"
h_wait 20 grep -q '^armed' "$(h_nodedir 1)/watchdog" || h_fail "n1 watchdog not armed"

# ---------------------------------------------------------------- migrate
stop_haagent 1
[ -z "$(qemu_pids 1 101)" ] || h_fail "QEMU of vm:101 left on n1"
elsewhere 101 || h_fail "VM not on a survivor: $(g status 101)"
elsewhere 201 || h_fail "CT not on a survivor: $(g status 201)"
log1="$(h_nodedir 1)/log/haagent.log"
grep -q 'shutdown requested (policy migrate)' "$log1" || h_fail "no shutdown announced"
grep -q 'guest 101 migrated live to n[23]' "$log1" || h_fail "VM not migrated live"
grep -q '^armed' "$(h_nodedir 1)/watchdog" && h_fail "n1 watchdog left armed"
h_service_haagent 1
h_wait 120 runs_on 101 n1 || h_fail "VM not back on n1: $(g status 101)"
h_wait 120 runs_on 201 n1 || h_fail "CT not back on n1: $(g status 201)"

# ----------------------------------------------------------------- freeze
printf 'shutdown_policy: freeze\nstop_timeout: 10\n' | put ha/settings.cfg
sleep 3 # every haagent reads it within a round
stop_haagent 1
[ -z "$(qemu_pids 1 101)" ] || h_fail "QEMU of vm:101 left on n1"
h_wait 30 frozen_on_n1 vm:101 || h_fail "vm:101 not frozen on n1: $(ha_state vm:101)"
h_wait 30 frozen_on_n1 ct:201 || h_fail "ct:201 not frozen on n1: $(ha_state ct:201)"
sleep 5
elsewhere 101 && h_fail "frozen VM started elsewhere"
elsewhere 201 && h_fail "frozen CT started elsewhere"
h_service_haagent 1
h_wait 120 runs_on 101 n1 || h_fail "VM not back on n1 after freeze: $(g status 101)"
h_wait 120 runs_on 201 n1 || h_fail "CT not back on n1 after freeze: $(g status 201)"
echo "ha-shutdown: ok"

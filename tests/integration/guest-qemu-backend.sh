# The qemu backend on real QEMU in two harness nodes (no cluster needed):
# start, status from QMP, a missing disk refused with its path, disks
# created with qemu-img, ACPI shutdown falling back to a hard stop, TCG
# when asked, and live migration n1 -> n2 -> n1 through the backend's
# three steps. Failures: the target powered off mid-migration and a cut
# network (stall, cancelled) both leave the VM running on the source and
# nothing of it on the target.
set -u
. "$top_srcdir/tests/harness/harness.sh" || exit 99
command -v qemu-system-x86_64 >/dev/null || { echo "SKIP: no QEMU"; exit 77; }

H_SERVICES=""
h_setup 2
h_poweron 1
h_poweron 2
export CLUSTERD_BACKEND_DIR="$top_builddir/haagent/backends/.libs"
S="$H_DIR/shared"
mkdir -p "$S"
CONF="$S/100.conf"
printf 'name: t100\nmemory: 64\n' >"$CONF"
PORT=$((47000 + 16#$H_ID % 1000))

# be I [OPTIONS] CONF OP...: the qemu backend on node I.
be() {
	local i=$1 opts=""
	shift
	if [ "${1:-}" = -o ]; then opts=$2; shift 2; fi
	h_run "$i" "$top_builddir/tests/tools/cd-backend" -s "$S" \
		${opts:+-o "$opts"} qemu "$@"
}
state_is() { be "$1" "$CONF" 100 status | grep -q "^state=$2 "; }
qemu_pids() { ip netns pids "$(h_ns "$1")" | while read -r p; do
	grep -qa 'guest-100,' "/proc/$p/cmdline" 2>/dev/null && echo "$p"; done; }
no_qemu() { [ -z "$(qemu_pids "$1")" ]; }

# ------------------------------------------------- start, status, stop
state_is 1 stopped || h_fail "status before start: $(be 1 "$CONF" 100 status)"
be 1 "$CONF" 100 start || h_fail "start on n1"
state_is 1 running || h_fail "n1: $(be 1 "$CONF" 100 status)"
[ -n "$(qemu_pids 1)" ] || h_fail "no QEMU process in n1's namespace"
no_qemu 2 || h_fail "QEMU in n2's namespace"
be 1 "$CONF" 100 start 2>&1 | grep -q 'already running' ||
	h_fail "second start not refused"
# SeaBIOS without an OS ignores ACPI: the timeout ends in a hard stop.
be 1 "$CONF" 100 shutdown 1000 || h_fail "shutdown"
state_is 1 stopped && no_qemu 1 || h_fail "QEMU left after shutdown"

# --------------------------------------------------------------- disks
printf 'memory: 64\ndisk0: missing.img\n' >"$S/101.conf"
out=$(be 1 "$S/101.conf" 101 start 2>&1) && h_fail "started without disk"
echo "$out" | grep -q "disk0: $S/missing.img: No such file or directory" ||
	h_fail "missing disk error: $out"
printf 'memory: 64\ndisk0: vm-102.qcow2,format=qcow2,size=16M\n' >"$S/102.conf"
be 1 "$S/102.conf" 102 create || h_fail "create disk"
qemu-img info "$S/vm-102.qcow2" | grep -q 'file format: qcow2' ||
	h_fail "no qcow2 image created"
be 1 "$S/102.conf" 102 start || h_fail "start with a disk"
be 1 "$S/102.conf" 102 stop || h_fail "stop"
printf 'memory: 64\ndisk0: x.img\ncolour: red\n' >"$S/103.conf"
out=$(be 1 "$S/103.conf" 103 start 2>&1) && h_fail "bad config started"
echo "$out" | grep -q "103.conf:3: unknown key 'colour'" ||
	h_fail "bad config error: $out"

# ----------------------------------------------------------------- TCG
be 1 -o accel=tcg "$CONF" 100 start || h_fail "start with TCG"
grep -qa 'accel=tcg' "/proc/$(qemu_pids 1)/cmdline" || h_fail "not TCG"
be 1 "$CONF" 100 stop || h_fail "stop TCG guest"

# ---------------------------------------------------- live migration
# migrate FROM TO: the three steps, as haagent runs them.
migrate() {
	be "$2" "$CONF" 100 migrate-in "$PORT" || return 1
	be "$1" "$CONF" 100 migrate-out "$(h_addr "$2")" "$PORT" || return 1
	be "$2" "$CONF" 100 finish 1 && be "$1" "$CONF" 100 stop
}
be 1 "$CONF" 100 start || h_fail "start for migration"
migrate 1 2 || h_fail "migration n1 -> n2"
state_is 2 running || h_fail "n2 after migration: $(be 2 "$CONF" 100 status)"
no_qemu 1 || h_fail "QEMU left on n1 after migration"
migrate 2 1 || h_fail "migration n2 -> n1"
state_is 1 running && no_qemu 2 || h_fail "migration back"

# ------------------------------------ target powered off mid-migration
# 32 KiB/s makes the migration of 64 MiB (mostly zero pages) last ~10 s.
be 2 "$CONF" 100 migrate-in "$PORT" || h_fail "target prepare"
be 1 -o max-bandwidth=32K "$CONF" 100 migrate-out "$(h_addr 2)" "$PORT" \
	>"$H_DIR/mig.out" 2>&1 &
mig=$!
h_wait 10 grep -q 'progress active' "$H_DIR/mig.out" || h_fail "no progress"
h_poweroff 2
wait "$mig" && h_fail "migration to a dead target succeeded"
state_is 1 running || h_fail "source not running: $(be 1 "$CONF" 100 status)"
h_poweron 2
state_is 2 stopped && no_qemu 2 || h_fail "target left something behind"

# ------------------------------------------- network cut mid-migration
be 2 "$CONF" 100 migrate-in "$PORT" || h_fail "target prepare (cut)"
be 1 -o max-bandwidth=32K "$CONF" 100 migrate-out "$(h_addr 2)" "$PORT" \
	>"$H_DIR/mig2.out" 2>&1 &
mig=$!
h_wait 10 grep -q 'progress active' "$H_DIR/mig2.out" || h_fail "no progress"
h_partition 2
wait "$mig" && h_fail "migration over a cut network succeeded"
grep -q stalled "$H_DIR/mig2.out" || h_fail "not a stall: $(cat "$H_DIR/mig2.out")"
h_heal 2
state_is 1 running || h_fail "source not running after the cut"
be 2 "$CONF" 100 finish 0 || h_fail "target cleanup"
no_qemu 2 || h_fail "target QEMU left after cleanup"
be 1 "$CONF" 100 stop
echo "guest-qemu-backend: ok"

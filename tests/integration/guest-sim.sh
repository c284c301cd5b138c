# Guest operations through clusterd and haagent with the sim backend and
# injected faults (no QEMU): a live migration whose source step fails
# leaves the guest running on the source with its configuration where it
# was and nothing on the target; the next attempt moves it; an injected
# start failure comes back to the caller with its message.
set -u
. "$top_srcdir/tests/harness/harness.sh" || exit 99

H_SERVICES="corosync clusterd haagent"
h_setup 3
S="$H_DIR/shared"
mkdir -p "$S"
for i in 1 2 3; do
	printf 'storage_dir: %s\nbackend_dir: %s\nqemu_backend: sim\n' "$S" \
		"$top_builddir/haagent/backends/.libs" >"$(h_nodedir "$i")/haagent.conf"
done
echo 'backend_options: fail-migrate=1' >>"$(h_nodedir 1)/haagent.conf"
echo 'backend_options: fail-start=1' >>"$(h_nodedir 2)/haagent.conf"
h_start_all
for i in 1 2 3; do
	h_wait 30 h_clusterd_ready "$i" || h_fail "n$i not ready"
done

g() { h_ctl 3 guest "$@"; }
state_on() {
	g status "$1" | awk -v n="$2" -v s="$3" 'NR > 1 && $3 == n && $4 == s { ok = 1 } END { exit !ok }'
}
in_tree() { h_ctl 1 config stat "$1" >/dev/null 2>&1; }
sim_state() { [ -e "$(h_nodedir "$1")/run/clusterd/sim/$2" ]; }

g create 100 --node n1 memory=64 && g start 100 || h_fail "create and start"
state_on 100 n1 running || h_fail "not running on n1: $(g status 100)"

out=$(g migrate 100 --node n2 --online 2>&1) && h_fail "injected failure ignored"
echo "$out" | grep -q 'sim: injected fail-migrate; guest 100 keeps running on n1' ||
	h_fail "failure message: $out"
state_on 100 n1 running || h_fail "not running on n1 after the failure"
in_tree nodes/n1/qemu/100.conf && ! in_tree nodes/n2/qemu/100.conf ||
	h_fail "config moved although the migration failed"
sim_state 2 100 && h_fail "the target kept its receiver"

g migrate 100 --node n2 --online || h_fail "second migration"
state_on 100 n2 running && ! sim_state 1 100 || h_fail "not moved: $(g status 100)"
in_tree nodes/n2/qemu/100.conf || h_fail "config not on n2"

g create 101 --node n2 memory=64 || h_fail "create 101"
out=$(g start 101 2>&1) && h_fail "injected start failure ignored"
echo "$out" | grep -q 'guest start 101: input/output error (sim: injected fail-start)' ||
	h_fail "start failure message: $out"
g start 101 && state_on 101 n2 running || h_fail "second start"
echo "guest-sim: ok"

# Guest operations through clusterd and haagent with the sim backend and
# injected faults (no QEMU): a live migration whose source step fails
# leaves the guest running on the source with its configuration where it
# was and nothing on the target; the next attempt moves it; an injected
# start failure comes back to the caller with its message.
#
# Progress streams: a migration slowed to 4 s (migrate-ms) from n2 shows
# its progress lines at the caller on n3 while the command still runs,
# before the final answer. The backend's validate refuses what it cannot
# run (max-memory) at create and at start, with its reason. A running
# guest's status has usage (CPU time, RSS) in text and JSON.
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
echo 'backend_options: fail-start=1,migrate-ms=4000,max-memory=1024' \
	>>"$(h_nodedir 2)/haagent.conf"
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

# ------------------------------------------------------ usage in status
json=$(h_ctl 3 -o json guest status 101) || h_fail "status json"
[ "$(echo "$json" | jq '.guests[0].cpu_ns > 0 and .guests[0].rss_bytes > 0')" = true ] ||
	h_fail "no usage in JSON: $json"
g status 101 | awk 'NR == 1 { ok = $8 == "CPU" && $9 == "RSS" }
	NR == 2 { ok = ok && $8 ~ /^[0-9.]+s$/ && $9 == "32M" } END { exit !ok }' ||
	h_fail "no usage in text: $(g status 101)"

# -------------------------------------------------- validate refusals
out=$(g create 102 --node n2 memory=2048 2>&1) && h_fail "validate ignored at create"
echo "$out" | grep -q 'memory: 2048 MiB is more than this node runs (max-memory=1024)' ||
	h_fail "create refusal: $out"
in_tree nodes/n2/qemu/102.conf && h_fail "refused config left in the tree"
g create 102 --node n2 memory=512 || h_fail "create 102"
printf 'memory: 4G\n' | h_ctl 1 config put nodes/n2/qemu/102.conf ||
	h_fail "config put"
out=$(g start 102 2>&1) && h_fail "validate ignored at start"
echo "$out" | grep -q 'nodes/n2/qemu/102.conf: memory: 4096 MiB is more' ||
	h_fail "start refusal: $out"

# --------------------------------------------------- streamed progress
# The command runs for about 4 s; at least two progress lines must reach
# its stderr while it still runs, i.e. before the final answer.
g migrate 100 --node n3 --online >"$H_DIR/mig.out" 2>"$H_DIR/mig.err" &
mig=$!
streamed() {
	kill -0 "$mig" 2>/dev/null &&
		[ "$(grep -c 'active: .* MiB sent' "$H_DIR/mig.err")" -ge 2 ]
}
h_wait 30 streamed || h_fail "no progress while migrating: $(cat "$H_DIR/mig.err")"
kill -0 "$mig" || h_fail "the command ended before the check"
wait "$mig" || h_fail "slow migration: $(cat "$H_DIR/mig.err")"
grep -q 'migrated live to n3' "$H_DIR/mig.err" || h_fail "final lines: $(cat "$H_DIR/mig.err")"
# The first line was streamed; the answer must not print it again.
[ "$(grep -c 'target n3 listens on' "$H_DIR/mig.err")" = 1 ] ||
	h_fail "lines printed twice: $(cat "$H_DIR/mig.err")"
state_on 100 n3 running || h_fail "not on n3: $(g status 100)"
echo "guest-sim: ok"

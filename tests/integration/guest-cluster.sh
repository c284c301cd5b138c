# Guests from any node on a real 3-node cluster (corosync, clusterd,
# haagent with the qemu and lxc backends), no SSH:
#  - a 64 MiB VM created on n1 from n3's CLI, started, running on n1;
#    duplicate ID, a bad configuration line (with its number) and a
#    missing disk refused with clear errors; status shows its usage
#    (CPU time and RSS of the running QEMU, > 0);
#  - live migration n1 -> n2 from n3 (over TLS with the cluster's
#    generated credentials): QMP on n2 reports running, nothing
#    runs on n1, the config lives under nodes/n2/; and back to n1;
#  - a slowed migration (32 KiB/s) streams its progress to the caller:
#    two progress lines reach n3's clusterctl while it still runs;
#  - the target powered off mid-migration: the VM keeps running on n1,
#    its config unchanged, no QEMU left on the target;
#  - a busybox LXC container: create, start, usage, attach-check, stop, migrate
#    (config move) and start on n2, and a restart migration while running;
#  - list shows every guest with its node and state; a node without
#    haagent gives a clear error and its guests are listed unknown; destroy.
set -u
. "$top_srcdir/tests/harness/harness.sh" || exit 99
command -v qemu-system-x86_64 >/dev/null || { echo "SKIP: no QEMU"; exit 77; }
[ -x /bin/busybox ] || { echo "SKIP: no busybox"; exit 77; }

H_SERVICES="corosync clusterd haagent"
h_setup 3
S="$H_DIR/shared"
mkdir -p "$S"
for i in 1 2 3; do
	printf 'storage_dir: %s\nbackend_dir: %s\nmigration_tls: yes\n' "$S" \
		"$top_builddir/haagent/backends/.libs" >"$(h_nodedir "$i")/haagent.conf"
done
h_start_all
for i in 1 2 3; do
	h_wait 30 h_clusterd_ready "$i" || h_fail "n$i not ready"
done
export CLUSTERD_BACKEND_DIR="$top_builddir/haagent/backends/.libs"

g() { h_ctl 3 --timeout 120 guest "$@"; }
state_on() { # ID NODE STATE: guest status (asked from n3) says so
	g status "$1" | awk -v n="$2" -v s="$3" 'NR > 1 && $3 == n && $4 == s { ok = 1 } END { exit !ok }'
}
qemu_pids() { ip netns pids "$(h_ns "$1")" | while read -r p; do
	grep -qa "guest-$2," "/proc/$p/cmdline" 2>/dev/null && echo "$p"; done; }
qmp_state() { # NODE ID: the state QMP reports on that node
	printf 'memory: 64\n' >"$H_DIR/q.conf"
	h_run "$1" "$top_builddir/tests/tools/cd-backend" -s "$S" qemu \
		"$H_DIR/q.conf" "$2" status | sed -n 's/^state=\([a-z]*\) .*/\1/p'
}
in_tree() { h_ctl 1 config stat "$1" >/dev/null 2>&1; }

# ------------------------------------------------------------ create
g create 100 --node n1 memory=64 name=tiny || h_fail "create 100 on n1 from n3"
in_tree nodes/n1/qemu/100.conf || h_fail "config not under nodes/n1"
out=$(g create 100 --node n2 memory=64 2>&1) && h_fail "duplicate ID accepted"
echo "$out" | grep -q 'ID already in use (guest 100 is a qemu guest on n1)' ||
	h_fail "duplicate error: $out"
out=$(g create 101 memory=64 colour=red 2>&1) && h_fail "bad config accepted"
echo "$out" | grep -q "invalid configuration (line 2: unknown key 'colour'" ||
	h_fail "bad config error: $out"
in_tree nodes/n3/qemu/101.conf && h_fail "bad config written"
g create 102 --node n2 memory=64 disk0=missing.img || h_fail "create 102"
out=$(g start 102 2>&1) && h_fail "started without its disk"
echo "$out" | grep -q "disk0: $S/missing.img: No such file or directory" ||
	h_fail "missing disk error: $out"
g destroy 102 || h_fail "destroy 102"
in_tree nodes/n2/qemu/102.conf && h_fail "destroy left the config"

# ------------------------------------------------------ start, status
g start 100 || h_fail "start 100"
state_on 100 n1 running || h_fail "status: $(g status 100)"
[ "$(h_ctl 2 -o json guest status 100 | jq -r '.guests[0].node')" = n1 ] ||
	h_fail "status from n2"
[ -n "$(qemu_pids 1 100)" ] || h_fail "no QEMU on n1"
used() {
	h_ctl 2 -o json guest status "$1" |
		jq -e '.guests[0] | .cpu_ns > 0 and .rss_bytes > 0' >/dev/null
}
used 100 || h_fail "no usage: $(h_ctl 2 -o json guest status 100)"

# ------------------------------------------------------ live migration
g migrate 100 --node n2 --online >"$H_DIR/mig.out" 2>&1 ||
	h_fail "live migration to n2: $(cat "$H_DIR/mig.out")"
grep -q 'migrated live to n2' "$H_DIR/mig.out" || h_fail "no progress lines"
[ "$(qmp_state 2 100)" = running ] || h_fail "QMP on n2: $(qmp_state 2 100)"
[ -z "$(qemu_pids 1 100)" ] || h_fail "QEMU still on n1"
in_tree nodes/n2/qemu/100.conf && ! in_tree nodes/n1/qemu/100.conf ||
	h_fail "config did not move to nodes/n2"
state_on 100 n2 running || h_fail "status after migration: $(g status 100)"
g migrate 100 --node n1 --online >/dev/null || h_fail "migration back to n1"
state_on 100 n1 running && [ -z "$(qemu_pids 2 100)" ] || h_fail "back on n1"
out=$(g migrate 100 --node n2 2>&1) && h_fail "running VM moved without --online"
echo "$out" | grep -q 'use --online' || h_fail "without --online: $out"

# ------------------------------------- target powered off mid-migration
# A slow migration (n1's backend limited to 32 KiB/s) to power n2 off in.
pid=$(h_haagent_pid 1)
kill "$pid"
h_wait 10 test ! -e "/proc/$pid" || h_fail "haagent on n1 does not stop"
printf 'backend_options: max-bandwidth=32K\n' >>"$(h_nodedir 1)/haagent.conf"
h_service_haagent 1
sleep 1
g migrate 100 --node n2 --online >"$H_DIR/mig2.out" 2>&1 &
mig=$!
# The receiver on n2, listening with TLS (migration_tls: yes) and the
# cluster's credentials.
tls_receiver() {
	local p
	for p in $(qemu_pids 2 100); do
		tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null |
			grep -q 'tls-creds-x509,id=clusterd-mig,.*-incoming defer' && return 0
	done
	return 1
}
h_wait 20 tls_receiver || h_fail "no TLS receiver on n2"
h_ctl 2 config stat priv/migration-tls.pem >/dev/null ||
	h_fail "no migration TLS credentials in the tree"
# Progress streams while the migration runs, before any answer.
streamed() {
	kill -0 "$mig" 2>/dev/null &&
		[ "$(grep -c 'active: .* MiB sent' "$H_DIR/mig2.out")" -ge 2 ]
}
h_wait 30 streamed || h_fail "no progress while migrating: $(cat "$H_DIR/mig2.out")"
h_poweroff 2
wait "$mig" && h_fail "migration to a dead node succeeded"
state_on 100 n1 running || h_fail "VM not running on n1: $(g status 100)"
in_tree nodes/n1/qemu/100.conf && ! in_tree nodes/n2/qemu/100.conf ||
	h_fail "config moved although the migration failed"
[ -z "$(qemu_pids 2 100)" ] || h_fail "QEMU left on n2"
h_poweron 2
h_wait 30 h_clusterd_ready 2 || h_fail "n2 back"

# ----------------------------------------------------------------- LXC
R="$S/ct200"
mkdir -p "$R"/bin "$R"/sbin "$R"/etc "$R"/proc "$R"/sys "$R"/dev "$R"/tmp
cp /bin/busybox "$R/bin/"
for a in sh sleep hostname; do ln -s busybox "$R/bin/$a"; done
ln -s ../bin/busybox "$R/sbin/init"
printf '::respawn:/bin/sleep 100000\n' >"$R/etc/inittab"
g create 200 --type lxc --node n1 rootfs=ct200 name=bb memory=64 ||
	h_fail "create container"
g start 200 || h_fail "start container"
state_on 200 n1 running || h_fail "container: $(g status 200)"
used 200 || h_fail "no container usage: $(h_ctl 2 -o json guest status 200)"
pid=$(h_ctl 1 -o json guest status 200 | jq -r '.guests[0].pid')
[ "$(nsenter -t "$pid" -u hostname)" = bb ] || h_fail "attach-check"
g stop 200 || h_fail "stop container"
g migrate 200 --node n2 || h_fail "move stopped container"
in_tree nodes/n2/lxc/200.conf || h_fail "container config not on n2"
g start 200 && state_on 200 n2 running || h_fail "container on n2"
g migrate 200 --node n3 >"$H_DIR/mig3.out" 2>&1 ||
	h_fail "restart migration: $(cat "$H_DIR/mig3.out")"
state_on 200 n3 running || h_fail "container on n3: $(g status 200)"

# ------------------------------------------------------------ list
h_ctl 2 -o json guest list >"$H_DIR/list.json" || h_fail "list"
rows=$(jq -r '[.guests[] | "\(.id):\(.node):\(.state)"] | join(" ")' "$H_DIR/list.json")
[ "$rows" = "100:n1:running 200:n3:running" ] || h_fail "list: $rows"
g list | grep -q '^ *100 *qemu *n1 *running' || h_fail "list text: $(g list)"
g config 100 | grep -q '^memory: 64$' || h_fail "config 100"

# No agent on n3: a clear error, and list shows its guest as unknown.
pid=$(h_haagent_pid 3)
kill "$pid"
h_wait 10 test ! -e "/proc/$pid" || h_fail "haagent on n3 does not stop"
out=$(g status 200 2>&1) && h_fail "status without an agent"
echo "$out" | grep -q 'haagent is not running on n3' || h_fail "no agent: $out"
g list | grep -q '^ *200 *lxc *n3 *unknown' || h_fail "list without agent: $(g list)"
h_service_haagent 3
h_wait 20 state_on 200 n3 running || h_fail "n3's agent back"
g stop 100 && g destroy 100 || h_fail "stop and destroy 100"
g stop 200 || h_fail "stop 200"
echo "guest-cluster: ok"

# shellcheck shell=bash
#
# Multi-node test harness: N cluster nodes on one machine.
#
# Design
# ------
# A node is a network namespace with one veth on a private bridge, plus a
# mount and UTS namespace held open by an "anchor" process (sleep). The
# anchor bind-mounts the node's own directories over /run, /etc/corosync,
# /var/lib/corosync, /var/lib/clusterd and /var/log/cluster and mounts a
# fresh tmpfs on /dev/shm, so that corosync, clusterd and libqb IPC (abstract
# sockets are per network namespace, ring buffers live in /dev/shm) never see
# another node. Every process of a node is started through nsenter into the
# anchor, so "every process of node i" is exactly `ip netns pids` of its
# namespace: powering a node off is a SIGKILL to that set, and powering it on
# again starts a new anchor over the same directories (its "disk").
#
# Every name (bridge, namespaces, veths, subnet, directories) derives from a
# run id that is reserved atomically under $H_STATE_ROOT, so two runs on one
# machine never collide. Teardown runs from an EXIT/INT/TERM trap; when the
# script exits non-zero the tail of every node's logs is printed first.
# `h_reap` removes what a SIGKILLed run left behind.
#
# Public functions (all prefixed h_):
#   h_setup N            create N nodes (not started) and install the trap
#   h_corosync_conf      (re)write every node's corosync.conf for all nodes
#   h_poweron I          start node I: anchor + every service in H_SERVICES
#   h_start_all          h_corosync_conf, then power on every node
#   h_poweroff I         kill every process of node I
#   h_run I CMD...       run CMD on node I (in its namespaces)
#   h_spawn I NAME CMD.. run CMD in the background on node I, logging to
#                        NODEDIR/log/NAME.log
#   h_partition I        cut node I's link; h_heal I restores it
#   h_wait TIMEOUT CMD.. poll CMD until it succeeds or TIMEOUT seconds pass
#   h_expect_probe I TXT node I's quorum-probe output contains TXT
#   h_clusterd_cluster N N nodes with corosync and clusterd, all ready
#   h_blank_cluster N    N powered-on nodes running nothing, without
#                        corosync.conf: clusterctl create/join set them up
#   h_ctl I ARGS...      run clusterctl on node I (its service starter is
#                        tests/harness/starter.sh)
#   h_kill_clusterd I    kill -9 node I's clusterd (restart: h_service_clusterd I)
#   h_service_haagent I  start haagent on node I (config: NODEDIR/haagent.conf)
#   h_haagent_pid I      PID of node I's haagent (not of its LXC monitors)
#   h_tree_id I          "quorate=Q synced=S version=V checksum=C" of node I
#   h_clusterd_ready I   node I's clusterd is quorate and synced
#   h_converged I...     those nodes are synced with identical trees
#   h_load I ARGS...     run tests/tools/cd-load on node I
#   h_logs [LINES]       print the tail of every node's logs
#   h_teardown           remove everything of this run (also via the trap)
#   h_save_state F       record a persistent run (H_PERSIST=1) in F;
#   h_load_state F       load it again
#   h_fail MSG           print MSG and exit 1 (logs and teardown follow)

H_STATE_ROOT=${H_STATE_ROOT:-/tmp/clusterd-test}
H_SERVICES=${H_SERVICES:-corosync}
H_TOKEN=${H_TOKEN:-1000}
H_PROBE=${H_PROBE:-${top_builddir:-.}/tests/tools/quorum-probe}
H_N=0
H_ID=
H_DIR=
H_BRIDGE=
H_SUBNET=

h_log() { printf '[harness %s] %s\n' "$(date +%T.%3N)" "$*" >&2; }

h_fail() {
	printf 'FAIL: %s\n' "$*" >&2
	exit 1
}

h_need_root() {
	if [ "$(id -u)" != 0 ]; then
		echo "SKIP: integration tests need root (network namespaces)" >&2
		exit 77
	fi
	local tool
	for tool in ip unshare nsenter corosync; do
		command -v "$tool" >/dev/null ||
			{ echo "SKIP: $tool not found" >&2; exit 77; }
	done
}

# Reserve a run id: a 16-bit number whose state directory we created (mkdir
# is atomic) and whose bridge name nobody uses.
h_reserve_id() {
	local try id
	mkdir -p "$H_STATE_ROOT"
	for try in $(seq 1 200); do
		id=$(( (RANDOM << 1 ^ RANDOM ^ $$) & 0xffff ))
		id=$(printf '%04x' "$id")
		ip link show "cdb$id" >/dev/null 2>&1 && continue
		if mkdir "$H_STATE_ROOT/$id" 2>/dev/null; then
			H_ID=$id
			return 0
		fi
	done
	h_fail "could not reserve a run id under $H_STATE_ROOT"
}

h_ns() { echo "cd${H_ID}n$1"; }
h_veth() { echo "cd${H_ID}v$1"; }
h_nodedir() { echo "$H_DIR/n$1"; }
h_addr() { echo "$H_SUBNET.$((10 + $1))"; }
h_name() { echo "n$1"; }
h_anchor_pid() { cat "$(h_nodedir "$1")/anchor.pid" 2>/dev/null; }

# The subnet is derived from the run id, so that no two runs share one.
h_pick_subnet() {
	local n=$((16#$H_ID))
	H_SUBNET="10.$((100 + (n >> 8) % 100)).$((n & 255))"
}

h_setup() {
	h_need_root
	H_N=$1
	h_reserve_id
	H_DIR="$H_STATE_ROOT/$H_ID"
	h_pick_subnet
	H_BRIDGE="cdb$H_ID"
	if [ -n "${H_PERSIST:-}" ]; then
		echo persist >"$H_DIR/owner"
	else
		echo $$ >"$H_DIR/owner"
		trap 'h_on_exit' EXIT
		trap 'exit 130' INT
		trap 'exit 143' TERM
	fi
	h_log "run $H_ID: $H_N nodes on $H_BRIDGE, $H_SUBNET.0/24, $H_DIR"
	ip link add "$H_BRIDGE" type bridge || h_fail "cannot create bridge"
	ip link set "$H_BRIDGE" up
	local i
	for i in $(seq 1 "$H_N"); do
		h_create_node "$i"
	done
}

h_create_node() {
	local i=$1 ns veth dir d
	ns=$(h_ns "$i")
	veth=$(h_veth "$i")
	dir=$(h_nodedir "$i")
	for d in run etc-corosync corosync clusterd cluster log; do
		mkdir -p "$dir/$d"
	done
	ip netns add "$ns" || h_fail "cannot create namespace $ns"
	ip link add "$veth" type veth peer name eth0 netns "$ns"
	ip link set "$veth" master "$H_BRIDGE" up
	ip -n "$ns" addr add "$(h_addr "$i")/24" dev eth0
	ip -n "$ns" link set eth0 up
	ip -n "$ns" link set lo up
}

# Mount points of the per-node directories must exist on the host.
h_mount_points() {
	mkdir -p /etc/corosync /var/lib/corosync /var/lib/clusterd \
		/etc/cluster /var/log/cluster
}

h_corosync_conf() {
	local i
	for i in $(seq 1 "$H_N"); do
		h_write_corosync_conf >"$(h_nodedir "$i")/etc-corosync/corosync.conf"
	done
}

h_write_corosync_conf() {
	local i
	cat <<EOF
totem {
version: 2
cluster_name: test$H_ID
transport: knet
crypto_cipher: none
crypto_hash: none
token: $H_TOKEN
}
logging {
to_stderr: yes
to_logfile: no
to_syslog: no
timestamp: hires
}
quorum {
provider: corosync_votequorum
}
nodelist {
EOF
	for i in $(seq 1 "$H_N"); do
		printf 'node {\nname: %s\nnodeid: %d\nring0_addr: %s\n}\n' \
			"$(h_name "$i")" "$i" "$(h_addr "$i")"
	done
	echo "}"
}

# The anchor holds the node's mount and UTS namespaces open.
h_start_anchor() {
	local i=$1 dir
	dir=$(h_nodedir "$i")
	h_mount_points
	rm -f "$dir/anchor.pid"
	ip netns exec "$(h_ns "$i")" unshare -m -u --propagation private sh -c '
		d=$1
		mount --bind "$d/etc-corosync" /etc/corosync &&
		mount --bind "$d/corosync" /var/lib/corosync &&
		mount --bind "$d/clusterd" /var/lib/clusterd &&
		mount --bind "$d/log" /var/log/cluster &&
		mount --bind "$d/cluster" /etc/cluster &&
		mount -t tmpfs -o mode=1777 tmpfs /dev/shm &&
		mount --bind "$d/run" /run &&
		hostname "$2" || exit 1
		echo $$ >"$d/anchor.pid.tmp" && mv "$d/anchor.pid.tmp" "$d/anchor.pid"
		exec sleep infinity' anchor "$dir" "$(h_name "$i")" \
		</dev/null >>"$dir/log/anchor.log" 2>&1 &
	disown
	h_wait 10 test -s "$dir/anchor.pid" ||
		h_fail "node $i: anchor did not start"
}

h_run() {
	local i=$1 pid
	shift
	pid=$(h_anchor_pid "$i")
	[ -n "$pid" ] || { echo "node $i is powered off" >&2; return 125; }
	nsenter -t "$pid" -m -n -u -- "$@"
}

h_spawn() {
	local i=$1 name=$2 dir
	shift 2
	dir=$(h_nodedir "$i")
	h_run "$i" "$@" </dev/null >>"$dir/log/$name.log" 2>&1 &
	echo $! >"$dir/$name.pid"
	disown
}

h_service_corosync() {
	h_spawn "$1" corosync corosync -f
}

# clusterd from the build tree, with a per-node configuration file (the
# node's /etc/corosync, /var/lib/clusterd and /run are its own already). It
# mounts its configuration filesystem (configfs) at the node's own
# /etc/cluster, its default mount point.
H_CLUSTERD=${H_CLUSTERD:-${top_builddir:-.}/clusterd/clusterd}
H_CLUSTERCTL=${H_CLUSTERCTL:-${top_builddir:-.}/cli/clusterctl}
H_CLUSTERD_CONF=${H_CLUSTERD_CONF:-}

h_service_clusterd() {
	local dir
	dir=$(h_nodedir "$1")
	[ -f "$dir/clusterd.conf" ] || printf '%s' "$H_CLUSTERD_CONF" >"$dir/clusterd.conf"
	h_spawn "$1" clusterd "$H_CLUSTERD" -f -c "$dir/clusterd.conf"
}

# haagent from the build tree (H_SERVICES="... haagent"), with a per-node
# configuration file (default: H_HAAGENT_CONF) and the backends of the
# build tree.
H_HAAGENT=${H_HAAGENT:-${top_builddir:-.}/haagent/haagent}
H_HAAGENT_CONF=${H_HAAGENT_CONF:-}

h_service_haagent() {
	local dir
	dir=$(h_nodedir "$1")
	[ -f "$dir/haagent.conf" ] || printf '%s' "$H_HAAGENT_CONF" >"$dir/haagent.conf"
	# Never the machine's /dev/watchdog in a test: it would reset it.
	grep -q '^watchdog:' "$dir/haagent.conf" ||
		echo 'watchdog: none' >>"$dir/haagent.conf"
	CLUSTERD_BACKEND_DIR=${CLUSTERD_BACKEND_DIR:-${top_builddir:-.}/haagent/backends/.libs} \
		h_spawn "$1" haagent "$H_HAAGENT" -f -c "$dir/haagent.conf"
}

# haagent itself (an LXC monitor is a fork of it with another cmdline).
h_haagent_pid() {
	ip netns pids "$(h_ns "$1")" | while read -r p; do
		tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null |
			grep -q "^$H_HAAGENT " && echo "$p"
	done
}

# Run clusterctl on node I. Services it starts or stops go through the
# harness starter, which runs them in node I's namespaces.
H_STARTER=${H_STARTER:-${top_srcdir:-.}/tests/harness/starter.sh}
h_ctl() {
	local i=$1
	shift
	h_run "$i" env CLUSTERCTL_STARTER="$(realpath -m "$H_STARTER")" \
		H_NODE_DIR="$(h_nodedir "$i")" \
		H_NODE_CLUSTERD="$(realpath -m "$H_CLUSTERD")" "$H_CLUSTERCTL" "$@"
}

# N blank nodes: powered on (the anchor only), no corosync.conf, nothing
# running, as freshly installed machines before "clusterctl create".
h_blank_cluster() {
	local i
	H_SERVICES=""
	h_setup "$1"
	for i in $(seq 1 "$1"); do
		h_poweron "$i"
	done
}

# Print node I's tree identity: "quorate=1 synced=1 version=N checksum=X".
h_tree_id() {
	h_ctl "$1" -o json members 2>/dev/null | awk -F'[:,]' '
		/"quorate"/ { q = ($2 ~ /true/) }
		/"synced"/ { s = ($2 ~ /true/) }
		/"tree_version"/ { gsub(/ /, "", $2); v = $2 }
		/"tree_checksum"/ { gsub(/[ "]/, "", $2); c = $2 }
		END { if (v != "") printf "quorate=%d synced=%d version=%s checksum=%s\n", q, s, v, c }'
}

# Succeed when node I's clusterd is quorate and synced.
h_clusterd_ready() {
	h_tree_id "$1" | grep -q '^quorate=1 synced=1 '
}

# Succeed when nodes I... are synced with identical version and checksum.
h_converged() {
	local i ids=""
	for i in "$@"; do
		ids="$ids$(h_tree_id "$i" | grep '^quorate=1 synced=1 ')
"
	done
	[ "$(printf '%s' "$ids" | grep -c .)" = "$#" ] &&
		[ "$(printf '%s' "$ids" | sort -u | grep -c .)" = 1 ]
}

# N nodes running corosync and clusterd, each quorate and synced.
h_clusterd_cluster() {
	local i
	H_SERVICES="corosync clusterd"
	h_setup "$1"
	h_start_all
	for i in $(seq 1 "$1"); do
		h_wait 30 h_clusterd_ready "$i" ||
			h_fail "n$i not quorate and synced: $(h_tree_id "$i")"
	done
}

# Run the cd-load tool on node I.
H_LOAD=${H_LOAD:-${top_builddir:-.}/tests/tools/cd-load}
h_load() {
	local i=$1
	shift
	h_run "$i" "$H_LOAD" "$@"
}

# kill -9 clusterd on node I (the node stays up); h_service_clusterd I
# starts it again.
h_kill_clusterd() {
	local pid
	pid=$(cat "$(h_nodedir "$1")/run/clusterd/clusterd.pid" 2>/dev/null) || return 0
	kill -9 "$pid" 2>/dev/null
	while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
}

h_poweron() {
	local i=$1 svc
	h_start_anchor "$i"
	for svc in $H_SERVICES; do
		"h_service_$svc" "$i"
	done
}

h_start_all() {
	local i
	h_corosync_conf
	for i in $(seq 1 "$H_N"); do
		h_poweron "$i"
	done
}

h_poweroff() {
	local i=$1 ns pids try
	ns=$(h_ns "$i")
	for try in $(seq 1 50); do
		pids=$(ip netns pids "$ns" 2>/dev/null)
		[ -z "$pids" ] && break
		# shellcheck disable=SC2086
		kill -9 $pids 2>/dev/null
		sleep 0.1
	done
	rm -f "$(h_nodedir "$i")/anchor.pid"
	# A power cycle resets a watchdog (h_ha_monitor's test device too).
	[ ! -f "$(h_nodedir "$i")/watchdog" ] || echo off >"$(h_nodedir "$i")/watchdog"
	[ -z "$(ip netns pids "$ns" 2>/dev/null)" ] ||
		h_fail "node $i: processes survived power-off"
}

# Succeed when node I's quorum-probe line contains TEXT.
# The test watchdog and fence device of node I (docs/ha.md), a process of
# the harness outside the node: when the deadline haagent writes to
# NODEDIR/watchdog ("armed EPOCH_MS", see haagent/ha_watchdog.h) passes, or
# a fence agent (tests/tools/fence_harness) asks with NODEDIR/fence-request,
# it powers the node off like h_poweroff, notes it in $H_DIR/events
# ("EPOCH_MS watchdog nI" or "EPOCH_MS fenced nI") and, for the agent,
# confirms with NODEDIR/fence-done.
h_ha_monitor() {
	local i=$1 dir
	dir=$(h_nodedir "$i")
	(
		while [ -d "$dir" ]; do
			# shellcheck disable=SC2046
			set -- $(cat "$dir/watchdog" 2>/dev/null)
			if [ "${1:-}" = armed ] && [ -n "$(h_anchor_pid "$i")" ] &&
				[ "$(date +%s%3N)" -gt "$2" ]; then
				h_poweroff "$i"
				echo fired >"$dir/watchdog"
				echo "$(date +%s%3N) watchdog n$i" >>"$H_DIR/events"
				h_log "test watchdog of n$i expired: powered off"
			fi
			if [ -e "$dir/fence-request" ]; then
				rm -f "$dir/fence-request"
				h_poweroff "$i"
				echo "$(date +%s%3N) fenced n$i" >>"$H_DIR/events"
				h_log "fence agent: n$i powered off"
				touch "$dir/fence-done"
			fi
			sleep 0.1
		done
	) &
	echo $! >>"$H_DIR/monitors"
}

h_expect_probe() {
	h_run "$1" "$H_PROBE" 2>/dev/null | grep -qF -- "$2"
}

h_partition() { ip link set "$(h_veth "$1")" down; }
h_heal() { ip link set "$(h_veth "$1")" up; }

h_wait() {
	local timeout=$1 deadline
	shift
	deadline=$(($(date +%s%N) + timeout * 1000000000))
	until "$@" >/dev/null 2>&1; do
		[ "$(date +%s%N)" -lt "$deadline" ] || return 1
		sleep 0.2
	done
}

# What corosync itself thinks, per node: links as knet sees them and the
# membership. Printed first on failure, so a truncated report still tells
# a corosync-level split (no merge after healing) from a clusterd bug.
h_corosync_state() {
	local i
	for i in $(seq 1 "$H_N"); do
		printf '\n----- node %d: corosync state -----\n' "$i"
		h_run "$i" timeout 5 corosync-cfgtool -s 2>&1 | grep -v '^$'
		h_run "$i" timeout 5 corosync-quorumtool -s 2>&1 |
			grep -E '^(Ring ID|Quorate|Nodes|Total votes):|^ +[0-9]+ +1 ' |
			tr -s ' '
	done
}

h_logs() {
	local lines=${1:-40} i f
	for i in $(seq 1 "$H_N"); do
		for f in "$(h_nodedir "$i")"/log/*.log; do
			[ -s "$f" ] || continue
			printf '\n----- node %d: %s (last %d lines) -----\n' \
				"$i" "${f##*/}" "$lines"
			tail -n "$lines" "$f"
		done
	done
}

h_teardown() {
	local i
	[ -n "$H_ID" ] || return 0
	# shellcheck disable=SC2046
	[ -f "$H_DIR/monitors" ] && kill $(cat "$H_DIR/monitors") 2>/dev/null
	for i in $(seq 1 "$H_N"); do
		h_poweroff "$i" 2>/dev/null
		ip netns del "$(h_ns "$i")" 2>/dev/null
	done
	ip link del "$H_BRIDGE" 2>/dev/null
	if [ -n "${H_KEEP:-}" ]; then
		h_log "kept node directories in $H_DIR"
	else
		rm -rf "$H_DIR"
	fi
	H_ID=
}

h_on_exit() {
	local rc=$?
	trap - EXIT INT TERM
	if [ "$rc" != 0 ] && [ "$rc" != 77 ] && [ -n "$H_ID" ]; then
		echo "test failed (exit $rc); node logs follow" >&2
		h_corosync_state >&2
		h_logs 40 >&2
	fi
	h_teardown
	exit "$rc"
}

# A persistent run (H_PERSIST=1, used by the demo) outlives its script:
# save what names it, and load it again to reach or tear it down.
h_save_state() {
	printf 'H_ID=%s\nH_N=%s\nH_DIR=%s\nH_BRIDGE=%s\nH_SUBNET=%s\n' \
		"$H_ID" "$H_N" "$H_DIR" "$H_BRIDGE" "$H_SUBNET" >"$1"
}

h_load_state() {
	[ -r "$1" ] || return 1
	# shellcheck disable=SC1090
	. "$1"
}

# Remove the leftovers of runs whose owner process is gone (a SIGKILLed
# test cannot run its trap).
h_reap() {
	local dir id owner ns
	for dir in "$H_STATE_ROOT"/*/; do
		[ -d "$dir" ] || continue
		id=$(basename "$dir")
		owner=$(cat "$dir/owner" 2>/dev/null)
		[ "$owner" = persist ] && continue
		[ -n "$owner" ] && kill -0 "$owner" 2>/dev/null && continue
		for ns in $(ip netns list | awk '{print $1}' | grep "^cd${id}n"); do
			# shellcheck disable=SC2046
			kill -9 $(ip netns pids "$ns") 2>/dev/null
			ip netns del "$ns"
		done
		ip link del "cdb$id" 2>/dev/null
		rm -rf "$dir"
	done
}

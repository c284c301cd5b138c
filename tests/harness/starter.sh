#!/bin/sh
# clusterctl's service starter on a harness node (CLUSTERCTL_STARTER, see
# cli/starter.c): "starter.sh start|stop|restart corosync|clusterd" runs
# the daemon in the node's namespaces (clusterctl already runs there), with
# its log and pidfile where h_spawn keeps them, so that a test drives
# exactly the code path that calls systemctl on a real machine.
# Environment (set by h_ctl): H_NODE_DIR, H_NODE_CLUSTERD.
set -u
action=$1 svc=$2 dir=$H_NODE_DIR
pidf=$dir/$svc.pid

start() {
	case $svc in
	corosync) set -- corosync -f ;;
	clusterd)
		[ -f "$dir/clusterd.conf" ] || : >"$dir/clusterd.conf"
		set -- "$H_NODE_CLUSTERD" -f -c "$dir/clusterd.conf" ;;
	*) echo "starter: unknown service '$svc'" >&2; exit 1 ;;
	esac
	"$@" </dev/null >>"$dir/log/$svc.log" 2>&1 &
	echo $! >"$pidf"
}

stop() {
	pid=$(cat "$pidf" 2>/dev/null) || return 0
	rm -f "$pidf"
	kill "$pid" 2>/dev/null || return 0
	for _ in $(seq 1 100); do
		kill -0 "$pid" 2>/dev/null || return 0
		sleep 0.1
	done
	kill -9 "$pid" 2>/dev/null
	return 0
}

case $action in
start) start ;;
stop) stop ;;
restart) stop; start ;;
*) echo "starter: unknown action '$action'" >&2; exit 1 ;;
esac

# Guest IDs are unique cluster-wide, checked where writes are applied: a
# second nodes/<node>/{qemu,lxc}/<id>.conf with a used ID is refused with
# EEXIST whether it comes through configfs or IPC, on every node alike; a
# rename from one node's directory to another's (migration) is allowed;
# .guests lists every guest with its node and type.
set -u
. "$top_srcdir/tests/harness/harness.sh" || exit 99

h_clusterd_cluster 3
M=/etc/cluster

for n in 1 2 3; do
	h_run 1 mkdir -p "$M/nodes/$(h_name $n)/qemu" "$M/nodes/$(h_name $n)/lxc" ||
		h_fail "mkdir for node $n"
done
n1=$(h_name 1) n2=$(h_name 2) n3=$(h_name 3)
h_run 1 sh -c "echo 'memory: 512' > $M/nodes/$n1/qemu/100.conf" || h_fail "create guest 100"
h_run 1 sh -c "echo 'arch: amd64' > $M/nodes/$n1/lxc/101.conf" || h_fail "create guest 101"

create_errno() { # node path: errno name of creating PATH through configfs
	h_run "$1" python3 -c "
import os, errno
try:
    fd = os.open('$2', os.O_WRONLY | os.O_CREAT, 0o640)
    os.write(fd, b'x'); os.close(fd); print('OK')
except OSError as e: print(errno.errorcode[e.errno])"
}
for n in 1 2 3; do
	for p in "nodes/$n2/qemu/100.conf" "nodes/$n3/lxc/100.conf" "nodes/$n1/qemu/101.conf"; do
		got=$(create_errno "$n" "$M/$p")
		[ "$got" = EEXIST ] || h_fail "n$n: creating $p through configfs: $got"
		err=$(h_ctl "$n" config put "$p" x 2>&1) && h_fail "n$n: IPC put of $p accepted"
		case $err in *"File exists"*|*EEXIST*|*exists*) ;; *) h_fail "n$n: IPC error for $p: $err" ;; esac
	done
done
h_run 2 test -e "$M/nodes/$n2/qemu/100.conf" && h_fail "refused guest file exists"
[ "$(create_errno 2 "$M/nodes/$n2/qemu/102.conf")" = OK ] || h_fail "new ID 102 refused"

# Migration: move 100 from n1 to n2; then the ID is free on n1 no more.
h_run 3 mv "$M/nodes/$n1/qemu/100.conf" "$M/nodes/$n2/qemu/100.conf" || h_fail "migration rename"
[ "$(h_run 1 cat "$M/nodes/$n2/qemu/100.conf")" = "memory: 512" ] || h_fail "migrated content"
[ "$(create_errno 1 "$M/nodes/$n1/qemu/100.conf")" = EEXIST ] || h_fail "100 reusable after migration"
h_run 1 mv "$M/nodes/$n1/lxc/101.conf" "$M/nodes/$n3/qemu/100.conf" 2>/dev/null &&
	h_fail "rename onto a used ID accepted"
h_run 1 test -e "$M/nodes/$n1/lxc/101.conf" || h_fail "refused rename lost 101"

h_run 3 python3 -c "
import json
g = json.load(open('$M/.guests'))['guests']
assert g == {'100': {'node': '$n2', 'type': 'qemu', 'version': g['100']['version']},
             '101': {'node': '$n1', 'type': 'lxc', 'version': g['101']['version']},
             '102': {'node': '$n2', 'type': 'qemu', 'version': g['102']['version']}}, g
" || h_fail ".guests: $(h_run 3 cat $M/.guests)"
h_wait 10 h_converged 1 2 3 || h_fail "trees differ"
echo "PASS: configfs guest IDs"

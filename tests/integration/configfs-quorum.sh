# configfs without quorum: a node cut off from the other two keeps reading
# its local copy, but every change fails with EROFS, files show read-only
# modes and `test -w` is false; after healing, writes work again. The
# node's .clusterlog records the nodes leaving and joining and the quorum
# lost and gained.
set -u
. "$top_srcdir/tests/harness/harness.sh" || exit 99

h_clusterd_cluster 3
M=/etc/cluster

h_run 1 mkdir $M/d || h_fail mkdir
h_run 1 sh -c "echo before > $M/d/f" || h_fail "write f"
h_wait 10 h_run 3 test -f $M/d/f || h_fail "f not on n3"
h_run 3 test -w $M/d/f || h_fail "test -w false while quorate"

h_partition 3
quorate() { h_run 3 python3 -c "import json,sys; sys.exit(0 if json.load(open('$M/.members'))['quorate'] else 1)"; }
not_quorate() { ! quorate; }
h_wait 30 not_quorate || h_fail "n3 still quorate after the partition"

errno_of() { # errno name of a Python statement on node 3, or OK
	h_run 3 python3 -c "
import os, errno
try:
    $1
    print('OK')
except OSError as e: print(errno.errorcode[e.errno])"
}
[ "$(h_run 3 cat $M/d/f)" = before ] || h_fail "read without quorum"
h_run 3 ls $M/d >/dev/null || h_fail "readdir without quorum"
h_run 3 test -w $M/d/f && h_fail "test -w true without quorum"
h_run 3 test -w $M/d && h_fail "test -w true on a directory without quorum"
[ "$(h_run 3 stat -c %a $M/d/f)" = 440 ] || h_fail "mode without quorum: $(h_run 3 stat -c %a $M/d/f)"
[ "$(h_run 3 stat -c %a $M/d)" = 550 ] || h_fail "dir mode without quorum"
for op in "open('$M/d/f', 'w')" "open('$M/d/new', 'w')" "os.mkdir('$M/d2')" \
	"os.unlink('$M/d/f')" "os.rmdir('$M/d')" "os.rename('$M/d/f', '$M/d/g')" \
	"os.truncate('$M/d/f', 0)" "open('$M/d/f', 'a')"; do
	got=$(errno_of "$op")
	[ "$got" = EROFS ] || h_fail "$op without quorum: $got"
done
h_run 3 sh -c "echo x > $M/d/f" 2>/dev/null && h_fail "shell write without quorum"
[ "$(h_run 3 cat $M/d/f)" = before ] || h_fail "content changed without quorum"
# The majority side goes on.
h_run 1 sh -c "echo during > $M/d/f" || h_fail "n1 cannot write in the majority"

h_heal 3
h_wait 60 quorate || h_fail "n3 not quorate after healing"
h_wait 30 h_clusterd_ready 3 || h_fail "n3 not synced after healing"
[ "$(h_run 3 cat $M/d/f)" = during ] || h_fail "n3 did not catch up"
h_run 3 test -w $M/d/f || h_fail "test -w false after healing"
h_run 3 sh -c "echo after > $M/d/f" || h_fail "write after healing"
[ "$(h_run 1 cat $M/d/f)" = after ] || h_fail "n1 does not see n3's write"
# n3's cluster log saw it all: nodes leaving and joining, quorum lost and
# gained again.
h_run 3 python3 -c "
import json
msgs = [e['msg'] for e in json.load(open('$M/.clusterlog'))['events']]
want = ['quorum gained', 'node 1 left', 'quorum lost', 'node 1 joined']
pos = 0
for m in msgs:
    if pos < len(want) and m == want[pos]: pos += 1
assert pos == len(want), msgs
" || h_fail ".clusterlog on n3: $(h_run 3 cat $M/.clusterlog)"
echo "PASS: configfs quorum"

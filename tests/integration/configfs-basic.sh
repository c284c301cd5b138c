# configfs on a real 3-node cluster: a file written through /etc/cluster on
# one node is readable on the others; editors' save patterns (temp file,
# fsync, rename over the old file; >> append) work; mkdir/rmdir/unlink
# behave like POSIX; the size limit gives EFBIG and keeps the old content
# everywhere; stat, statfs, the virtual files and the local symlink; a
# stale mount of a killed clusterd is replaced at restart.
set -u
. "$top_srcdir/tests/harness/harness.sh" || exit 99

H_CLUSTERD_CONF='max_file_size: 64K
'
h_clusterd_cluster 3
M=/etc/cluster

for i in 1 2 3; do
	h_run "$i" grep -q " $M fuse.clusterd " /proc/mounts || h_fail "n$i: $M not mounted"
done

# echo > f on n1 is cat-able on n3 (and n2).
h_run 1 sh -c "echo hello > $M/f" || h_fail "echo > f on n1"
[ "$(h_run 3 cat $M/f)" = hello ] || h_fail "n3 reads '$(h_run 3 cat $M/f)'"
[ "$(h_ctl 2 config get f)" = hello ] || h_fail "not in the tree on n2"
h_run 2 sh -c "echo replaced > $M/f" || h_fail "overwrite on n2"
[ "$(h_run 1 cat $M/f)" = replaced ] || h_fail "overwrite not seen on n1"

# One replicated write per file change: a file written in many pieces
# costs one tree version.
v0=$(h_tree_id 1 | sed 's/.*version=\([0-9]*\).*/\1/')
h_run 1 python3 -c "
f = open('$M/f', 'w')
for i in range(100):
    f.write('line %d\n' % i); f.flush()
f.close()" || h_fail "write in pieces"
v1=$(h_tree_id 1 | sed 's/.*version=\([0-9]*\).*/\1/')
[ "$v1" = $((v0 + 1)) ] || h_fail "100 writes of one file cost $((v1 - v0)) versions"
[ "$(h_run 3 sh -c "wc -l < $M/f")" = 100 ] || h_fail "n3 does not see 100 lines"
# A new file too: created, written in pieces and closed in one version; it
# exists on the other nodes only once complete.
h_run 1 python3 -c "
f = open('$M/new', 'w')
for i in range(50):
    f.write('line %d\n' % i); f.flush()
f.close()" || h_fail "new file in pieces"
v2=$(h_tree_id 1 | sed 's/.*version=\([0-9]*\).*/\1/')
[ "$v2" = $((v1 + 1)) ] || h_fail "a new file of 50 writes cost $((v2 - v1)) versions"
[ "$(h_run 2 sh -c "wc -l < $M/new")" = 50 ] || h_fail "n2 does not see the new file"

# Append with >>.
h_run 1 sh -c "echo one > $M/log; echo two >> $M/log; echo three >> $M/log" ||
	h_fail "append"
[ "$(h_run 2 cat $M/log | tr '\n' ' ')" = "one two three " ] || h_fail "append content: $(h_run 2 cat $M/log)"

# Editor-style save: write a temp file, fsync, rename over the original.
h_run 1 mkdir -p $M/etc || h_fail mkdir
h_run 1 sh -c "echo old > $M/etc/app.cfg" || h_fail "create app.cfg"
h_run 1 python3 -c "
import os
fd = os.open('$M/etc/.app.cfg.swp', os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
os.write(fd, b'new content\n'); os.fsync(fd); os.close(fd)
os.rename('$M/etc/.app.cfg.swp', '$M/etc/app.cfg')" || h_fail "editor save"
[ "$(h_run 3 cat $M/etc/app.cfg)" = "new content" ] || h_fail "editor save not seen on n3"
h_run 3 test -e $M/etc/.app.cfg.swp && h_fail "temp file left"
h_run 2 sh -c "printf 'x\n' > /tmp/inst.\$\$ && install -m 0640 /tmp/inst.\$\$ $M/etc/installed.cfg; rc=\$?; rm -f /tmp/inst.\$\$; exit \$rc" ||
	h_fail "install(1) into the mount"
[ "$(h_run 1 cat $M/etc/installed.cfg)" = x ] || h_fail "install content"
h_run 1 cp $M/etc/app.cfg $M/etc/copy.cfg || h_fail "cp"
[ "$(h_run 3 cat $M/etc/copy.cfg)" = "new content" ] || h_fail "cp content"

# Directories.
h_run 1 rmdir $M/etc 2>/dev/null && h_fail "rmdir of a non-empty directory"
err=$(h_run 1 python3 -c "
import os, errno
try: os.rmdir('$M/etc')
except OSError as e: print(errno.errorcode[e.errno])") 
[ "$err" = ENOTEMPTY ] || h_fail "rmdir non-empty: $err"
h_run 2 rm $M/etc/app.cfg $M/etc/installed.cfg $M/etc/copy.cfg || h_fail rm
h_run 3 rmdir $M/etc || h_fail "rmdir of the emptied directory on n3"
h_run 1 test -e $M/etc && h_fail "etc still there on n1"
h_run 1 sh -c "ls -a $M" | grep -qx .members || h_fail "readdir lacks .members"

# stat: real sizes and mtimes; chmod/chown refused.
h_run 1 sh -c "head -c 1000 /dev/zero > $M/k" || h_fail "1000 bytes"
[ "$(h_run 2 stat -c %s $M/k)" = 1000 ] || h_fail "size on n2: $(h_run 2 stat -c %s $M/k)"
now=$(date +%s); mt=$(h_run 3 stat -c %Y $M/k)
[ $((now - mt)) -lt 60 ] && [ $((mt - now)) -lt 60 ] || h_fail "mtime $mt, now $now"
[ "$(h_run 1 stat -c %a $M/k)" = 640 ] || h_fail "mode $(h_run 1 stat -c %a $M/k)"
h_run 1 chmod 0777 $M/k 2>/dev/null && h_fail "chmod accepted"
h_run 1 chown nobody $M/k 2>/dev/null && h_fail "chown accepted"

# Size limit (64K here): at the limit works, over it fails with EFBIG and
# leaves the old content on every node.
h_run 1 sh -c "head -c 65536 /dev/urandom > $M/big" || h_fail "file at the limit"
s1=$(h_run 1 md5sum $M/big | cut -d' ' -f1)
for i in 2 3; do
	[ "$(h_run $i md5sum $M/big | cut -d' ' -f1)" = "$s1" ] || h_fail "n$i: big differs"
done
err=$(h_run 2 python3 -c "
import os, errno
f = os.open('$M/big', os.O_WRONLY | os.O_TRUNC)
try:
    os.write(f, b'y' * 65537); print('written')
except OSError as e: print(errno.errorcode[e.errno])
os.close(f)")
[ "$err" = EFBIG ] || h_fail "over the limit: $err"
for i in 1 2 3; do
	[ "$(h_run $i md5sum $M/big | cut -d' ' -f1)" = "$s1" ] || h_fail "n$i: EFBIG changed big"
done
h_run 1 sh -c "head -c 70000 /dev/zero > $M/big" 2>/dev/null && h_fail "shell write over the limit accepted"

# statfs reports the limits and the use.
h_run 1 stat -f -c '%S %b %a %c %d' $M | {
	read -r bs blocks avail files ffree
	[ "$bs" = 4096 ] && [ "$blocks" = $((1024 * 1024 * 1024 / 4096)) ] &&
		[ "$avail" -lt "$blocks" ] && [ "$files" = 1000000 ] &&
		[ "$ffree" -lt 1000000 ]
} || h_fail "statfs: $(h_run 1 stat -f -c '%S %b %a %c %d' $M)"

# Virtual files and the local symlink.
h_run 1 python3 -c "
import json
m = json.load(open('$M/.members'))
assert m['quorate'] is True, m
assert sorted(n['id'] for n in m['nodes']) == [1, 2, 3], m
assert all(n['online'] for n in m['nodes']), m
v = json.load(open('$M/.version'))
assert v['version'] > 0, v
json.load(open('$M/.guests'))
json.load(open('$M/.clusterlog'))" || h_fail "virtual files"
[ "$(h_run 2 readlink $M/local)" = "nodes/$(h_run 2 hostname)" ] || h_fail "local -> $(h_run 2 readlink $M/local)"
h_run 1 sh -c "echo x > $M/.members" 2>/dev/null && h_fail ".members writable"

# kill -9 leaves a stale mount; the restarted clusterd replaces it.
h_kill_clusterd 2
h_run 2 stat $M 2>&1 | grep -q 'not connected' || h_fail "no stale mount after kill -9"
h_service_clusterd 2
h_wait 30 h_clusterd_ready 2 || h_fail "n2 did not come back"
h_wait 10 h_run 2 test -f $M/f || h_fail "n2 mount not replaced"
[ "$(h_run 2 sh -c "wc -l < $M/f")" = 100 ] || h_fail "n2 content after restart"
[ "$(h_run 2 grep -c " $M fuse" /proc/mounts)" = 1 ] || h_fail "mounts stacked on n2"
echo "PASS: configfs basics"

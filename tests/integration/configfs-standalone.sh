# configfs on a standalone clusterd, in private mount and network
# namespaces (nothing leaks to this machine): --mount DIR mounts there and
# wins over clusterd.conf; the filesystem works (a cluster of one is
# quorate); SIGTERM unmounts cleanly; --no-mount and "mount: none" mount
# nothing.
set -u
[ "$(id -u)" = 0 ] || exit 77
bin=${top_builddir:-.}/clusterd/clusterd
dest=$(mktemp -d /tmp/configfs-standalone.XXXXXX)
trap 'rm -rf "$dest"' EXIT

printf 'data_dir: %s\nrun_dir: %s\ncorosync_conf: %s\nmount: %s\n' "$dest/data" \
	"$dest/run" "$dest/no-corosync.conf" "$dest/from-conf" >"$dest/c.conf"
printf 'data_dir: %s\nrun_dir: %s\ncorosync_conf: %s\nmount: none\n' "$dest/data" \
	"$dest/run" "$dest/no-corosync.conf" >"$dest/none.conf"

unshare -m -n --propagation private bash -s "$bin" "$dest" <<'INNER'
set -u
bin=$1 dest=$2
fail() { echo "FAIL: $*"; cat "$dest/log" 2>/dev/null; exit 1; }
mounted() { grep -q " $1 fuse.clusterd " /proc/self/mounts; }
wait_for() { for _ in $(seq 100); do "$@" && return 0; sleep 0.1; done; return 1; }

"$bin" -f -c "$dest/c.conf" --mount "$dest/mnt" >"$dest/log" 2>&1 &
pid=$!
wait_for mounted "$dest/mnt" || fail "--mount DIR: not mounted"
mounted "$dest/from-conf" && fail "the conf's mount used despite --mount"
wait_for sh -c "echo hello > $dest/mnt/f" || fail "write on a standalone node"
[ "$(cat "$dest/mnt/f")" = hello ] || fail "read back"
mkdir "$dest/mnt/d" && mv "$dest/mnt/f" "$dest/mnt/d/g" || fail "mkdir/mv"
[ "$(cat "$dest/mnt/d/g")" = hello ] || fail "content after mv"
kill -TERM "$pid"; wait "$pid" || fail "exit status $? on SIGTERM"
mounted "$dest/mnt" && fail "still mounted after SIGTERM"
grep -q "Unmounted $dest/mnt" "$dest/log" || fail "no clean unmount logged"

# The data survived; the conf's own mount point is used without --mount.
"$bin" -f -c "$dest/c.conf" >"$dest/log" 2>&1 &
pid=$!
wait_for mounted "$dest/from-conf" || fail "mount: from clusterd.conf not used"
[ "$(cat "$dest/from-conf/d/g")" = hello ] || fail "content after restart"
kill -TERM "$pid"; wait "$pid"

for args in "-c $dest/c.conf --no-mount" "-c $dest/none.conf"; do
	# shellcheck disable=SC2086
	"$bin" -f $args >"$dest/log" 2>&1 &
	pid=$!
	wait_for grep -q 'Synced at' "$dest/log" || fail "$args: did not start"
	grep -q " fuse.clusterd " /proc/self/mounts && fail "$args: mounted"
	kill -TERM "$pid"; wait "$pid"
done
"$bin" --mount relative 2>/dev/null; [ $? = 2 ] || fail "--mount relative: not a usage error"
"$bin" --help | grep -q -- '--no-mount' || fail "--help lacks --no-mount"
echo "PASS: configfs standalone"
INNER

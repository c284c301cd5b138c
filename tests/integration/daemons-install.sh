# `make install` lays out a daemon that does not depend on the source tree:
# binaries, backends, man pages, bash completion, systemd units that
# systemd-analyze accepts, and the configuration under /etc, which a
# reinstall does not overwrite; no installed file names the source or
# build directory. The
# installed clusterd starts, rejects a bad configuration with its line,
# survives SIGHUP (logged, nothing reloaded) and stops cleanly on SIGTERM.
set -u
dest=$(mktemp -d /tmp/clusterd-install.XXXXXX)
trap 'rm -rf "$dest"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

make -C "$top_builddir" -s install DESTDIR="$dest" >"$dest.log" 2>&1 ||
	{ cat "$dest.log"; rm -f "$dest.log"; fail "make install failed"; }
rm -f "$dest.log"
prefix=$(sed -n 's/^prefix = //p' "$top_builddir/Makefile")
root="$dest$prefix"
for f in sbin/clusterd sbin/haagent sbin/clusterctl \
	share/man/man8/clusterd.8 share/man/man8/haagent.8 \
	share/man/man8/clusterctl.8 share/man/man5/clusterd.conf.5 \
	lib/systemd/system/clusterd.service lib/systemd/system/haagent.service; do
	[ -e "$root/$f" ] || fail "$f not installed"
done
[ -f "$dest/etc/clusterd/clusterd.conf" ] || fail "clusterd.conf not under /etc"
# What README.md says besides: the backends and the bash completion.
for f in lib/clusterd/backends/qemu.so lib/clusterd/backends/lxc.so \
	lib/clusterd/backends/sim.so share/bash-completion/completions/clusterctl; do
	[ -e "$root/$f" ] || fail "$f not installed"
done
# Nothing installed names the source or build tree (debug information
# aside: it is for gdb, and "make install-strip" drops it). A sanitizer
# build is not for installing: its programs name their sources in their
# reports, so only its other files are checked.
san=$(sed -n 's/^SAN_CFLAGS = //p' "$top_builddir/Makefile")
for f in $(find "$dest" -type f); do
	if [ "$(head -c 4 "$f")" = "$(printf '\177ELF')" ]; then
		[ -z "$san" ] || continue
		objcopy --strip-debug "$f" "$dest.stripped" || fail "objcopy $f"
		g=$dest.stripped
	else
		g=$f
	fi
	for tree in "$top_srcdir" "$top_builddir"; do
		! grep -q -F -- "$tree/" "$g" || fail "$f names $tree"
	done
done
rm -f "$dest.stripped"

grep -q "^ExecStart=$prefix/sbin/clusterd -f$" "$root/lib/systemd/system/clusterd.service" ||
	fail "clusterd.service does not start the installed binary"
if command -v systemd-analyze >/dev/null; then
	for unit in clusterd haagent; do
		# verify wants the ExecStart binary at its real path: point it at ours.
		sed "s|^ExecStart=[^ ]*|ExecStart=$root/sbin/$unit|" \
			"$root/lib/systemd/system/$unit.service" >"$dest/$unit.service"
		out=$(systemd-analyze verify --man=no "$dest/$unit.service" 2>&1)
		[ -z "$out" ] || fail "systemd-analyze verify $unit: $out"
	done
fi

# A reinstall keeps the administrator's configuration.
echo "debug: yes" >"$dest/etc/clusterd/clusterd.conf"
make -C "$top_builddir" -s install DESTDIR="$dest" >/dev/null 2>&1 || fail "reinstall failed"
grep -q '^debug: yes$' "$dest/etc/clusterd/clusterd.conf" || fail "reinstall overwrote clusterd.conf"

bin="$root/sbin/clusterd"
"$bin" --version | grep -q '^clusterd [0-9]' || fail "--version"
"$bin" --help | grep -q -- '--foreground' || fail "--help"
"$bin" --bogus 2>/dev/null; [ $? = 2 ] || fail "bad option must exit 2"
printf 'debug: yes\ncolour: blue\n' >"$dest/bad.conf"
err=$("$bin" -f -c "$dest/bad.conf" 2>&1); [ $? = 1 ] || fail "bad config accepted"
case $err in *"bad.conf:2: unknown key 'colour'"*) ;; *) fail "unclear error: $err" ;; esac
"$bin" -f -c "$dest/missing.conf" 2>/dev/null && fail "missing -c file accepted"

# Private paths: the test must not touch this machine's /var/lib/clusterd
# (nor collide with a concurrent run); no corosync.conf: standalone.
printf 'data_dir: %s\nrun_dir: %s\ncorosync_conf: %s\nmount: none\n' "$dest/data" \
	"$dest/run" "$dest/no-corosync.conf" >"$dest/private.conf"
"$bin" -f -c "$dest/private.conf" >"$dest/run.log" 2>&1 &
pid=$!
for _ in $(seq 50); do grep -q 'Synced at' "$dest/run.log" && break; sleep 0.1; done
grep -q 'running standalone' "$dest/run.log" || fail "no standalone start: $(cat "$dest/run.log")"
[ -f "$dest/data/config.db" ] || fail "no database in the configured data_dir"
kill -HUP "$pid"
for _ in $(seq 50); do grep -q 'Received Hangup' "$dest/run.log" && break; sleep 0.1; done
kill -0 "$pid" 2>/dev/null || fail "SIGHUP ended clusterd: $(tail -3 "$dest/run.log")"
grep -q 'nothing is reloaded' "$dest/run.log" || fail "SIGHUP not logged: $(cat "$dest/run.log")"
kill -TERM "$pid"; wait "$pid" || fail "clusterd exit status $? on SIGTERM"
grep -q 'clusterd stopped' "$dest/run.log" || fail "no clean stop: $(cat "$dest/run.log")"

# A corrupt database stops clusterd at start, saying how to recover.
head -c 4096 /dev/urandom >"$dest/data/config.db"
rm -f "$dest/data/config.db-wal" "$dest/data/config.db-shm"
err=$("$bin" -f -c "$dest/private.conf" 2>&1); rc=$?
[ "$rc" = 1 ] || fail "clusterd started on a corrupt database (exit $rc)"
case $err in *"mv $dest/data/config.db $dest/data/config.db.corrupt"*) ;;
	*) fail "no recovery hint for a corrupt database: $err" ;; esac

"$root/sbin/clusterctl" frobnicate 2>/dev/null; [ $? = 2 ] || fail "clusterctl usage error must exit 2"
echo "PASS: install layout"

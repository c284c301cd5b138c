# The lxc backend on liblxc with a real busybox container in two harness
# nodes: a missing rootfs is refused with its path, create/start/status,
# the container's init answers inside its namespaces (hostname is the
# guest's name), stop, then a restart migration (the rootfs is shared):
# start on n2, running there and nothing on n1.
set -u
. "$top_srcdir/tests/harness/harness.sh" || exit 99
[ -x /bin/busybox ] || { echo "SKIP: no busybox"; exit 77; }

H_SERVICES=""
h_setup 2
h_poweron 1
h_poweron 2
export CLUSTERD_BACKEND_DIR="$top_builddir/haagent/backends/.libs"
S="$H_DIR/shared"
mkdir -p "$S"
CONF="$S/200.conf"
printf 'name: bb200\nrootfs: ct200\nmemory: 64\nnet0: type=none\n' >"$CONF"

be() {
	local i=$1
	shift
	h_run "$i" "$top_builddir/tests/tools/cd-backend" -s "$S" lxc "$@"
}
state_is() { be "$1" "$CONF" 200 status | grep -q "^state=$2 "; }
init_pid() { be "$1" "$CONF" 200 status | sed -n 's/.* pid=\([0-9]*\) .*/\1/p'; }

out=$(be 1 "$CONF" 200 create 2>&1) && h_fail "create without rootfs"
echo "$out" | grep -q "rootfs $S/ct200: No such file" ||
	h_fail "missing rootfs error: $out"

# A busybox rootfs, as a user would prepare it on shared storage.
R="$S/ct200"
mkdir -p "$R"/bin "$R"/sbin "$R"/etc "$R"/proc "$R"/sys "$R"/dev "$R"/tmp
cp /bin/busybox "$R/bin/"
for a in sh sleep hostname cat; do ln -s busybox "$R/bin/$a"; done
ln -s ../bin/busybox "$R/sbin/init"
printf '::respawn:/bin/sleep 100000\n' >"$R/etc/inittab"

be 1 "$CONF" 200 create || h_fail "create"
state_is 1 stopped || h_fail "status before start"
be 1 "$CONF" 200 start || h_fail "start on n1"
state_is 1 running || h_fail "n1: $(be 1 "$CONF" 200 status)"
pid=$(init_pid 1)
[ "$(nsenter -t "$pid" -u -m hostname)" = bb200 ] ||
	h_fail "attach: hostname inside is not bb200"
# The container has a network namespace of its own (net type none); its
# LXC monitor runs on n1.
mon=$(awk '{ print $4 }' "/proc/$pid/stat")
[ "$(ip netns identify "$mon")" = "$(h_ns 1)" ] ||
	h_fail "container's monitor not on n1"
be 1 "$CONF" 200 start 2>&1 | grep -q 'already running' ||
	h_fail "second start not refused"
be 1 "$CONF" 200 stop || h_fail "stop"
state_is 1 stopped || h_fail "still running after stop"
kill -0 "$pid" 2>/dev/null && h_fail "init survived stop"

# Restart migration: stopped on n1, started on n2 from the shared rootfs.
be 2 "$CONF" 200 start || h_fail "start on n2"
state_is 2 running || h_fail "n2: $(be 2 "$CONF" 200 status)"
state_is 1 stopped || h_fail "n1 sees it running"
be 2 "$CONF" 200 shutdown 1000 || h_fail "shutdown on n2"
state_is 2 stopped || h_fail "running on n2 after shutdown"
echo "guest-lxc-backend: ok"

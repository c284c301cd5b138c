# Bad input of any kind gets a clear error and loses nothing; no daemon
# crashes on input. On a real 3-node cluster holding a known set of
# acknowledged keys:
#   - cd-ipc-fuzz sends malformed IPC frames to n1's clusterd (every answer
#     must keep the contract it checks; its writes stay under fuzz/);
#   - clusterctl gets values over the size limit and bad paths (exit 1 and
#     one clear line, never a crash);
#   - cd-cpg-garble joins the CPG group on n2 as a rogue member and
#     multicasts garbage, once per mode (junk, stall, takeover; its
#     legitimate writes stay under garble/).
# After each step: every clusterd still runs with the pid it started
# with, the three converge and accept writes, every acknowledged key is
# present on every node, and nothing outside fuzz/ and garble/ changed
# (path, type, version, size, writer and mtime of every entry).
#
# BADINPUT_IPC_REQUESTS (default 2500), BADINPUT_GARBLE_MS (1500) and
# BADINPUT_GARBLE_MAX (5000 messages) make a longer run; BADINPUT_SEED
# replays one (the seed is printed).
set -u
. "$top_srcdir/tests/harness/harness.sh" || exit 99

FUZZ=$top_builddir/tests/tools/cd-ipc-fuzz
GARBLE=$top_builddir/tests/tools/cd-cpg-garble
N_IPC=${BADINPUT_IPC_REQUESTS:-2500}
GARBLE_MS=${BADINPUT_GARBLE_MS:-1500}
GARBLE_MAX=${BADINPUT_GARBLE_MAX:-5000}
SEED=${BADINPUT_SEED:-$(($(date +%s) % 100000))}
command -v jq >/dev/null || { echo "SKIP: jq not found" >&2; exit 77; }
echo "seed $SEED (BADINPUT_SEED=$SEED replays this run)"

h_clusterd_cluster 3

clusterd_pid() { cat "$(h_nodedir "$1")/run/clusterd/clusterd.pid" 2>/dev/null; }

# Every entry of node I's tree under DIR except fuzz/ and garble/, one
# line each, depth first in name order.
listing() {
	local i=$1 dir=${2:-} json path type
	json=$(h_ctl "$i" -o json config ls "$dir") || return 1
	printf '%s\n' "$json" | jq -r '.entries[] |
		[.path, .type, .version, .size, .writer, .mtime_ms] | @tsv' |
		while IFS=$'\t' read -r path type rest; do
			case $path in fuzz | fuzz/* | garble | garble/*) continue ;; esac
			printf '%s\t%s\t%s\n' "$path" "$type" "$rest"
			if [ "$type" = dir ]; then listing "$i" "$path" || return 1; fi
		done
}

# The promises of this test, checked after each step named WHAT.
assert_intact() {
	local what=$1 i
	for i in 1 2 3; do
		[ "$(clusterd_pid "$i")" = "${PID[$i]}" ] && kill -0 "${PID[$i]}" 2>/dev/null ||
			h_fail "$what: clusterd on n$i died or restarted (pid ${PID[$i]} -> $(clusterd_pid "$i"))"
	done
	h_wait 30 h_converged 1 2 3 ||
		h_fail "$what: trees differ: $(for i in 1 2 3; do h_tree_id $i; done)"
	for i in 1 2 3; do
		h_load "$i" -C "$H_DIR/acked" >"$H_DIR/check" 2>/dev/null ||
			h_fail "$what: n$i lost acknowledged keys ($(cat "$H_DIR/check"))"
		listing "$i" >"$H_DIR/after$i" || h_fail "$what: cannot list n$i"
		diff -u "$H_DIR/before" "$H_DIR/after$i" >&2 ||
			h_fail "$what: n$i changed outside fuzz/ and garble/"
	done
	h_ctl 1 config put fuzz/after "$what" ||
		h_fail "$what: a write after it failed"
	echo "ok: $what"
}

# clusterctl ARGS on node I fails with exit 1 and one line naming REASON.
cli_refuses() {
	local i=$1 reason=$2 out rc
	shift 2
	out=$(h_ctl "$i" "$@" 2>&1 </dev/null)
	rc=$?
	[ "$rc" = 1 ] || h_fail "clusterctl $*: exit $rc, expected 1: $out"
	case $out in
	"clusterctl: "*"$reason"*) ;;
	*) h_fail "clusterctl $*: no clear error ('$reason'): $out" ;;
	esac
}

# The known state: acknowledged keys from every node.
for i in 1 2 3; do
	h_load "$i" -c 2 -n 300 -d "known/n$i" -a "$H_DIR/acked" >"$H_DIR/load$i.out" &
done
wait
cat "$H_DIR"/load?.out
h_wait 30 h_converged 1 2 3 || h_fail "no convergence after the load"
h_ctl 1 config mkdir fuzz || h_fail "mkdir fuzz"
listing 1 >"$H_DIR/before" || h_fail "cannot list n1"
declare -A PID
for i in 1 2 3; do PID[$i]=$(clusterd_pid "$i"); done
assert_intact "load of $(wc -l <"$H_DIR/acked") acknowledged keys"

# Malformed IPC on n1.
h_run 1 "$FUZZ" -n "$N_IPC" -s "$SEED" >"$H_DIR/fuzz.out" 2>&1
rc=$?
cat "$H_DIR/fuzz.out"
[ "$rc" = 0 ] || h_fail "cd-ipc-fuzz found broken promises (exit $rc, seed $SEED)"
assert_intact "IPC fuzz ($N_IPC requests)"

# clusterctl with values over the limit and bad paths, on n3.
long_name=$(printf 'c%.0s' $(seq 300))
long_path=$(printf 'p%.0s' $(seq 200))
long_path=$(printf "$long_path/%.0s" $(seq 25))x
head -c $((8 << 20)) /dev/zero | tr '\0' v | h_ctl 3 config put fuzz/cli-8mib ||
	h_fail "a put of exactly 8 MiB failed"
size_on_n1() { [ "$(h_ctl 1 -o json config stat "$1" | jq .size)" = "$2" ]; }
h_wait 10 size_on_n1 fuzz/cli-8mib $((8 << 20)) ||
	h_fail "the 8 MiB file is not 8 MiB on n1"
head -c $(((8 << 20) + 1)) /dev/zero |
	h_ctl 3 -o json config put fuzz/cli-big >"$H_DIR/cli.json" 2>"$H_DIR/cli.err"
rc=$?
[ "$rc" = 1 ] && [ "$(jq -r .error.code "$H_DIR/cli.json")" = EFBIG ] &&
	grep -q '^clusterctl: put fuzz/cli-big: ' "$H_DIR/cli.err" ||
	h_fail "a put over 8 MiB: exit $rc, $(cat "$H_DIR/cli.err" "$H_DIR/cli.json")"
cli_refuses 3 "invalid argument" config put 'a//b' x
cli_refuses 3 "invalid argument" config put .. x
cli_refuses 3 "invalid argument" config put fuzz/ x
cli_refuses 3 "invalid argument" config mkdir fuzz/./x
cli_refuses 3 "invalid argument" config mv fuzz fuzz/inside
cli_refuses 3 "name too long" config put "fuzz/$long_name" x
cli_refuses 3 "name too long" config get "$long_path"
cli_refuses 3 "no such file" config get fuzz/no/such
cli_refuses 3 "resource busy" config rm /
cli_refuses 3 "is a directory" config put / x
assert_intact "clusterctl with bad input"

# A rogue CPG member on n2, in each mode; takeover last (see the tool).
for mode in junk stall takeover; do
	h_run 2 "$GARBLE" -m "$mode" -s "$SEED" -t "$GARBLE_MS" -n "$GARBLE_MAX" >"$H_DIR/garble.out" 2>&1
	rc=$?
	cat "$H_DIR/garble.out"
	[ "$rc" = 0 ] || h_fail "cd-cpg-garble -m $mode failed (exit $rc)"
	assert_intact "rogue CPG member ($mode)"
	if h_ctl 1 config stat garble >/dev/null 2>&1; then
		h_ctl 1 config ls garble >/dev/null &&
			h_ctl 1 -o json config ls garble >/dev/null ||
			h_fail "clusterctl cannot list what the rogue wrote"
	fi
done

grep '^cd-ipc-fuzz' "$H_DIR/fuzz.out"
echo "PASS: bad input ($(wc -l <"$H_DIR/acked") acknowledged keys intact; $(h_tree_id 1))"

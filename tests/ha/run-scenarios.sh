#!/usr/bin/env bash
#
# Run every HA simulator scenario (tests/ha/*.scenario) through
# "clusterctl ha simulate" and check its NAME.expect assertions, one a line:
#
#   service SID STATE NODE   final manager_status of SID
#   running SID NODE...      the nodes SID finally runs on ('-': none)
#   node NAME POWER STATE    final power (on|off) and CRM state of NAME
#   log REGEX                some line of the event log matches (grep -E)
#   nolog REGEX              no line of the event log matches
#   before REGEX1 => REGEX2  the first REGEX1 line comes before the first
#                            REGEX2 line (and both exist)
#   count N REGEX            exactly N lines of the log match
#   exit N                   the exit status (default 0)
#
# Usage: run-scenarios.sh [SCENARIO...]   (default: all of tests/ha)
set -u
src=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${top_builddir:-$src}
ctl=$build/cli/clusterctl
[ -x "$ctl" ] || { echo "no $ctl (build first)"; exit 99; }

fails=0 count=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# check_one NAME LOG JSON RC: every assertion of NAME.expect.
check_one() {
	local exp=$1 log=$2 json=$3 rc=$4 want_rc=0 kind a b c got line bad=0
	while IFS= read -r line || [ -n "$line" ]; do
		case $line in '' | '#'*) continue ;; esac
		read -r kind a b c <<<"$line"
		case $kind in
		service)
			got=$(jq -r --arg s "$a" '.services[$s] | "\(.state) \(.node)"' "$json")
			[ "$got" = "$b $c" ] || { echo "  $line: got '$got'"; bad=1; } ;;
		running)
			got=$(jq -r --arg s "$a" '(.running[$s] // []) | sort | join(" ")' "$json")
			want=$(echo "$b${c:+ $c}" | tr ' ' '\n' | sort | tr '\n' ' ' | sed 's/ $//')
			[ "$want" = "-" ] && want=
			[ "$got" = "$want" ] || { echo "  $line: got '$got'"; bad=1; } ;;
		node)
			got=$(jq -r --arg n "$a" '.nodes[$n] | "\(.power) \(.state)"' "$json")
			[ "$got" = "$b $c" ] || { echo "  $line: got '$got'"; bad=1; } ;;
		log)
			grep -qE -- "${line#log }" "$log" || { echo "  $line: no such line"; bad=1; } ;;
		nolog)
			! grep -qE -- "${line#nolog }" "$log" || {
				echo "  $line: found: $(grep -m1 -E -- "${line#nolog }" "$log")"; bad=1; } ;;
		before)
			local r1=${line#before } r2
			r2=${r1#* => }; r1=${r1%% => *}
			local n1 n2
			n1=$(grep -m1 -nE -- "$r1" "$log" | cut -d: -f1)
			n2=$(grep -m1 -nE -- "$r2" "$log" | cut -d: -f1)
			if [ -z "$n1" ] || [ -z "$n2" ] || [ "$n1" -ge "$n2" ]; then
				echo "  $line: lines '${n1:-none}' and '${n2:-none}'"; bad=1
			fi ;;
		count)
			got=$(grep -cE -- "${line#count $a }" "$log")
			[ "$got" = "$a" ] || { echo "  $line: $got lines"; bad=1; } ;;
		exit) want_rc=$a ;;
		*) echo "  unknown assertion: $line"; bad=1 ;;
		esac
	done <"$exp"
	[ "$rc" = "$want_rc" ] || { echo "  exit status $rc, want $want_rc"; bad=1; }
	return $bad
}

scenarios=("$@")
[ ${#scenarios[@]} -gt 0 ] || scenarios=("$src"/tests/ha/*.scenario)
for s in "${scenarios[@]}"; do
	name=$(basename "$s" .scenario)
	exp=${s%.scenario}.expect
	count=$((count + 1))
	if [ ! -f "$exp" ]; then
		echo "FAIL $name: no $exp"; fails=$((fails + 1)); continue
	fi
	"$ctl" ha simulate "$s" >"$tmp/log" 2>"$tmp/err"
	rc=$?
	"$ctl" ha simulate --output json "$s" >"$tmp/json" 2>/dev/null
	if ! jq -e . "$tmp/json" >/dev/null 2>&1; then
		echo '{}' >"$tmp/json"
	fi
	cat "$tmp/err" >>"$tmp/log"
	if out=$(check_one "$exp" "$tmp/log" "$tmp/json" "$rc"); then
		echo "ok   $name"
	else
		echo "FAIL $name"; echo "$out"
		[ -n "${HA_SCENARIO_VERBOSE:-}" ] && sed 's/^/    /' "$tmp/log"
		fails=$((fails + 1))
	fi
done
echo "$count scenarios, $fails failed"
[ "$fails" -eq 0 ]

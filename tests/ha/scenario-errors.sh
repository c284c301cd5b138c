#!/usr/bin/env bash
#
# "clusterctl ha simulate" on bad input: every bad scenario line is reported
# as FILE:LINE: reason (all of them, not only the first), the scenario is not
# run and the exit status is 2; garbage and missing files never crash it;
# usage errors exit 2. haagent --simulate gives the same results.
set -u
src=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
build=${top_builddir:-$src}
ctl=$build/cli/clusterctl
bad=$src/tests/ha/errors/bad-lines.txt
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
check() { # DESCRIPTION COMMAND...: the command must succeed
	local what=$1
	shift
	if "$@"; then echo "ok   $what"; else echo "FAIL $what"; fail=1; fi
}

"$ctl" ha simulate "$bad" >"$tmp/out" 2>"$tmp/err"
check "bad lines: exit 2" test $? = 2
check "bad lines: nothing simulated" test ! -s "$tmp/out"
for want in \
	":1: the first line must be 'nodes ...'" \
	":3: 'nodes' given twice" \
	":4: service vm:1: unknown node n9" \
	":5: bad service id 'xx:1'" \
	":6: rule 'r1' has no nodes=" \
	":7: unknown node 'n7'" \
	":8: 'delay' must be a step of its own" \
	":9: unknown service action 'migrate'" \
	":10: want 'crm N maintenance enable|disable NODE'" \
	":11: unknown item 'bogus'" \
	":12: bad value 'maybe' for fencing" \
	":13: no agent= for node n1" \
	":14: unknown test hook 'nothing'" \
	":15: bad state 'dancing'"; do
	check "reports$want" grep -qF -- "bad-lines.txt$want" "$tmp/err"
done

head -c 65536 /dev/urandom >"$tmp/garbage"
"$ctl" ha simulate "$tmp/garbage" >/dev/null 2>&1
check "garbage: exit 2" test $? = 2
awk 'BEGIN { printf "nodes n1\nstep "; for (i = 0; i < 5000; i++) printf "power n1 on; "; print "" }' >"$tmp/long"
"$ctl" ha simulate "$tmp/long" >/dev/null 2>&1
check "line too long: exit 2" test $? = 2
"$ctl" ha simulate "$tmp/missing" >/dev/null 2>&1
check "missing file: exit 1" test $? = 1
"$ctl" ha simulate >/dev/null 2>&1
check "no FILE: exit 2" test $? = 2
"$ctl" ha simulate a b >/dev/null 2>&1
check "two FILEs: exit 2" test $? = 2
"$ctl" ha frobnicate >/dev/null 2>&1
check "unknown ha command: exit 2" test $? = 2
"$ctl" ha simulate --help | grep -q "^Example scenario:"
check "--help has an example" test $? = 0

# haagent --simulate runs the same simulator.
agent=$build/haagent/haagent
"$agent" --simulate "$src/tests/ha/failover-network.scenario" --json >"$tmp/a"
"$ctl" ha simulate -o json "$src/tests/ha/failover-network.scenario" >"$tmp/b"
check "haagent --simulate = clusterctl ha simulate" cmp -s "$tmp/a" "$tmp/b"
"$agent" --simulate "$bad" >/dev/null 2>&1
check "haagent --simulate bad lines: exit 2" test $? = 2
exit $fail

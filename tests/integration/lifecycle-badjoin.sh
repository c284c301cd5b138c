#!/usr/bin/env bash
# Cluster lifecycle: a wrong, tampered, expired or reused token is refused
# and nothing changes on the cluster; a join while the cluster is not
# quorate is refused with a clear error; malformed arguments are usage
# errors (exit 2).
set -u
. "$top_srcdir/tests/harness/harness.sh"
. "$top_srcdir/tests/integration/lifecycle.sh.inc"

# The token's payload (lib/join_token.h), one field per line.
payload() {
	local body=${1#cdj1_}
	body=$(printf '%s' "$body" | tr '_-' '/+')
	while [ $((${#body} % 4)) != 0 ]; do body="$body="; done
	printf '%s' "$body" | base64 -d
}

# The token's payload field N (1-based) replaced by VALUE, with a valid
# check field (lib/join_token.h): a well-formed token that lies.
tamper() {
	local payload check
	payload=$(payload "$1" | head -n -1 |
		awk -v n="$2" -v v="$3" 'NR == n { $0 = v } { print }')
	check=$(printf '%s' "$payload" | sha256sum | cut -c1-8)
	printf 'cdj1_%s' "$(printf '%s\n%s' "$payload" "$check" | base64 -w0 | tr '/+' '_-' | tr -d '=')"
}

# Tree identity and corosync.conf of n1 and n2: must not change.
snapshot() {
	echo "$(h_tree_id 1) $(h_tree_id 2) $(md5sum <"$(h_nodedir 1)/etc-corosync/corosync.conf")"
}

# Join of n3 with TOKEN must fail with exit 1 and say WHY; nothing changes.
refused() {
	local token=$1 why=$2 before out rc
	before=$(snapshot)
	out=$(h_ctl 3 join "$(h_addr 1)" --token "$token" 2>&1)
	rc=$?
	echo "$out"
	[ "$rc" = 1 ] || h_fail "join with $why: exit $rc, expected 1"
	echo "$out" | grep -qi "$why" || h_fail "join: expected '$why' in: $out"
	[ -e "$(h_nodedir 3)/etc-corosync/corosync.conf" ] && h_fail "n3 got a corosync.conf"
	sleep 1
	[ "$(snapshot)" = "$before" ] || h_fail "the cluster changed after a refused join ($why)"
}

h_blank_cluster 3
lc_create 1
used=$(lc_token 1)
h_ctl 2 join "$(h_addr 1)" --token "$used" || h_fail "join of n2 failed"
h_wait 60 h_converged 1 2 || h_fail "n1 and n2 not converged"

good=$(lc_token 1)
refused "$used" "unknown or already used"
refused "$(tamper "$good" 3 "$(printf '%064d' 7)")" "secret is wrong"
refused "$(tamper "$good" 2 0123456789abcdef)" "unknown or already used"
refused "$(tamper "$good" 5 "$(printf '%064d' 0)")" "does not match the token's fingerprint"
short=$(lc_token 1 --ttl 1s)
sleep 2
refused "$short" "expired"
# The good token is still unused after all that: n3 joins with it; then
# the same token again (from a fresh node's point of view) is refused.
h_ctl 3 join "$(h_addr 1)" --token "$good" || h_fail "join with the good token failed"
h_wait 60 h_converged 1 2 3 || h_fail "n1..n3 not converged"
out=$(h_ctl 3 join "$(h_addr 1)" --token "$good" 2>&1)
[ $? = 1 ] && echo "$out" | grep -q "already in a cluster" || h_fail "second join on n3: $out"

# Usage errors: exit 2 without touching anything.
usage() {
	local rc
	h_ctl 3 "$@" >/dev/null 2>&1
	rc=$?
	[ "$rc" = 2 ] || h_fail "clusterctl $*: exit $rc, expected 2"
}
usage join "$(h_addr 1)" --token "${good%?????}@@"
usage join "$(h_addr 1)" --token "${good%????}"
usage join "$(h_addr 1)"
usage join --token "$good"
usage join-token --ttl 0
usage join-token --ttl 1y
usage join-token extra
usage create "bad name"
usage create c1 --link0 "not an address!"
usage node remove
usage node frobnicate n3
usage leave --bogus
usage status extra
usage expected

# The member's own checks, with requests clusterctl would not send: name
# and address in use, another protocol version, an invalid name. None
# consumes the token or changes anything.
raw() { h_run 3 "$top_builddir/tests/tools/cd-join-raw" "$(h_addr 1)" "$@"; }
expect_raw() {
	local want=$1 out before
	shift
	before=$(snapshot)
	out=$(raw "$@") || h_fail "cd-join-raw $*: no answer"
	echo "$out"
	echo "$out" | grep -q "^$want" || h_fail "cd-join-raw $*: expected $want: $out"
	[ "$(snapshot)" = "$before" ] || h_fail "the cluster changed after: $out"
}
token=$(lc_token 1)
# Making a token removed the record of the expired one.
short_id=$(payload "$short" | sed -n 2p)
h_ctl 1 config ls priv/join-tokens | grep -q "$short_id" &&
	h_fail "the expired token's record was not removed"
h_ctl 1 config ls priv/join-tokens | grep -q "$(payload "$token" | sed -n 2p)" ||
	h_fail "the new token's record is missing"
expect_raw "errno=17 message=a node of that name" "$token" n2
expect_raw "errno=98 message=an address" "$token" n9 "$(h_addr 2)"
expect_raw "errno=93 message=incompatible protocol version" "$token" n9 "" 2
expect_raw "errno=22 message=invalid node name" "$token" "bad name"
# A joiner whose clock is a minute off is admitted with a warning (a
# phantom node n9 that never starts: 3 of 4 votes stay quorate).
out=$(raw "$token" n9 10.254.254.9 "" 60000)
echo "$out"
echo "$out" | grep -q "^errno=0 .*warning=the joiner's clock is +60" ||
	h_fail "clock skew: $out"
h_wait 30 lc_conf_has 2 n9 || h_fail "n9 not added to corosync.conf on n2"

# Not quorate: with n2 and n3 off, n1 holds 1 of 4 votes. A fresh node
# (n3 wiped back to blank, renamed n5, on an unused address) is refused.
token=$(lc_token 1)
h_poweroff 2
h_poweroff 3
rm -rf "$(h_nodedir 3)"/{etc-corosync,clusterd}/* 
h_poweron 3
h_run 3 hostname n5
h_wait 30 h_expect_probe 1 "quorate=0" || h_fail "n1 still quorate"
before=$(md5sum <"$(h_nodedir 1)/etc-corosync/corosync.conf")
out=$(h_ctl 3 join "$(h_addr 1)" --token "$token" --link0 10.254.254.5 2>&1)
rc=$?
echo "$out"
[ "$rc" = 1 ] && echo "$out" | grep -q "not quorate" || h_fail "non-quorate join: exit $rc: $out"
[ "$(md5sum <"$(h_nodedir 1)/etc-corosync/corosync.conf")" = "$before" ] ||
	h_fail "corosync.conf changed after a refused join"
echo PASS

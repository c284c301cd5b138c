# IPC access control on a real node: root reads and writes everything; a
# process whose group is "clusterd" reads everything except priv/ and
# writes nothing; anyone else is refused at connect. Each refusal is a
# clear one-line error with exit status 1.
set -u
. "$top_srcdir/tests/harness/harness.sh" || exit 99

# The daemon looks the group up by name. `make install` creates it like a
# package would; create it the same way if missing (and leave it: another
# run may be using it).
getent group clusterd >/dev/null || groupadd --system clusterd 2>/dev/null ||
	getent group clusterd >/dev/null || h_fail "cannot create group clusterd"
readers_gid=$(getent group clusterd | cut -d: -f3)

h_clusterd_cluster 1
h_ctl 1 config mkdir public && h_ctl 1 config put public/a "for readers" || h_fail "root write"
h_ctl 1 config mkdir priv && h_ctl 1 config put priv/key "secret" || h_fail "root write to priv"

as_reader() { h_run 1 setpriv --reuid=65534 --regid="$readers_gid" --clear-groups "$H_CLUSTERCTL" "$@"; }
as_other() { h_run 1 setpriv --reuid=65534 --regid=65534 --clear-groups "$H_CLUSTERCTL" "$@"; }
expect_refusal() { # EXPECTED-TEXT COMMAND...
	local want=$1 out rc
	shift
	out=$("$@" 2>&1); rc=$?
	[ "$rc" = 1 ] || h_fail "'$*' exited $rc (want 1): $out"
	case $out in *"$want"*) ;; *) h_fail "'$*' said '$out', want '$want'" ;; esac
	[ "$(printf '%s\n' "$out" | wc -l)" = 1 ] || h_fail "more than one line: $out"
}

[ "$(as_reader config get public/a)" = "for readers" ] || h_fail "reader cannot read"
as_reader config ls >/dev/null || h_fail "reader cannot list"
as_reader members >/dev/null || h_fail "reader cannot see members"
expect_refusal "permission denied" as_reader config get priv/key
expect_refusal "permission denied" as_reader config put public/b x
expect_refusal "permission denied" as_reader config rm public/a
expect_refusal "clusterd" as_other config get public/a
expect_refusal "clusterd" as_other members
echo "a user outside group clusterd sees: $(as_other members 2>&1)"
[ "$(h_ctl 1 config get priv/key)" = secret ] || h_fail "root cannot read priv"
h_ctl 1 config stat public/b 2>/dev/null && h_fail "a refused write happened"
echo "PASS: access control"

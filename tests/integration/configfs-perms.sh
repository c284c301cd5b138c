# configfs permissions: files 0640 root:clusterd, directories 0750, priv/
# 0700 root only, whatever the creator asked for; a user outside group
# clusterd can neither read nor write anything; a member of the group reads
# everything but priv/ and writes nothing.
set -u
. "$top_srcdir/tests/harness/harness.sh" || exit 99

h_clusterd_cluster 2
M=/etc/cluster
gid=$(getent group clusterd | cut -d: -f3)
gid=${gid:-0}

h_run 1 sh -c "mkdir $M/priv $M/pub && echo secret > $M/priv/key && echo open > $M/pub/file" ||
	h_fail "setup as root"
h_run 1 python3 -c "import os; os.close(os.open('$M/pub/wide', os.O_CREAT | os.O_WRONLY, 0o777))" ||
	h_fail "create with mode 0777"
check_mode() { # path mode owner:group
	local got
	got=$(h_run 2 stat -c '%a %u:%g' "$M/$1")
	[ "$got" = "$2 $3" ] || h_fail "$1: $got, expected $2 $3"
}
check_mode pub/file 640 "0:$gid"
check_mode pub/wide 640 "0:$gid"
check_mode pub 750 "0:$gid"
check_mode priv 700 "0:0"
check_mode priv/key 600 "0:0"

as_nobody() { h_run 1 setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"; }
as_member() { h_run 1 setpriv --reuid=nobody --regid=nogroup --groups="$gid" "$@"; }
as_nobody cat $M/pub/file 2>/dev/null && h_fail "nobody read pub/file"
as_nobody ls $M 2>/dev/null && h_fail "nobody listed the root"
as_nobody sh -c "echo x > $M/pub/file" 2>/dev/null && h_fail "nobody wrote pub/file"
as_nobody sh -c "echo x > $M/new" 2>/dev/null && h_fail "nobody created a file"
as_nobody test -w $M/pub/file && h_fail "test -w true for nobody"

as_member cat $M/pub/file >/dev/null || h_fail "group member cannot read pub/file"
as_member ls $M/pub >/dev/null || h_fail "group member cannot list pub"
as_member cat $M/.members >/dev/null || h_fail "group member cannot read .members"
as_member cat $M/priv/key 2>/dev/null && h_fail "group member read priv/key"
as_member ls $M/priv 2>/dev/null && h_fail "group member listed priv"
as_member sh -c "echo x > $M/pub/file" 2>/dev/null && h_fail "group member wrote pub/file"
as_member sh -c "echo x > $M/pub/new" 2>/dev/null && h_fail "group member created a file"
as_member mkdir $M/pub/dir 2>/dev/null && h_fail "group member made a directory"
as_member rm -f $M/pub/file 2>/dev/null && h_fail "group member removed a file"
as_member mv $M/pub/file $M/pub/moved 2>/dev/null && h_fail "group member renamed a file"
as_member test -w $M/pub/file && h_fail "test -w true for a group member"
[ "$(h_run 2 cat $M/pub/file)" = open ] || h_fail "pub/file changed"
[ "$(h_run 2 cat $M/priv/key)" = secret ] || h_fail "priv/key changed"
h_run 1 test -e $M/pub/new && h_fail "pub/new exists"
echo "PASS: configfs permissions"

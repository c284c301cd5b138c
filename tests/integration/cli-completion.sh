# The bash completion of clusterctl (data/clusterctl.bash-completion):
# command names, subcommands and options complete as documented.
set -u
. "$top_srcdir/tests/integration/completion.sh.inc"

fails=0
# expect "WORDS..." "EXPECTED...": complete the last word of WORDS.
expect() {
	local got
	got=$(cd_complete "$1" | sort | xargs)
	if [ "$got" != "$2" ]; then
		echo "FAIL: '$1' completes to '$got', expected '$2'"
		fails=$((fails + 1))
	fi
}

expect "clusterctl gu" "guest"
expect "clusterctl ha " "add maintenance migrate relocate remove rules set simulate status"
expect "clusterctl ha maintenance " "disable enable"
expect "clusterctl guest mi" "migrate"
expect "clusterctl guest migrate 100 --o" "--online --output"
expect "clusterctl guest create 100 --type " "lxc qemu"
expect "clusterctl guest start 100 --o" "--output"
expect "clusterctl config put --e" "--expect-version"
expect "clusterctl config get --e" ""
expect "clusterctl watch --m" "--membership"
expect "clusterctl jo" "join join-token"
expect "clusterctl config " "get ls mkdir mv put rm stat"
expect "clusterctl -o " "json text"
expect "clusterctl node " "remove"
[ "$fails" = 0 ] || exit 1
echo PASS

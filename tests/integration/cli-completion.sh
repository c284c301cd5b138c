# The bash completion of clusterctl (data/clusterctl.bash-completion):
# command names, subcommands and options complete as documented.
set -u
bc=/usr/share/bash-completion/bash_completion
[ -r "$bc" ] || { echo "SKIP: no $bc"; exit 77; }
. "$bc"
. "$top_srcdir/data/clusterctl.bash-completion" || exit 99

fails=0
# expect "WORDS..." "EXPECTED...": complete the last word of WORDS.
expect() {
	local got
	read -r -a COMP_WORDS <<<"$1"
	[ "${1: -1}" = " " ] && COMP_WORDS+=("")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMP_LINE=$1
	COMP_POINT=${#COMP_LINE}
	COMPREPLY=()
	_clusterctl
	got=$(printf '%s\n' "${COMPREPLY[@]}" | sort | xargs)
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
expect "clusterctl jo" "join join-token"
expect "clusterctl config " "get ls mkdir mv put rm stat"
expect "clusterctl -o " "json text"
expect "clusterctl node " "remove"
[ "$fails" = 0 ] || exit 1
echo PASS

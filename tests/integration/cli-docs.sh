# clusterctl's commands, their --help, clusterctl(8) and the bash completion
# tell the same story. The commands are the code's own tables (cli/
# dispatch.c, the groups' subcommand tables); for each command and
# subcommand:
#  - "clusterctl CMD [SUB] --help" exits 0 and prints its own usage;
#  - "clusterctl --help" lists CMD and the group's --help lists SUB (and
#    nothing that does not exist);
#  - clusterctl(8) has it in SYNOPSIS and describes it under COMMANDS;
#  - the completion offers CMD, SUB and every long option its --help lists,
#    and clusterctl(8) names each of those options;
#  - exit statuses 0, 1 and 2 are in both the main --help and clusterctl(8).
# No clusterd is needed (and none is contacted: a usage error exits 2
# before).
set -u
ctl=$top_builddir/cli/clusterctl
man=$top_srcdir/docs/man/clusterctl.8
command -v groff >/dev/null || { echo "SKIP: no groff"; exit 77; }
. "$top_srcdir/tests/integration/completion.sh.inc"

fails=0
fail() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}

page=$(groff -man -Tascii -rLL=200n -P-cbou "$man" 2>/dev/null)
[ -n "$page" ] || { echo "FAIL: cannot render $man"; exit 1; }
# "clusterctl [options] W1 W2 ..." lines, " | " alternatives joined by "|".
synopsis=$(sed -n '/^SYNOPSIS/,/^DESCRIPTION/p' <<<"$page" | sed 's/ | /|/g' |
	sed -n 's/^ *clusterctl \[options\] //p')
# Item tags under COMMANDS: the lines indented by exactly 7 columns.
tags=$(sed -n '/^COMMANDS/,/^OPTIONS/p' <<<"$page" | grep -E '^ {7}[^ ]')

# The subcommands of group CMD in the code.
code_subcommands() {
	case $1 in
	config) grep -o '{"[a-z]*", CLI_OP_[A-Z]' "$top_srcdir/cli/config_cmd.c" ;;
	node-status) grep -o '{"[a-z]*", CLI_OP_STATUS' "$top_srcdir/cli/node_status_cmd.c" ;;
	guest) grep -o '{"[a-z]*", CLUSTERD__GUEST_OP__' "$top_srcdir/cli/guest_cmd.c" ;;
	ha) grep -o -e 'strcmp(c, "[a-z]*")' -e '{"[a-z]*", ha_help_' "$top_srcdir/cli/ha_cmd.c" ;;
	node) grep -o 'strcmp(a->pos\[0\], "[a-z]*")' "$top_srcdir/cli/leave_cmd.c" ;;
	esac | sed 's/[^"]*"\([a-z-]*\)".*/\1/' | sort -u
}

# The subcommands a --help text lists: the indented words of its
# "Commands:" section.
help_subcommands() {
	sed -n '/Commands:$/,/^$/s/^  \([a-z][a-z-]*\).*/\1/p' <<<"$1" | sort -u
}

# The long options of a --help text: its usage line and option lists.
help_options() {
	{
		sed -n '1,/^$/p' <<<"$1" | grep -o -- '\[--[a-z][a-z0-9-]*\| --[a-z][a-z0-9-]* [A-Z]'
		grep -E -- '^ +(-[a-zA-Z], )?--[a-z]' <<<"$1" | sed 's/^ *\(-[a-zA-Z], \)\{0,1\}//'
	} | grep -o -- '--[a-z][a-z0-9-]*' | sort -u
}

# check_command CMD [SUB]
check_command() {
	local what="$*" help options opt
	help=$("$ctl" "$@" --help 2>&1) || fail "'clusterctl $what --help' exits $?"
	case $(head -n 1 <<<"$help") in
	"Usage: clusterctl $what" | "Usage: clusterctl $what "*) ;;
	*) fail "'clusterctl $what --help' does not describe it: $(head -n 1 <<<"$help")" ;;
	esac
	if [ $# = 1 ]; then
		awk -v c="$1" '{ split($1, a, "|"); for (i in a) if (a[i] == c) f = 1 } END { exit !f }' \
			<<<"$synopsis" || fail "clusterctl(8) SYNOPSIS lacks $1"
		grep -q -E "^ {7}$1( |$)" <<<"$tags" || fail "clusterctl(8) COMMANDS lacks $1"
		cd_complete "clusterctl " | grep -q -x -- "$1" ||
			fail "the completion does not offer $1"
	else
		awk -v c="$1" -v s="$2" '$1 == c { split($2, a, "|"); for (i in a) if (a[i] == s) f = 1 }
			END { exit !f }' <<<"$synopsis" || fail "clusterctl(8) SYNOPSIS lacks $what"
		grep -q -E "(^ {7}|, )$1 ([a-z-]+\|)*$2(\||,| |$)" <<<"$tags" ||
			fail "clusterctl(8) COMMANDS lacks $what"
		cd_complete "clusterctl $1 " | grep -q -x -- "$2" ||
			fail "the completion does not offer $2 after $1"
	fi
	options=$(help_options "$help")
	for opt in $options; do
		cd_complete "clusterctl $what --" | grep -q -x -- "$opt" ||
			fail "the completion does not offer $opt for $what"
		grep -q -- "$opt" <<<"$page" || fail "clusterctl(8) does not name $opt ($what)"
	done
}

main_help=$("$ctl" --help)
commands=$(grep -o '{"[a-z-]*", [a-z_]*_main}' "$top_srcdir/cli/dispatch.c" |
	sed 's/{"\([a-z-]*\)".*/\1/')
[ "$(wc -w <<<"$commands")" -ge 16 ] || fail "dispatch.c: commands not found: $commands"
for cmd in $commands; do
	grep -q -E "^  $cmd( |$)" <<<"$main_help" || fail "'clusterctl --help' does not list $cmd"
	check_command "$cmd"
	group_help=$("$ctl" "$cmd" --help)
	grep -q -x 'Commands:\|.*Commands:' <<<"$group_help" || continue
	code=$(code_subcommands "$cmd")
	listed=$(help_subcommands "$group_help")
	[ -n "$code" ] || fail "$cmd: no subcommands found in the code"
	[ "$code" = "$listed" ] ||
		fail "'clusterctl $cmd --help' lists $(xargs <<<"$listed"), the code has $(xargs <<<"$code")"
	for sub in $code; do
		check_command "$cmd" "$sub"
	done
done

for code in 0 1 2; do
	sed -n '/^Exit status:/,/^$/p' <<<"$main_help" | grep -q "^  $code  " ||
		fail "'clusterctl --help' lacks exit status $code"
	sed -n '/^EXIT STATUS/,/^[A-Z]/p' <<<"$page" | grep -q -E "^ {7}$code( |$)" ||
		fail "clusterctl(8) lacks exit status $code"
done

# An option a guest command does not take is a usage error (exit 2).
for args in "guest start 100 --online" "guest stop 100 --node n1" \
	"guest list --type lxc" "guest migrate 100 --node n2 --file x"; do
	# shellcheck disable=SC2086
	"$ctl" $args >/dev/null 2>&1
	rc=$?
	[ "$rc" = 2 ] || fail "'clusterctl $args' exits $rc, not 2"
done

[ "$fails" = 0 ] || exit 1
echo PASS

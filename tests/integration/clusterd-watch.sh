# Watches on a real cluster: a watcher on n3 sees the changes made on n1
# under its prefix, in apply order, with increasing versions and gap-free
# sequence numbers, and nothing outside the prefix; a membership watcher
# sees a node leave and come back; a status watcher of one key sees that
# key set and deleted on any node, and no other key.
set -u
. "$top_srcdir/tests/harness/harness.sh" || exit 99

h_clusterd_cluster 3
out=$(h_nodedir 3)/log
h_spawn 3 tree-watch "$H_CLUSTERCTL" -o json watch app
h_spawn 3 members-watch "$H_CLUSTERCTL" watch --membership --no-tree
h_spawn 3 status-watch "$H_CLUSTERCTL" watch --status=health --no-tree
sleep 0.5 # the watches are registered before the first change below

h_ctl 1 config mkdir app || h_fail mkdir
h_ctl 1 config put app/a one || h_fail put
h_ctl 1 config mkdir other && h_ctl 1 config put other/x no || h_fail "put other"
h_ctl 2 config put app/a two || h_fail "put again"
h_ctl 1 config rm app/a || h_fail rm
seen_removal() { grep -q '"event":"removed","path":"app\/a"' "$out/tree-watch.log"; }
h_wait 10 seen_removal || h_fail "no removal event: $(cat "$out/tree-watch.log")"

log=$out/tree-watch.log
grep -q '"path":"other' "$log" && h_fail "an event outside the prefix: $(cat "$log")"
ops=$(jq -r 'select(.path == "app/a") | .event' "$log" | tr '\n' ' ')
[ "$ops" = "changed changed removed " ] || h_fail "app/a events: '$ops' ($(cat "$log"))"
versions=$(jq -r 'select(.path == "app/a") | .version' "$log")
[ "$versions" = "$(printf '%s\n' "$versions" | sort -n -u)" ] ||
	h_fail "versions not increasing: $versions"
seqs=$(jq -r .seq "$log")
[ "$seqs" = "$(seq 1 "$(printf '%s\n' "$seqs" | wc -l)")" ] || h_fail "sequence gap: $seqs"
[ "$(jq -r 'select(.path == "app/a" and .event == "changed") | .writer' "$log" | tr '\n' ' ')" = "1 2 " ] ||
	h_fail "writers wrong: $(cat "$log")"

h_ctl 2 node-status set other x || h_fail "status set other"
h_ctl 1 node-status set health ok || h_fail "status set"
h_ctl 1 node-status set health '' || h_fail "status delete"
h_wait 10 test "$(grep -c '^status node=1 key=health$' "$out/status-watch.log")" = 2 ||
	h_fail "status events: $(cat "$out/status-watch.log")"
grep -q 'key=other' "$out/status-watch.log" && h_fail "status event of another key"

h_poweroff 2
h_wait 20 grep -q 'quorate=yes synced=yes .* view=1,3$' "$out/members-watch.log" ||
	h_fail "no membership event without n2: $(cat "$out/members-watch.log")"
h_poweron 2
h_wait 30 grep -q 'quorate=yes synced=yes .* view=1,2,3$' "$out/members-watch.log" ||
	h_fail "no membership event with n2 back: $(cat "$out/members-watch.log")"
cat "$out/members-watch.log"
echo "PASS: watches"

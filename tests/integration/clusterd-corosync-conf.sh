# clusterd owns corosync.conf: a hand-made cluster's file is imported into
# the tree once; a newer config_version put into the tree is written to
# /etc/corosync/corosync.conf on every node and corosync reloads it (the
# runtime value changes); an older config_version is not written.
set -u
. "$top_srcdir/tests/harness/harness.sh" || exit 99

h_clusterd_cluster 3

local_conf() { cat "$(h_nodedir "$1")/etc-corosync/corosync.conf"; }
imported() { h_ctl "$1" config get corosync.conf >/dev/null 2>&1; }
h_wait 20 imported 1 || h_fail "corosync.conf was not imported into the tree"
[ "$(h_ctl 2 config get corosync.conf)" = "$(local_conf 1)" ] ||
	h_fail "the imported copy differs from the local file"
[ "$(h_ctl 3 -o json config stat corosync.conf | grep -c '"version"')" = 1 ] ||
	h_fail "no stat for corosync.conf"

# A newer version with another token timeout.
sed -e 's/^token: .*/token: 1500/' -e 's/^version: 2$/version: 2\nconfig_version: 2/' \
	"$(h_nodedir 1)/etc-corosync/corosync.conf" >"$H_DIR/new.conf"
grep -q 'config_version: 2' "$H_DIR/new.conf" || h_fail "test setup: no config_version"
h_run 1 "$H_CLUSTERCTL" config put corosync.conf <"$H_DIR/new.conf" || h_fail "put"
written() { cmp -s "$(h_nodedir "$1")/etc-corosync/corosync.conf" "$H_DIR/new.conf"; }
reloaded() { h_run "$1" corosync-cmapctl -g totem.token 2>/dev/null | grep -q '= 1500$'; }
for i in 1 2 3; do
	h_wait 20 written "$i" || h_fail "n$i did not write the new corosync.conf"
	h_wait 20 reloaded "$i" || h_fail "corosync on n$i did not reload: $(h_run "$i" corosync-cmapctl -g totem.token)"
done

# An older version in the tree is not written out.
sed 's/config_version: 2/config_version: 1/' "$H_DIR/new.conf" >"$H_DIR/old.conf"
h_run 2 "$H_CLUSTERCTL" config put corosync.conf <"$H_DIR/old.conf" || h_fail "put old"
sleep 1
for i in 1 2 3; do
	written "$i" || h_fail "n$i replaced corosync.conf with an older version"
done
h_wait 20 h_converged 1 2 3 || h_fail "trees differ"
echo "PASS: corosync.conf ownership"

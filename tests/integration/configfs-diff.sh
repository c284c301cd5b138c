# Differential test: a random sequence of a few thousand file-system
# operations applied both to /etc/cluster on n1 and to a plain temporary
# directory gives the same errno (or result) per operation and the same
# tree (tests/tools/configfs-diff.py); n3 then sees the identical tree.
set -u
. "$top_srcdir/tests/harness/harness.sh" || exit 99

H_CLUSTERD_CONF='max_file_size: 64K
'
h_clusterd_cluster 3
M=/etc/cluster
diff_tool="$top_srcdir/tests/tools/configfs-diff.py"

h_run 1 python3 "$diff_tool" "$M" --ops 2500 --seed 4 --subdir t1 || h_fail "differences on n1 (seed 4)"
h_run 2 python3 "$diff_tool" "$M" --ops 1000 --seed 11 --subdir t2 || h_fail "differences on n2 (seed 11)"
h_wait 10 h_converged 1 2 3 || h_fail "trees differ"
tree_sum() { h_run "$1" sh -c "cd $M && find t1 t2 -printf '%y %p %s\n' | sort && find t1 t2 -type f -exec md5sum {} + | sort" | md5sum; }
[ "$(tree_sum 1)" = "$(tree_sum 3)" ] || h_fail "n3 sees another tree than n1"
echo "PASS: configfs differential"

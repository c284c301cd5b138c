# Atomic replacement through configfs: while n1 replaces f again and again
# with `mv tmp f` (and rewrites g in place with `>`), readers on n2 and n3
# polling in a loop only ever see a complete old or new content, never a
# mix, a partial file or a missing file.
set -u
. "$top_srcdir/tests/harness/harness.sh" || exit 99

h_clusterd_cluster 3
M=/etc/cluster

# Contents are 20 KiB of one repeated letter: a mix shows as two letters.
content() { head -c 20480 /dev/zero | tr '\0' "$1"; }
h_run 1 sh -c "$(declare -f content); content a > $M/f; content a > $M/g" || h_fail "initial write"
h_wait 10 h_run 3 test -s $M/g || h_fail "g not on n3"

reader() { # node: poll f and g until $H_DIR/stop exists; print problems
	h_run "$1" python3 -c "
import os, sys
seen = set(); bad = 0; n = 0
while not os.path.exists('$H_DIR/stop'):
    for name in ('f', 'g'):
        try:
            data = open('$M/' + name, 'rb').read()
        except OSError as e:
            print('error', name, e); bad += 1; continue
        n += 1
        if len(data) != 20480 or len(set(data)) != 1:
            print('torn', name, len(data), sorted(set(data))[:4]); bad += 1
        else:
            seen.add(data[:1])
print('reads', n, 'contents', len(seen), 'bad', bad)
sys.exit(1 if bad or len(seen) < 2 else 0)"
}
reader 2 >"$H_DIR/r2" 2>&1 & r2=$!
reader 3 >"$H_DIR/r3" 2>&1 & r3=$!
sleep 1
for c in b c d e f g h i j k l m n o p q r s t u; do
	h_run 1 sh -c "$(declare -f content); content $c > $M/tmp && mv $M/tmp $M/f && content $c > $M/g" ||
		h_fail "replace with $c"
done
touch "$H_DIR/stop"
wait $r2 || h_fail "reader on n2: $(cat "$H_DIR/r2")"
wait $r3 || h_fail "reader on n3: $(cat "$H_DIR/r3")"
cat "$H_DIR/r2" "$H_DIR/r3"
[ "$(h_run 3 head -c 1 $M/f)" = u ] || h_fail "final content on n3"
h_run 2 test -e $M/tmp && h_fail "tmp left behind"
echo "PASS: configfs atomic replacement"

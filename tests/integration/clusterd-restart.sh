# Durability on a real 3-node cluster:
#  - kill -9 of clusterd on a node during writes, then restart: it catches
#    up and every acknowledged write is there;
#  - a node powered off while 10,000 writes happened catches up (the time
#    it took is printed);
#  - powering off and on every node keeps every acknowledged write.
set -u
. "$top_srcdir/tests/harness/harness.sh" || exit 99

h_clusterd_cluster 3

# Writers on n1 and n2 while n2's clusterd is killed and restarted.
h_load 1 -c 4 -D 4 -d during-kill-1 -a "$H_DIR/acked" >"$H_DIR/w1.out" &
h_load 2 -c 4 -D 4 -t 2000 -d during-kill-2 -a "$H_DIR/acked" >"$H_DIR/w2.out" &
sleep 1.5
h_kill_clusterd 2
sleep 0.5
h_service_clusterd 2
wait
cat "$H_DIR/w1.out" "$H_DIR/w2.out"
h_wait 30 h_converged 1 2 3 || h_fail "no convergence after kill -9: $(for i in 1 2 3; do h_tree_id $i; done)"
for i in 1 2 3; do
	h_load "$i" -C "$H_DIR/acked" >/dev/null || h_fail "n$i misses writes after kill -9"
done

# n3 misses 10,000 writes.
h_poweroff 3
h_wait 20 h_clusterd_ready 1 || h_fail "n1 not quorate without n3"
h_load 1 -c 16 -n 10000 -d while-n3-down -a "$H_DIR/acked" || h_fail "load"
[ "$(grep -c while-n3-down "$H_DIR/acked")" = 10000 ] || h_fail "not all 10,000 writes acknowledged"
t0=$(date +%s%N)
h_poweron 3
h_wait 60 h_converged 1 3 || h_fail "n3 did not catch up: $(h_tree_id 1) / $(h_tree_id 3)"
echo "n3 caught up on 10,000 writes $(( ($(date +%s%N) - t0) / 1000000 )) ms after power-on (incl. corosync join)"
h_load 3 -C "$H_DIR/acked" >/dev/null || h_fail "n3 misses acknowledged writes after catch-up"

# Every node off, then on again.
for i in 1 2 3; do h_poweroff "$i"; done
for i in 1 2 3; do h_poweron "$i"; done
h_wait 60 h_converged 1 2 3 || h_fail "no convergence after full restart"
for i in 1 2 3; do
	h_load "$i" -C "$H_DIR/acked" || h_fail "n$i lost acknowledged writes in a full restart"
done
echo "PASS: restart"

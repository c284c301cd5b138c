# HA failover after a network cut, on real QEMU: an HA VM runs on n3 and
# n3's link goes down. n3 loses quorum and stops petting its (test)
# watchdog, so the harness powers it off at its deadline; the VM starts on
# a survivor only after that (the harness's event time comes before the
# VM runs elsewhere), and a sampler that lists the QEMU processes of the
# guest on all three nodes every 0.1 s never sees two at once.
. "$top_srcdir/tests/integration/ha.sh.inc"
command -v qemu-system-x86_64 >/dev/null || { echo "SKIP: no QEMU"; exit 77; }

g create 101 --node n3 memory=64 || h_fail "create VM"
printf 'vm:101 state=started\n' | put ha/resources.cfg
h_wait 60 runs_on 101 n3 || h_fail "VM not started on n3 by HA: $(g status 101)"
h_wait 20 grep -q '^armed' "$(h_nodedir 3)/watchdog" || h_fail "n3 watchdog not armed"

( while :; do
	n=0
	for i in 1 2 3; do [ -z "$(qemu_pids "$i" 101)" ] || n=$((n + 1)); done
	echo "$(now_ms) $n" >>"$H_DIR/samples"
	sleep 0.1
done ) &
sampler=$!
h_partition 3
h_log "n3 cut off"
ok=
for s in $(seq 1 300); do
	runs_on 101 n1 || runs_on 101 n2 && { ok=1; break; }
	sleep 0.2
done
t_run=$(now_ms)
sleep 2
kill "$sampler"
[ -n "$ok" ] || h_fail "VM not recovered: $(g status 101)"
t_wd=$(awk '$2 == "watchdog" && $3 == "n3" { print $1; exit }' "$H_DIR/events")
[ -n "$t_wd" ] || h_fail "n3 was not powered off by its watchdog"
[ "$t_wd" -lt "$t_run" ] || h_fail "VM ran elsewhere before n3's watchdog fired"
ha_check_order n3 vm:101
[ "$(awk '$2 >= 1' "$H_DIR/samples" | grep -c .)" -gt 5 ] || h_fail "sampler saw too little"
! awk '$2 > 1' "$H_DIR/samples" | grep -q . ||
	h_fail "QEMU of vm:101 on two nodes at once: $(awk '$2 > 1' "$H_DIR/samples" | head -3)"
h_log "watchdog fired at +$((t_wd - $(head -1 "$H_DIR/samples" | cut -d' ' -f1))) ms"
echo "ha-partition: ok"

# HA failover after a power-off, on real QEMU and LXC: a VM (firmware only)
# and a busybox container, both HA-managed and running on n3. n3 is
# powered off; both must run again on a survivor, and only after n3's
# self-fence deadline (its test watchdog was armed; the CRM waits for the
# view change + watchdog_timeout + safety_margin) - the log shows the
# recovery after the CRM's fencing confirmation. n3 is powered on again
# and never runs them (no QEMU of the VM on n3) while they run elsewhere.
. "$top_srcdir/tests/integration/ha.sh.inc"
command -v qemu-system-x86_64 >/dev/null || { echo "SKIP: no QEMU"; exit 77; }
[ -x /bin/busybox ] || { echo "SKIP: no busybox"; exit 77; }

ha_ct_root ct201
g create 101 --node n3 memory=64 || h_fail "create VM"
g create 201 --type lxc --node n3 rootfs=ct201 memory=64 || h_fail "create CT"
printf 'vm:101 state=started\nct:201 state=started\nbogus line here\n' | put ha/resources.cfg
h_wait 60 runs_on 101 n3 || h_fail "VM not started on n3 by HA: $(g status 101)"
h_wait 60 runs_on 201 n3 || h_fail "CT not started on n3 by HA: $(g status 201)"
grep -q 'ha/resources.cfg:3: ' "$(h_nodedir 1)/log/haagent.log" ||
	h_fail "bad config line not reported with file and line"
h_wait 20 grep -q '^armed' "$(h_nodedir 3)/watchdog" || h_fail "n3 watchdog not armed"

t0=$(now_ms)
h_poweroff 3
h_log "n3 powered off"

ok=
for s in $(seq 1 300); do
	vn=$( (runs_on 101 n1 && echo n1) || (runs_on 101 n2 && echo n2))
	cn=$( (runs_on 201 n1 && echo n1) || (runs_on 201 n2 && echo n2))
	[ -n "$vn" ] && [ -n "$cn" ] && { ok=1; break; }
	sleep 0.2
done
[ -n "$ok" ] || h_fail "guests not recovered: $(g status 101) $(g status 201)"
t1=$(now_ms)
h_log "recovered: vm:101 on $vn, ct:201 on $cn after $((t1 - t0)) ms"
[ $((t1 - t0)) -ge 10000 ] || h_fail "recovered before the self-fence deadline ($((t1 - t0)) ms)"
ha_check_order n3 vm:101
ha_check_order n3 ct:201

h_poweron 3
h_wait 60 h_clusterd_ready 3 || h_fail "n3 back"
for s in $(seq 1 20); do
	[ -z "$(qemu_pids 3 101)" ] || h_fail "vm:101 runs on n3 again"
	sleep 0.5
done
runs_on 101 "$vn" && runs_on 201 "$cn" || h_fail "guests moved after n3 came back"
echo "ha-poweroff: ok"

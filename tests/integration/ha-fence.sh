# Fencing with a fence agent that fails (sim backend): fencing=agent, the
# harness's agent (tests/tools/fence_harness) is told to fail twice. n3,
# running an HA VM, is powered off: no recovery happens while the agent
# fails, each failure is logged and retried; the third attempt powers n3
# off through the harness and confirms; only then does the VM start on a
# survivor.
HA_BACKEND=sim
. "$top_srcdir/tests/integration/ha.sh.inc"

echo 2 >"$H_DIR/failures"
ha_fence_cfg "failures=$H_DIR/failures"
printf 'fencing: agent\nfence_retry: 2\n' | put ha/settings.cfg
g create 101 --node n3 memory=64 || h_fail "create VM"
printf 'vm:101 state=started\n' | put ha/resources.cfg
h_wait 60 runs_on 101 n3 || h_fail "VM not started on n3 by HA: $(g status 101)"

h_poweroff 3
h_log "n3 powered off"
ok=
for s in $(seq 1 300); do
	if runs_on 101 n1 || runs_on 101 n2; then ok=1; break; fi
	sleep 0.2
done
t_run=$(now_ms)
[ -n "$ok" ] || h_fail "VM not recovered: $(g status 101)"
[ "$(cat "$H_DIR/failures")" = 0 ] || h_fail "the agent did not fail twice"
t_f=$(awk '$2 == "fenced" && $3 == "n3" { print $1; exit }' "$H_DIR/events")
[ -n "$t_f" ] || h_fail "n3 not fenced by the agent"
[ "$t_f" -lt "$t_run" ] || h_fail "recovered before the agent succeeded"
cat "$(h_nodedir 1)/log/haagent.log" "$(h_nodedir 2)/log/haagent.log" >"$H_DIR/ha.log"
[ "$(grep -c 'fence n3: agent failed' "$H_DIR/ha.log")" -ge 2 ] ||
	h_fail "agent failures not logged: $(grep 'fence n3' "$H_DIR/ha.log")"
ha_check_order n3 vm:101
echo "ha-fence: ok"

# A full disk under one node's database (a 3 MiB tmpfs on n1's
# /var/lib/clusterd): clusterd on n1 keeps running and serving, a write on
# n1 fails with a message that says what happened (through the mount:
# EIO from close()), the log says it once
# rather than once per write, writes on the other nodes go on and reach
# n1's tree; once space is freed n1 stores everything again without any
# new change, and a restart of n1 from its own database loses nothing.
set -u
. "$top_srcdir/tests/harness/harness.sh" || exit 99

h_clusterd_cluster 3
h_ctl 1 config put before-full 1 || h_fail "put before the disk fills"

# Move n1's database onto a small filesystem of its own.
h_kill_clusterd 1
h_run 1 sh -c 'set -e; mkdir -p /run/cd-save; cp -a /var/lib/clusterd/. /run/cd-save/
	mount -t tmpfs -o size=3m tmpfs /var/lib/clusterd
	cp -a /run/cd-save/. /var/lib/clusterd/' || h_fail "cannot set up the small filesystem"
h_service_clusterd 1
h_wait 30 h_clusterd_ready 1 || h_fail "n1 not ready on the small filesystem"
h_run 1 sh -c 'dd if=/dev/zero of=/var/lib/clusterd/filler bs=4k 2>/dev/null'
h_run 1 df /var/lib/clusterd | grep -q ' 100% ' || h_fail "the disk did not fill"

blob=$(head -c 30000 /dev/urandom | base64 -w0)
err=$(h_ctl 1 config put on-n1 "$blob" 2>&1) && h_fail "a write on n1 succeeded with a full disk"
echo "n1's write: $err"
case $err in
*"could not store it on disk"*"No space left on device"*) ;;
*) h_fail "unclear error for a full disk: $err" ;;
esac

# Through the mount, the error comes from close(): EIO, as documented.
# (cp reports close(), a shell redirection does not; as large as the write
# above, since a small one may fit in the WAL's old pages)
printf %s "$blob" >"$H_DIR/blob"
err=$(h_run 1 cp "$H_DIR/blob" /etc/cluster/via-mount 2>&1) &&
	h_fail "a file saved on n1 with a full disk"
case $err in *"Input/output error"*) ;; *) h_fail "configfs said: $err" ;; esac
h_wait 10 h_ctl 2 config get via-mount || h_fail "the file is not applied in the cluster"

h_load 2 -c 2 -n 200 -d while-full -a "$H_DIR/acked" || h_fail "writes on n2 failed"
h_ctl 1 config get before-full >/dev/null || h_fail "n1 cannot read with a full disk"
h_wait 20 h_converged 1 2 3 || h_fail "n1 fell behind: $(for i in 1 2 3; do h_tree_id $i; done)"
h_load 1 -C "$H_DIR/acked" >/dev/null || h_fail "n1's tree misses n2's writes"
kill -0 "$(cat "$(h_nodedir 1)/run/clusterd/clusterd.pid")" || h_fail "clusterd on n1 died"
failures=$(grep -c "commit failed" "$(h_nodedir 1)/log/clusterd.log")
[ "$failures" = 1 ] || h_fail "the full disk was logged $failures times, not once"

# Freed space is used without a new change: the periodic retry stores it.
h_run 1 rm -f /var/lib/clusterd/filler
stored() { grep -q "the store is durable again" "$(h_nodedir 1)/log/clusterd.log"; }
h_wait 20 stored || h_fail "n1 did not store its tree once space was free"

# n1 restarted alone from its own database: nothing was lost.
h_kill_clusterd 1
h_kill_clusterd 2
h_kill_clusterd 3
h_service_clusterd 1
h_wait 20 h_ctl 1 config get before-full || h_fail "n1 does not start again"
h_load 1 -C "$H_DIR/acked" || h_fail "n1's own database lost acknowledged writes"
h_ctl 1 config get on-n1 >/dev/null ||
	h_fail "n1's own database lost the write it had applied"
echo "PASS: disk full"

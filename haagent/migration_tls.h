/*
 * Per-cluster credentials for QEMU migration over TLS.
 *
 * One bundle in the tree, priv/migration-tls.pem (root only), holds a CA
 * and a server and a client certificate with their keys, all signed by
 * that CA. The first haagent that needs it generates it with openssl(1)
 * and writes it with a compare-and-swap "must not exist", so concurrent
 * first uses on several nodes end with one bundle everyone uses. Each
 * node writes the files QEMU reads (ca-cert.pem, server-cert.pem,
 * server-key.pem, client-cert.pem, client-key.pem) into
 * RUN_DIR/migration-tls, mode 0600.
 */
#pragma once

#include "cdcall.h"

#define MIGRATION_TLS_PATH "priv/migration-tls.pem"

/* Make sure the bundle exists and is written out; 0 and DIR (size 512),
 * or -errno with MSG. */
int migration_tls_prepare(struct ipc_client *ops, const char *run_dir,
			  char *dir, char *msg);

/*
 * The QEMU command line of a guest configuration.
 *
 * Pure: no file is touched, so the unit tests pin the exact arguments.
 * Source and target of a live migration build the same line (the target
 * adds "-S -incoming"), since QEMU needs identical devices on both ends;
 * MAC addresses not given in the configuration derive from the guest ID
 * for the same reason.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backend.h"

struct qemu_argv {
	char **v; /* NULL-terminated */
	size_t n, cap;
};

struct qemu_cmdline_opts {
	const char *binary;	 /* qemu-system-x86_64 */
	const char *qmp_path;	 /* unix socket */
	const char *pid_path;	 /* -pidfile */
	const char *storage_dir; /* relative disk files */
	bool kvm;		 /* else TCG */
	uint16_t incoming_port;	 /* 0: a normal start */
	const char *tls_dir;	 /* incoming over TLS: "-incoming defer" and
				    the server credentials (QEMU_TLS_ID) */
};

#define QEMU_TLS_ID	   "clusterd-mig"
#define QEMU_TLS_CLIENT_ID "clusterd-mig-client"
#define QEMU_TLS_HOSTNAME  "clusterd-migration"

int qemu_build_argv(const struct guest_conf *c,
		    const struct qemu_cmdline_opts *o, struct qemu_argv *out,
		    struct backend_error *err);
void qemu_argv_free(struct qemu_argv *a);

/* MAC of interface INDEX without a configured one: 52:(54 + INDEX):ID as
 * four bytes, so no two (guest, interface) pairs share one. */
void qemu_default_mac(uint32_t id, unsigned index, char buf[18]);

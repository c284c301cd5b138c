/*
 * QEMU command line builder (see qemu_cmdline.h).
 *
 * The line is "-nodefaults -no-user-config" plus exactly the devices of
 * the configuration, so nothing QEMU adds by default differs between two
 * builds. Disks are virtio block devices, networks virtio-net.
 */
#include "qemu_cmdline.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int push(struct qemu_argv *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int push(struct qemu_argv *a, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int r;

	if (a->n + 2 > a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 32;
		char **v = realloc(a->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		a->v = v;
		a->cap = cap;
	}
	va_start(ap, fmt);
	r = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (r < 0)
		return -ENOMEM;
	a->v[a->n++] = s;
	a->v[a->n] = NULL;
	return 0;
}

void qemu_argv_free(struct qemu_argv *a)
{
	for (size_t i = 0; i < a->n; i++)
		free(a->v[i]);
	free(a->v);
	*a = (struct qemu_argv){};
}

void qemu_default_mac(uint32_t id, unsigned index, char buf[18])
{
	snprintf(buf, 18, "52:%02x:%02x:%02x:%02x:%02x", 0x54 + (index & 7),
		 (id >> 24) & 0xff, (id >> 16) & 0xff, (id >> 8) & 0xff,
		 id & 0xff);
}

static int push_disks(const struct guest_conf *c,
		      const struct qemu_cmdline_opts *o, struct qemu_argv *a,
		      struct backend_error *err)
{
	int r = 0;

	for (unsigned i = 0; i < GUEST_MAX_DISKS && r == 0; i++) {
		const struct guest_disk *d = &c->disks[i];
		char path[GUEST_MAX_PATH * 2];

		if (!d->set)
			continue;
		if (guest_disk_path(path, sizeof(path), o->storage_dir, d) < 0)
			return backend_fail(err, ENAMETOOLONG,
					    "disk%u: path too long", i);
		r = push(a, "-drive");
		if (r == 0)
			r = push(
			    a, "file=%s,format=%s,if=virtio,id=disk%u", path,
			    d->format == GUEST_DISK_QCOW2 ? "qcow2" : "raw", i);
	}
	return r;
}

static int push_nets(const struct guest_conf *c, struct qemu_argv *a)
{
	int r = 0;

	for (unsigned i = 0; i < GUEST_MAX_NETS && r == 0; i++) {
		const struct guest_net *n = &c->nets[i];
		char mac[18];

		if (!n->set || n->type == GUEST_NET_NONE)
			continue;
		if (n->mac[0])
			snprintf(mac, sizeof(mac), "%s", n->mac);
		else
			qemu_default_mac(c->id, i, mac);
		r = push(a, "-netdev");
		if (r == 0 && n->type == GUEST_NET_USER)
			r = push(a, "user,id=net%u", i);
		else if (r == 0)
			r = push(a, "bridge,id=net%u,br=%s", i, n->bridge);
		if (r == 0)
			r = push(a, "-device");
		if (r == 0)
			r = push(a, "virtio-net-pci,netdev=net%u,mac=%s", i,
				 mac);
	}
	return r;
}

static int push_base(const struct guest_conf *c,
		     const struct qemu_cmdline_opts *o, struct qemu_argv *a)
{
	int r = 0;

	r |= push(a, "%s", o->binary);
	r |= push(a, "-name");
	r |= push(a, "guest-%u,process=qemu-%u", c->id, c->id);
	r |= push(a, "-nodefaults");
	r |= push(a, "-no-user-config");
	r |= push(a, "-machine");
	r |= push(a, "pc,accel=%s", o->kvm ? "kvm" : "tcg");
	r |= push(a, "-m");
	r |= push(a, "%lluM", (unsigned long long)(c->memory >> 20));
	r |= push(a, "-smp");
	r |= push(a, "%u", c->cores);
	r |= push(a, "-daemonize");
	r |= push(a, "-pidfile");
	r |= push(a, "%s", o->pid_path);
	r |= push(a, "-qmp");
	r |= push(a, "unix:%s,server=on,wait=off", o->qmp_path);
	return r ? -ENOMEM : 0;
}

static int push_display(const struct guest_conf *c,
			const struct qemu_cmdline_opts *o, struct qemu_argv *a)
{
	int r = 0;

	if (c->boot[0]) {
		r |= push(a, "-boot");
		r |= push(a, "order=%s", c->boot);
	}
	if (c->vnc >= 0) {
		r |= push(a, "-vga");
		r |= push(a, "std");
		r |= push(a, "-vnc");
		r |= push(a, ":%d", c->vnc);
	} else {
		r |= push(a, "-display");
		r |= push(a, "none");
	}
	if (o->incoming_port && o->tls_dir) {
		r |= push(a, "-object");
		r |= push(a,
			  "tls-creds-x509,id=%s,dir=%s,endpoint=server,"
			  "verify-peer=on",
			  QEMU_TLS_ID, o->tls_dir);
		r |= push(a, "-S");
		r |= push(a, "-incoming");
		r |= push(a, "defer");
	} else if (o->incoming_port) {
		r |= push(a, "-S");
		r |= push(a, "-incoming");
		r |= push(a, "tcp:0.0.0.0:%u", o->incoming_port);
	}
	return r ? -ENOMEM : 0;
}

int qemu_build_argv(const struct guest_conf *c,
		    const struct qemu_cmdline_opts *o, struct qemu_argv *out,
		    struct backend_error *err)
{
	struct qemu_argv a = {};
	int r = push_base(c, o, &a);

	if (r == 0)
		r = push_disks(c, o, &a, err);
	if (r == 0)
		r = push_nets(c, &a);
	if (r == 0)
		r = push_display(c, o, &a);
	if (r < 0) {
		qemu_argv_free(&a);
		return err && err->msg[0]
			   ? r
			   : backend_fail(err, r, "out of memory");
	}
	*out = a;
	return 0;
}

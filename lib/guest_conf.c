/*
 * Parser and validator of guest configurations (see guest_conf.h).
 *
 * kvconf splits the lines; one table maps each key to its value parser and
 * the guest types that accept it. Structured values (disks, network
 * interfaces) are comma-separated "k=v" options parsed by parse_opts(),
 * which hands each option to a per-value callback. Every refusal goes
 * through kvconf_fail() so it carries the line number.
 */
#include "guest_conf.h"
#include "macro.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

static const char *const type_names[_GUEST_TYPE_MAX] = {
    [GUEST_QEMU] = "qemu",
    [GUEST_LXC] = "lxc",
};

const char *guest_type_to_string(enum guest_type t)
{
	return (unsigned)t < _GUEST_TYPE_MAX ? type_names[t] : NULL;
}

int guest_type_from_string(const char *s, enum guest_type *out)
{
	for (unsigned i = 0; i < _GUEST_TYPE_MAX; i++)
		if (strcmp(s, type_names[i]) == 0)
			return *out = i, 0;
	return -EINVAL;
}

int guest_id_parse(const char *s, uint32_t *out)
{
	uint64_t v;

	if (strlen(s) > 9 || *s == '0' || parse_uint64(s, &v) < 0 ||
	    v < GUEST_ID_MIN || v > GUEST_ID_MAX)
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

struct parse_state {
	struct guest_conf *conf;
	uint32_t seen; /* bit per key of the table */
	uint16_t disks_seen, nets_seen;
};

typedef int (*value_fn)(struct parse_state *s, const char *key,
			const char *value, unsigned line,
			struct kvconf_error *err);

/* ------------------------------------------------ "k=v,k=v" values --- */

typedef int (*opt_fn)(void *target, const char *k, const char *v, unsigned line,
		      struct kvconf_error *err);

static int parse_opts(const char *value, opt_fn fn, void *target, unsigned line,
		      struct kvconf_error *err)
{
	char buf[GUEST_MAX_PATH + 64], *save = NULL, *tok;

	if (strlen(value) >= sizeof(buf))
		return kvconf_fail(err, line, "value too long");
	snprintf(buf, sizeof(buf), "%s", value);
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '=');
		int r;

		if (eq)
			*eq = '\0';
		r = fn(target, tok, eq ? eq + 1 : NULL, line, err);
		if (r < 0)
			return r;
	}
	return 0;
}

static bool safe_path(const char *p)
{
	if (!*p || strstr(p, "..") || strpbrk(p, ",:\n"))
		return false;
	for (; *p; p++)
		if (!isprint((unsigned char)*p))
			return false;
	return true;
}

static int disk_opt(void *target, const char *k, const char *v, unsigned line,
		    struct kvconf_error *err)
{
	struct guest_disk *d = target;

	if (!v) {
		if (d->file[0])
			return kvconf_fail(err, line,
					   "unknown disk option '%s'", k);
		if (!safe_path(k) || strlen(k) >= sizeof(d->file))
			return kvconf_fail(err, line, "invalid disk file '%s'",
					   k);
		snprintf(d->file, sizeof(d->file), "%s", k);
	} else if (strcmp(k, "format") == 0) {
		if (strcmp(v, "raw") == 0)
			d->format = GUEST_DISK_RAW;
		else if (strcmp(v, "qcow2") == 0)
			d->format = GUEST_DISK_QCOW2;
		else
			return kvconf_fail(err, line,
					   "disk format must be raw or qcow2");
	} else if (strcmp(k, "size") == 0) {
		if (parse_size(v, &d->size) < 0 || d->size == 0)
			return kvconf_fail(err, line, "invalid disk size '%s'",
					   v);
	} else
		return kvconf_fail(err, line, "unknown disk option '%s'", k);
	return 0;
}

static bool valid_mac(const char *m)
{
	unsigned b[6];
	char tail;

	return strlen(m) == 17 &&
	       sscanf(m, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2],
		      &b[3], &b[4], &b[5], &tail) == 6 &&
	       !(b[0] & 1);
}

static bool valid_ifname(const char *n)
{
	if (!*n || strlen(n) >= 16)
		return false;
	for (; *n; n++)
		if (!isalnum((unsigned char)*n) && !strchr("_.-", *n))
			return false;
	return true;
}

static int net_opt(void *target, const char *k, const char *v, unsigned line,
		   struct kvconf_error *err)
{
	struct guest_net *n = target;

	if (!v)
		return kvconf_fail(err, line, "expected option=value, got '%s'",
				   k);
	if (strcmp(k, "type") == 0) {
		if (strcmp(v, "user") == 0)
			n->type = GUEST_NET_USER;
		else if (strcmp(v, "bridge") == 0)
			n->type = GUEST_NET_BRIDGE;
		else if (strcmp(v, "none") == 0 || strcmp(v, "empty") == 0)
			n->type = GUEST_NET_NONE;
		else
			return kvconf_fail(
			    err, line,
			    "network type must be user, bridge or none");
	} else if (strcmp(k, "bridge") == 0) {
		if (!valid_ifname(v))
			return kvconf_fail(err, line, "invalid bridge '%s'", v);
		snprintf(n->bridge, sizeof(n->bridge), "%s", v);
	} else if (strcmp(k, "mac") == 0) {
		if (!valid_mac(v))
			return kvconf_fail(
			    err, line, "invalid unicast MAC address '%s'", v);
		snprintf(n->mac, sizeof(n->mac), "%s", v);
	} else
		return kvconf_fail(err, line, "unknown network option '%s'", k);
	return 0;
}

/* ------------------------------------------------------ key values --- */

/* KEY ends in one digit below MAX ("disk3"): its index, else -1. */
static int indexed(const char *key, const char *prefix, unsigned max)
{
	size_t n = strlen(prefix);

	if (strncmp(key, prefix, n) != 0 || !isdigit((unsigned char)key[n]) ||
	    key[n + 1] || (unsigned)(key[n] - '0') >= max)
		return -1;
	return key[n] - '0';
}

static int v_name(struct parse_state *s, const char *key, const char *value,
		  unsigned line, struct kvconf_error *err)
{
	if (!*value || strlen(value) >= sizeof(s->conf->name))
		return kvconf_fail(err, line, "name must be 1 to %zu bytes",
				   sizeof(s->conf->name) - 1);
	for (const char *p = value; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("_.-", *p))
			return kvconf_fail(
			    err, line,
			    "name may hold letters, digits, '_', '.', '-'");
	snprintf(s->conf->name, sizeof(s->conf->name), "%s", value);
	return 0;
}

static int v_memory(struct parse_state *s, const char *key, const char *value,
		    unsigned line, struct kvconf_error *err)
{
	uint64_t v;

	if (parse_size(value, &v) < 0)
		return kvconf_fail(err, line, "invalid memory size '%s'",
				   value);
	/* A bare number means MiB, as in Proxmox. */
	if (value[strspn(value, "0123456789")] == '\0')
		v <<= 20;
	if (v < GUEST_MIN_MEMORY || v > (16ull << 40))
		return kvconf_fail(
		    err, line, "memory must be 16M to 16T, got '%s'", value);
	s->conf->memory = v;
	return 0;
}

static int v_cores(struct parse_state *s, const char *key, const char *value,
		   unsigned line, struct kvconf_error *err)
{
	uint64_t v;

	if (parse_uint64(value, &v) < 0 || v < 1 || v > GUEST_MAX_CORES)
		return kvconf_fail(err, line, "cores must be 1 to %d",
				   GUEST_MAX_CORES);
	s->conf->cores = (unsigned)v;
	return 0;
}

static int v_boot(struct parse_state *s, const char *key, const char *value,
		  unsigned line, struct kvconf_error *err)
{
	if (!*value || strlen(value) > 4 || value[strspn(value, "acdn")])
		return kvconf_fail(err, line,
				   "boot order is up to 4 of a, c, d, n");
	snprintf(s->conf->boot, sizeof(s->conf->boot), "%s", value);
	return 0;
}

static int v_vnc(struct parse_state *s, const char *key, const char *value,
		 unsigned line, struct kvconf_error *err)
{
	uint64_t v;

	if (strcmp(value, "none") == 0)
		return s->conf->vnc = -1, 0;
	if (parse_uint64(value, &v) < 0 || v > 99)
		return kvconf_fail(err, line,
				   "vnc is a display number 0-99 or none");
	s->conf->vnc = (int)v;
	return 0;
}

static int v_rootfs(struct parse_state *s, const char *key, const char *value,
		    unsigned line, struct kvconf_error *err)
{
	if (!safe_path(value) || strlen(value) >= sizeof(s->conf->rootfs))
		return kvconf_fail(err, line, "invalid rootfs path '%s'",
				   value);
	snprintf(s->conf->rootfs, sizeof(s->conf->rootfs), "%s", value);
	return 0;
}

static int v_disk(struct parse_state *s, const char *key, const char *value,
		  unsigned line, struct kvconf_error *err)
{
	struct guest_disk *d = &s->conf->disks[indexed(key, "disk", 99)];
	int r = parse_opts(value, disk_opt, d, line, err);

	if (r < 0)
		return r;
	if (!d->file[0])
		return kvconf_fail(err, line, "%s names no file", key);
	d->set = true;
	return 0;
}

static int v_net(struct parse_state *s, const char *key, const char *value,
		 unsigned line, struct kvconf_error *err)
{
	struct guest_net *n = &s->conf->nets[indexed(key, "net", 99)];
	int r;

	n->type = GUEST_NET_USER;
	if (s->conf->type == GUEST_LXC)
		n->type = GUEST_NET_NONE;
	r = parse_opts(value, net_opt, n, line, err);
	if (r < 0)
		return r;
	if (n->type == GUEST_NET_BRIDGE && !n->bridge[0])
		return kvconf_fail(err, line,
				   "%s: type=bridge needs bridge=", key);
	if (s->conf->type == GUEST_LXC && n->type == GUEST_NET_USER)
		return kvconf_fail(err, line,
				   "%s: LXC networks are bridge or none", key);
	n->set = true;
	return 0;
}

/* ------------------------------------------------------------ table --- */

#define T_QEMU (1u << GUEST_QEMU)
#define T_LXC  (1u << GUEST_LXC)

static const struct key_def {
	const char *key; /* a prefix when INDEXED */
	bool indexed;
	unsigned types;
	value_fn fn;
} keys[] = {
    {"name", false, T_QEMU | T_LXC, v_name},
    {"memory", false, T_QEMU | T_LXC, v_memory},
    {"cores", false, T_QEMU | T_LXC, v_cores},
    {"boot", false, T_QEMU, v_boot},
    {"vnc", false, T_QEMU, v_vnc},
    {"rootfs", false, T_LXC, v_rootfs},
    {"disk", true, T_QEMU, v_disk},
    {"net", true, T_QEMU | T_LXC, v_net},
};

static const struct key_def *find_key(const char *key, int *index)
{
	for (size_t i = 0; i < ELEMENTSOF(keys); i++) {
		if (!keys[i].indexed && strcmp(key, keys[i].key) == 0)
			return *index = -1, &keys[i];
		if (keys[i].indexed) {
			unsigned max = strcmp(keys[i].key, "disk") == 0
					   ? GUEST_MAX_DISKS
					   : GUEST_MAX_NETS;

			*index = indexed(key, keys[i].key, max);
			if (*index >= 0)
				return &keys[i];
		}
	}
	return NULL;
}

static int on_entry(const char *key, const char *value, unsigned line,
		    struct kvconf_error *err, void *userdata)
{
	struct parse_state *s = userdata;
	const struct key_def *def;
	int index;
	uint32_t bit;

	def = find_key(key, &index);
	if (!def || !(def->types & (1u << s->conf->type)))
		return kvconf_fail(err, line, "unknown key '%s' for %s guests",
				   key, guest_type_to_string(s->conf->type));
	if (index >= 0) {
		uint16_t *seen = strcmp(def->key, "disk") == 0 ? &s->disks_seen
							       : &s->nets_seen;

		bit = 1u << index;
		if (*seen & bit)
			return kvconf_fail(err, line, "'%s' given twice", key);
		*seen |= bit;
	} else {
		bit = 1u << (def - keys);
		if (s->seen & bit)
			return kvconf_fail(err, line, "'%s' given twice", key);
		s->seen |= bit;
	}
	return def->fn(s, key, value, line, err);
}

int guest_conf_parse(enum guest_type type, uint32_t id, const char *text,
		     struct guest_conf *out, struct kvconf_error *err)
{
	struct parse_state s = {.conf = out};
	int r;

	if (!guest_type_to_string(type) || id < GUEST_ID_MIN ||
	    id > GUEST_ID_MAX)
		return kvconf_fail(err, 0, "invalid guest type or ID");
	*out = (struct guest_conf){
	    .type = type,
	    .id = id,
	    .memory = GUEST_DEFAULT_MEM,
	    .cores = 1,
	    .vnc = -1,
	};
	r = kvconf_parse(text, on_entry, &s, err);
	if (r < 0)
		return r;
	if (type == GUEST_LXC && !out->rootfs[0])
		return kvconf_fail(err, 0, "an LXC guest needs 'rootfs'");
	if (!out->name[0])
		snprintf(out->name, sizeof(out->name), "%s%u",
			 type == GUEST_QEMU ? "vm" : "ct", id);
	return 0;
}

/* ------------------------------------------------------------ paths --- */

static bool valid_node_name(const char *n)
{
	if (!*n || strlen(n) > 63 || *n == '.')
		return false;
	for (; *n; n++)
		if (!isalnum((unsigned char)*n) && !strchr("_.-", *n))
			return false;
	return true;
}

int guest_conf_path(char *buf, size_t size, const char *node,
		    enum guest_type type, uint32_t id)
{
	int n;

	if (!valid_node_name(node) || !guest_type_to_string(type))
		return -EINVAL;
	n = snprintf(buf, size, "nodes/%s/%s/%u.conf", node,
		     guest_type_to_string(type), id);
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

int guest_conf_path_parse(const char *path, char *node_buf, size_t node_size,
			  enum guest_type *type, uint32_t *id)
{
	char node[64], tname[8], idbuf[16];
	const char *p = path, *slash;
	size_t len;

	if (strncmp(p, "nodes/", 6) != 0)
		return -EINVAL;
	p += 6;
	slash = strchr(p, '/');
	if (!slash || (size_t)(slash - p) >= sizeof(node))
		return -EINVAL;
	memcpy(node, p, slash - p);
	node[slash - p] = '\0';
	p = slash + 1;
	slash = strchr(p, '/');
	if (!slash || (size_t)(slash - p) >= sizeof(tname))
		return -EINVAL;
	memcpy(tname, p, slash - p);
	tname[slash - p] = '\0';
	p = slash + 1;
	len = strlen(p);
	if (len < 6 || len - 5 >= sizeof(idbuf) ||
	    strcmp(p + len - 5, ".conf") != 0)
		return -EINVAL;
	memcpy(idbuf, p, len - 5);
	idbuf[len - 5] = '\0';
	if (!valid_node_name(node) || guest_type_from_string(tname, type) < 0 ||
	    guest_id_parse(idbuf, id) < 0 || strlen(node) >= node_size)
		return -EINVAL;
	snprintf(node_buf, node_size, "%s", node);
	return 0;
}

int guest_disk_path(char *buf, size_t size, const char *storage,
		    const struct guest_disk *d)
{
	int n;

	if (d->file[0] == '/')
		n = snprintf(buf, size, "%s", d->file);
	else
		n = snprintf(buf, size, "%s/%s", storage ? storage : ".",
			     d->file);
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

/*
 * corosync.conf generation and editing (see corosync_conf_gen.h).
 *
 * One pass over the lines records where the interesting parts are (byte
 * offsets: the totem section's opening line, its config_version line, the
 * line that closes the nodelist, every node block) and their values; an
 * edit then copies the original text around those places. Nothing else of
 * the file is rewritten.
 */
#include "corosync_conf_gen.h"
#include "macro.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define MAX_DEPTH 8

struct scan {
	struct ccgen_info info;
	size_t totem_body;	 /* offset just after "totem {" line */
	size_t cv_start, cv_end; /* totem.config_version line; 0,0 if none */
	size_t nodelist_close;	 /* start of the line closing nodelist */
	bool has_nodelist;
	size_t *node_start, *node_end; /* per node block */
	bool bumped;		       /* an edit wrote config_version */
};

static void scan_done(struct scan *s)
{
	ccgen_info_done(&s->info);
	free(s->node_start);
	free(s->node_end);
}

/* Copy the trimmed [B,E) into BUF of SIZE. */
static void trimmed(const char *b, const char *e, char *buf, size_t size)
{
	size_t n;

	while (b < e && isspace((unsigned char)*b))
		b++;
	while (e > b && isspace((unsigned char)e[-1]))
		e--;
	n = (size_t)(e - b) < size - 1 ? (size_t)(e - b) : size - 1;
	memcpy(buf, b, n);
	buf[n] = '\0';
}

static int add_node(struct scan *s, size_t start)
{
	size_t n = s->info.n_nodes + 1;
	struct ccgen_node *v = realloc(s->info.nodes, n * sizeof(*v));
	size_t *a, *b;

	if (v)
		s->info.nodes = v;
	a = realloc(s->node_start, n * sizeof(*a));
	if (a)
		s->node_start = a;
	b = realloc(s->node_end, n * sizeof(*b));
	if (b)
		s->node_end = b;
	if (!v || !a || !b)
		return -ENOMEM;
	memset(&v[n - 1], 0, sizeof(*v));
	a[n - 1] = start;
	s->info.n_nodes = n;
	return 0;
}

static void copy_str(char *dst, size_t size, const char *src)
{
	size_t n = strnlen(src, size - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

static void node_key(struct ccgen_node *n, const char *key, const char *val)
{
	if (strcmp(key, "name") == 0)
		copy_str(n->name, sizeof(n->name), val);
	else if (strcmp(key, "nodeid") == 0)
		n->nodeid = (uint32_t)strtoul(val, NULL, 10);
	else if (strcmp(key, "ring0_addr") == 0)
		copy_str(n->addr[0], sizeof(n->addr[0]), val);
	else if (strcmp(key, "ring1_addr") == 0)
		copy_str(n->addr[1], sizeof(n->addr[1]), val);
}

/* One "key: value" line at section path STACK[0..DEPTH). */
static void scan_key(struct scan *s, char stack[][32], int depth,
		     const char *line, size_t start, size_t end)
{
	const char *colon = strchr(line, ':');
	char key[64], val[256];

	if (!colon)
		return;
	trimmed(line, colon, key, sizeof(key));
	trimmed(colon + 1, colon + strlen(colon), val, sizeof(val));
	if (depth == 1 && strcmp(stack[0], "totem") == 0) {
		if (strcmp(key, "cluster_name") == 0)
			copy_str(s->info.cluster_name,
				 sizeof(s->info.cluster_name), val);
		else if (strcmp(key, "config_version") == 0) {
			s->info.config_version = strtoull(val, NULL, 10);
			s->cv_start = start;
			s->cv_end = end;
		}
	} else if (depth == 2 && strcmp(stack[0], "nodelist") == 0 &&
		   strcmp(stack[1], "node") == 0 && s->info.n_nodes)
		node_key(&s->info.nodes[s->info.n_nodes - 1], key, val);
}

/* A "}" line at DEPTH (before popping). */
static void scan_close(struct scan *s, char stack[][32], int depth,
		       size_t start, size_t end)
{
	if (depth == 2 && strcmp(stack[0], "nodelist") == 0 &&
	    strcmp(stack[1], "node") == 0 && s->info.n_nodes)
		s->node_end[s->info.n_nodes - 1] = end;
	if (depth == 1 && strcmp(stack[0], "nodelist") == 0) {
		s->nodelist_close = start;
		s->has_nodelist = true;
	}
}

static int scan_open(struct scan *s, char stack[][32], int depth,
		     const char *line, size_t start, size_t end)
{
	if (depth >= MAX_DEPTH)
		return -EINVAL;
	trimmed(line, strchr(line, '{'), stack[depth], 32);
	if (depth == 0 && strcmp(stack[0], "totem") == 0)
		s->totem_body = end;
	if (depth == 1 && strcmp(stack[0], "nodelist") == 0 &&
	    strcmp(stack[1], "node") == 0)
		return add_node(s, start);
	return 0;
}

static int scan_text(const char *text, struct scan *s)
{
	char stack[MAX_DEPTH][32];
	int depth = 0, r = 0;
	size_t pos = 0, len = strlen(text);

	memset(s, 0, sizeof(*s));
	while (pos < len && r == 0) {
		const char *nl = strchr(text + pos, '\n');
		size_t end = nl ? (size_t)(nl - text) + 1 : len;
		char line[512];

		trimmed(text + pos, text + end, line, sizeof(line));
		if (line[0] == '#' || line[0] == '\0')
			;
		else if (strchr(line, '{'))
			r = scan_open(s, stack, depth++, line, pos, end);
		else if (strcmp(line, "}") == 0) {
			if (depth == 0)
				r = -EINVAL;
			else
				scan_close(s, stack, depth--, pos, end);
		} else
			scan_key(s, stack, depth, line, pos, end);
		pos = end;
	}
	if (r == 0 && depth != 0)
		r = -EINVAL;
	for (size_t i = 0; r == 0 && i < s->info.n_nodes; i++)
		if (!s->info.nodes[i].name[0] || !s->info.nodes[i].nodeid)
			r = -EINVAL;
	if (r < 0)
		scan_done(s);
	return r;
}

int ccgen_parse(const char *text, struct ccgen_info *out)
{
	struct scan s;
	int r = scan_text(text, &s);

	if (r < 0)
		return r;
	*out = s.info;
	s.info.nodes = NULL;
	scan_done(&s);
	return 0;
}

void ccgen_info_done(struct ccgen_info *info)
{
	free(info->nodes);
	info->nodes = NULL;
	info->n_nodes = 0;
}

bool ccgen_valid_name(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= CCGEN_NAME_MAX || s[0] == '-')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '_')
			return false;
	return true;
}

uint32_t ccgen_next_nodeid(const struct ccgen_info *info)
{
	uint32_t max = 0;

	for (size_t i = 0; i < info->n_nodes; i++)
		if (info->nodes[i].nodeid > max)
			max = info->nodes[i].nodeid;
	return max + 1;
}

const struct ccgen_node *ccgen_find(const struct ccgen_info *info,
				    const char *name)
{
	for (size_t i = 0; i < info->n_nodes; i++)
		if (strcmp(info->nodes[i].name, name) == 0)
			return &info->nodes[i];
	return NULL;
}

/* ------------------------------------------------------------ output */

struct buf {
	FILE *f;
	char *data;
	size_t len;
};

static int buf_open(struct buf *b)
{
	b->data = NULL;
	b->f = open_memstream(&b->data, &b->len);
	return b->f ? 0 : -ENOMEM;
}

static int buf_close(struct buf *b, char **out)
{
	bool failed = ferror(b->f);

	if (fclose(b->f) != 0 || failed) {
		free(b->data);
		return -ENOMEM;
	}
	*out = b->data;
	return 0;
}

static void print_node(FILE *f, const struct ccgen_node *n)
{
	fprintf(f, "  node {\n    name: %s\n    nodeid: %u\n", n->name,
		n->nodeid);
	for (int l = 0; l < CCGEN_MAX_LINKS; l++)
		if (n->addr[l][0])
			fprintf(f, "    ring%d_addr: %s\n", l, n->addr[l]);
	fprintf(f, "  }\n");
}

int ccgen_create(const char *name, const struct ccgen_node *first,
		 const struct ccgen_options *opts, char **out)
{
	const char *cipher = opts->crypto ? "aes256" : "none";
	const char *hash = opts->crypto ? "sha256" : "none";
	struct buf b;

	if (!ccgen_valid_name(name) || !ccgen_valid_name(first->name) ||
	    !first->addr[0][0])
		return -EINVAL;
	if (buf_open(&b) < 0)
		return -ENOMEM;
	fprintf(b.f,
		"# Written by clusterctl create; clusterd keeps every node's\n"
		"# copy equal to the cluster's (raise config_version when\n"
		"# editing it in /etc/cluster/corosync.conf).\n"
		"totem {\n  version: 2\n  cluster_name: %s\n"
		"  config_version: 1\n  transport: knet\n"
		"  crypto_cipher: %s\n  crypto_hash: %s\n  token: %u\n",
		name, cipher, hash, opts->token_ms ? opts->token_ms : 1000);
	if (first->addr[1][0])
		fprintf(b.f, "  interface {\n    linknumber: 1\n  }\n");
	fprintf(b.f, "}\nlogging {\n  to_stderr: yes\n  to_syslog: yes\n"
		     "  timestamp: hires\n}\nquorum {\n"
		     "  provider: corosync_votequorum\n}\nnodelist {\n");
	print_node(b.f, first);
	fprintf(b.f, "}\n");
	return buf_close(&b, out);
}

/* Copy TEXT[FROM,TO) to F. */
static void copy(FILE *f, const char *text, size_t from, size_t to)
{
	if (to > from)
		fwrite(text + from, 1, to - from, f);
}

/* Copy TEXT up to END to F with config_version raised by one. *POS is
 * where the copy stands; it advances to END. */
static void copy_bumping(FILE *f, const char *text, struct scan *s, size_t *pos,
			 size_t end)
{
	size_t at = s->cv_end ? s->cv_start : s->totem_body;

	if (!s->bumped && *pos <= at && at <= end) {
		s->bumped = true;
		copy(f, text, *pos, at);
		fprintf(f, "  config_version: %llu\n",
			(unsigned long long)s->info.config_version + 1);
		*pos = s->cv_end ? s->cv_end : at;
	}
	copy(f, text, *pos, end);
	*pos = end;
}

static bool node_conflicts(const struct ccgen_node *a,
			   const struct ccgen_node *b)
{
	if (strcmp(a->name, b->name) == 0 || a->nodeid == b->nodeid)
		return true;
	for (int i = 0; i < CCGEN_MAX_LINKS; i++)
		for (int j = 0; j < CCGEN_MAX_LINKS; j++)
			if (a->addr[i][0] &&
			    strcmp(a->addr[i], b->addr[j]) == 0)
				return true;
	return false;
}

int ccgen_add_node(const char *text, const struct ccgen_node *n, char **out)
{
	struct scan s;
	struct buf b;
	size_t pos = 0;
	int r;

	if (!ccgen_valid_name(n->name) || !n->nodeid || !n->addr[0][0])
		return -EINVAL;
	r = scan_text(text, &s);
	if (r < 0)
		return r;
	if (!s.has_nodelist || !s.totem_body)
		r = -EINVAL;
	for (size_t i = 0; r == 0 && i < s.info.n_nodes; i++)
		if (node_conflicts(n, &s.info.nodes[i]))
			r = -EEXIST;
	if (r == 0)
		r = buf_open(&b);
	if (r < 0) {
		scan_done(&s);
		return r;
	}
	copy_bumping(b.f, text, &s, &pos, s.nodelist_close);
	print_node(b.f, n);
	copy_bumping(b.f, text, &s, &pos, strlen(text));
	scan_done(&s);
	return buf_close(&b, out);
}

int ccgen_remove_node(const char *text, const char *name, char **out)
{
	struct scan s;
	struct buf b;
	size_t pos = 0, i;
	int r = scan_text(text, &s);

	if (r < 0)
		return r;
	for (i = 0; i < s.info.n_nodes; i++)
		if (strcmp(s.info.nodes[i].name, name) == 0)
			break;
	r = i == s.info.n_nodes ? -ENOENT : s.totem_body ? 0 : -EINVAL;
	if (r == 0)
		r = buf_open(&b);
	if (r < 0) {
		scan_done(&s);
		return r;
	}
	copy_bumping(b.f, text, &s, &pos, s.node_start[i]);
	pos = s.node_end[i];
	copy_bumping(b.f, text, &s, &pos, strlen(text));
	scan_done(&s);
	return buf_close(&b, out);
}

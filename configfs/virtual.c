/*
 * Virtual read-only files, JSON generated on every read (and stat, for
 * the size):
 *   .members     cluster name, config_version of corosync.conf, quorum,
 *                the configured nodes with id, name, online, address
 *   .version     tree version and the versions of the standard files
 *   .guests      every guest: nodes/<node>/{qemu,lxc}/<id>.conf
 *   .clusterlog  recent cluster events seen by this node (clusterlog.h)
 * and the symlink local -> nodes/<this node's name>.
 */
#include "internal.h"
#include "clusterlog.h"
#include "corosync_conf.h"
#include "guest_ids.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char *const standard_files[] = {
    "corosync.conf",	"datacenter.cfg",    "storage.cfg",
    "user.cfg",		"domains.cfg",	     "ha/groups.cfg",
    "ha/resources.cfg", "ha/manager_status", "priv/shadow.cfg",
};

static const char *local_name(struct configfs *fs, char *buf, size_t size)
{
	size_t n;
	const struct transport_node *nodes =
	    transport_nodes(fs->cd->transport, &n);
	uint32_t self = transport_local_nodeid(fs->cd->transport);
	char *dot;

	for (size_t i = 0; i < n; i++) {
		if (nodes[i].nodeid == self && nodes[i].name[0]) {
			snprintf(buf, size, "%s", nodes[i].name);
			return buf;
		}
	}
	if (gethostname(buf, size) < 0)
		snprintf(buf, size, "localhost");
	buf[size - 1] = '\0';
	if ((dot = strchr(buf, '.')))
		*dot = '\0';
	return buf;
}

void cfs_local_target(struct configfs *fs, char *buf, size_t size)
{
	char name[256];

	snprintf(buf, size, "nodes/%s", local_name(fs, name, sizeof(name)));
}

static bool in_view(const struct replica_member *view, size_t n, uint32_t id)
{
	for (size_t i = 0; i < n; i++)
		if (view[i].nodeid == id)
			return true;
	return false;
}

static json_object *members_json(struct configfs *fs)
{
	json_object *o = json_object_new_object(),
		    *list = json_object_new_array();
	const struct tree_entry *cc =
	    tree_lookup(fs->cd->tree, COROSYNC_CONF_TREE_PATH);
	size_t n, nv;
	const struct transport_node *nodes =
	    transport_nodes(fs->cd->transport, &n);
	const struct replica_member *view =
	    replica_members(fs->cd->replica, &nv);
	const char *name = transport_cluster_name(fs->cd->transport);

	json_object_object_add(o, "cluster_name",
			       json_object_new_string(name ? name : ""));
	json_object_object_add(
	    o, "config_version",
	    json_object_new_int64(cc && cc->type == TREE_FILE
				      ? (int64_t)corosync_conf_version(
					    (const char *)cc->data, cc->size)
				      : 0));
	json_object_object_add(
	    o, "local_nodeid",
	    json_object_new_int64(transport_local_nodeid(fs->cd->transport)));
	json_object_object_add(o, "quorate",
			       json_object_new_boolean(cfs_quorate(fs)));
	for (size_t i = 0; i < n; i++) {
		json_object *m = json_object_new_object();

		json_object_object_add(m, "id",
				       json_object_new_int64(nodes[i].nodeid));
		json_object_object_add(m, "name",
				       json_object_new_string(nodes[i].name));
		json_object_object_add(m, "online",
				       json_object_new_boolean(
					   in_view(view, nv, nodes[i].nodeid)));
		json_object_object_add(
		    m, "address", json_object_new_string(nodes[i].address));
		json_object_array_add(list, m);
	}
	json_object_object_add(o, "nodes", list);
	return o;
}

static json_object *version_json(struct configfs *fs)
{
	json_object *o = json_object_new_object(),
		    *files = json_object_new_object();

	json_object_object_add(
	    o, "version", json_object_new_int64(tree_version(fs->cd->tree)));
	for (size_t i = 0; i < sizeof(standard_files) / sizeof(*standard_files);
	     i++) {
		const struct tree_entry *e =
		    tree_lookup(fs->cd->tree, standard_files[i]);
		if (e)
			json_object_object_add(
			    files, standard_files[i],
			    json_object_new_int64(e->version));
	}
	json_object_object_add(o, "files", files);
	return o;
}

struct guest_acc {
	struct configfs *fs;
	json_object *guests;
};

static int add_guest(const struct tree_entry *e, void *userdata)
{
	struct guest_acc *acc = userdata;
	char node[256], id_s[32];
	const char *type;
	uint64_t id;
	json_object *g;

	if (e->type != TREE_FILE ||
	    !guest_path_parse(e->path, &id, &type, node, sizeof(node)))
		return 0;
	g = json_object_new_object();
	json_object_object_add(g, "node", json_object_new_string(node));
	json_object_object_add(g, "type", json_object_new_string(type));
	json_object_object_add(g, "version", json_object_new_int64(e->version));
	snprintf(id_s, sizeof(id_s), "%llu", (unsigned long long)id);
	json_object_object_add(acc->guests, id_s, g);
	return 0;
}

static int add_node_guests(const struct tree_entry *node, void *userdata)
{
	struct guest_acc *acc = userdata;
	char dir[4096];

	if (node->type != TREE_DIR)
		return 0;
	snprintf(dir, sizeof(dir), "%s/qemu", node->path);
	tree_list(acc->fs->cd->tree, dir, add_guest, acc);
	snprintf(dir, sizeof(dir), "%s/lxc", node->path);
	tree_list(acc->fs->cd->tree, dir, add_guest, acc);
	return 0;
}

static json_object *guests_json(struct configfs *fs)
{
	json_object *o = json_object_new_object();
	struct guest_acc acc = {fs, json_object_new_object()};

	json_object_object_add(
	    o, "version", json_object_new_int64(tree_version(fs->cd->tree)));
	tree_list(fs->cd->tree, "nodes", add_node_guests, &acc);
	json_object_object_add(o, "guests", acc.guests);
	return o;
}

static int add_event(const struct clusterlog_event *ev, void *userdata)
{
	json_object *e = json_object_new_object();

	json_object_object_add(e, "seq", json_object_new_int64(ev->seq));
	json_object_object_add(e, "time_ms",
			       json_object_new_int64(ev->time_ms));
	json_object_object_add(e, "msg", json_object_new_string(ev->msg));
	json_object_array_add(userdata, e);
	return 0;
}

static json_object *clusterlog_json(void)
{
	json_object *o = json_object_new_object(),
		    *list = json_object_new_array();

	clusterlog_foreach(add_event, list);
	json_object_object_add(o, "events", list);
	return o;
}

int cfs_virtual_render(struct configfs *fs, enum cfs_virtual kind, char **data,
		       size_t *size)
{
	json_object *o;
	const char *s;
	size_t len;

	switch (kind) {
	case CFS_MEMBERS: o = members_json(fs); break;
	case CFS_VERSION: o = version_json(fs); break;
	case CFS_GUESTS: o = guests_json(fs); break;
	case CFS_CLUSTERLOG: o = clusterlog_json(); break;
	default: return -EINVAL;
	}
	s = json_object_to_json_string_length(o, JSON_C_TO_STRING_PRETTY, &len);
	*data = malloc(len + 2);
	if (*data) {
		memcpy(*data, s, len);
		(*data)[len] = '\n';
		*size = len + 1;
	}
	json_object_put(o);
	return *data ? 0 : -ENOMEM;
}

/*
 * The vocabulary of the HA decision core: service and node states, the
 * parsed configuration (resources, rules, settings, fence agents) and the
 * CRM's status (manager_status), shared by the CRM, the LRM, placement, the
 * simulator and, next, the real haagent.
 *
 * Everything here is plain data with fixed bounds, so the core needs no
 * allocation per decision and a status can be copied by assignment. Times
 * are milliseconds of a monotonic clock given by the caller; the core never
 * reads a clock itself.
 */
#pragma once

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HA_NAME_MAX  64 /* node names, service ids, rule names */
#define HA_MAX_NODES 32
#define HA_MAX_SVCS  128
#define HA_MAX_RULES 64
#define HA_RULE_MAX  16 /* resources or nodes in one rule */

/* What the user asks for (resources.cfg "state="). */
enum ha_request {
	HA_REQ_STARTED,
	HA_REQ_STOPPED,
	HA_REQ_DISABLED,
	HA_REQ_IGNORED,
};

/* The CRM's state of a service (manager_status). */
enum ha_svc_state {
	HA_SVC_STARTED,
	HA_SVC_STOPPED,
	HA_SVC_REQUEST_STOP,
	HA_SVC_FENCE,
	HA_SVC_RECOVERY,
	HA_SVC_MIGRATE,
	HA_SVC_RELOCATE,
	HA_SVC_FREEZE,
	HA_SVC_ERROR,
	HA_SVC_IGNORED,
};

/* The CRM's state of a node. */
enum ha_node_state {
	HA_NODE_ONLINE,
	HA_NODE_MAINTENANCE, /* shown for an online node with maint set */
	HA_NODE_SHUTDOWN,    /* its LRM announced a clean shutdown */
	HA_NODE_FENCE,	     /* lost while it may run guests: being fenced */
	HA_NODE_OFFLINE,     /* gone, and known to run nothing */
};

enum ha_shutdown_policy {
	HA_SHUTDOWN_CONDITIONAL,
	HA_SHUTDOWN_FREEZE,
	HA_SHUTDOWN_FAILOVER,
	HA_SHUTDOWN_MIGRATE,
};

enum ha_fencing {
	HA_FENCING_WATCHDOG, /* the self-fence deadline confirms */
	HA_FENCING_AGENT,    /* only a fence agent's success confirms */
	HA_FENCING_BOTH,     /* whichever confirms first */
};

/* The kind of guest, from the service id's prefix. */
enum ha_guest_kind {
	HA_GUEST_VM, /* "vm:": migrates live */
	HA_GUEST_CT, /* "ct:": relocates (stop, move, start) */
	HA_GUEST_FA, /* "fa:": simulator only, fails as told */
};

struct ha_resource {
	char sid[HA_NAME_MAX];
	char node[HA_NAME_MAX]; /* where its configuration lives now */
	enum ha_request request;
	unsigned max_restart;
	unsigned max_relocate;
	bool failback;
	/* Simulator fault injection (fa: guests); ignored by the real LRM. */
	unsigned fail_start, fail_migrate, fail_stop;
};

enum ha_rule_kind {
	HA_RULE_NODE_AFFINITY,
	HA_RULE_RESOURCE_AFFINITY,
};

struct ha_rule {
	enum ha_rule_kind kind;
	char name[HA_NAME_MAX];
	char resources[HA_RULE_MAX][HA_NAME_MAX];
	size_t n_resources;
	char nodes[HA_RULE_MAX][HA_NAME_MAX]; /* node affinity */
	int prio[HA_RULE_MAX];
	size_t n_nodes;
	bool strict;   /* node affinity: only the listed nodes */
	bool together; /* resource affinity: positive */
};

struct ha_fence_agent {
	char node[HA_NAME_MAX];
	char agent[HA_NAME_MAX];
	char args[512]; /* the other key=value words, for the agent's stdin */
	unsigned sim_fail; /* simulator: the first N attempts fail */
};

struct ha_settings {
	enum ha_shutdown_policy shutdown_policy;
	enum ha_fencing fencing;
	uint64_t watchdog_timeout_ms;
	uint64_t safety_margin_ms;
	uint64_t fence_retry_ms;
	uint64_t stop_timeout_ms;
	/* Test-only: recover lost nodes without waiting for fencing. Only the
	 * simulator sets it, to prove its invariant-6 checker. */
	bool test_skip_fencing;
};

struct ha_config {
	struct ha_resource res[HA_MAX_SVCS];
	size_t n_res;
	struct ha_rule rules[HA_MAX_RULES];
	size_t n_rules;
	struct ha_fence_agent fence[HA_MAX_NODES];
	size_t n_fence;
	struct ha_settings settings;
};

/* manager_status: what the CRM decided; survives a CRM failover. */
struct ha_svc_status {
	char sid[HA_NAME_MAX];
	enum ha_svc_state state;
	char node[HA_NAME_MAX];
	char target[HA_NAME_MAX];     /* migrate, relocate */
	char maint_node[HA_NAME_MAX]; /* moved away by maintenance from */
	uint64_t req;		      /* request id the LRM must execute */
	unsigned restarts, relocates;
	uint64_t stop_timeout_ms; /* request_stop */
};

struct ha_node_status {
	char name[HA_NAME_MAX];
	enum ha_node_state state;
	bool maint;	  /* in maintenance: drained, takes no services */
	bool maint_auto;  /* maintenance entered by shutdown_policy=migrate */
	uint64_t left_ms; /* when it left the quorate view (this CRM's clock) */
	unsigned fence_tries;
	uint64_t fence_next_ms;
	bool fence_pending; /* an agent request is outstanding */
};

struct ha_status {
	struct ha_svc_status svc[HA_MAX_SVCS];
	size_t n_svc;
	struct ha_node_status node[HA_MAX_NODES];
	size_t n_node;
	uint64_t next_req;
};

/* An LRM's status, published in its node's status store: what it is doing
 * and the result of the latest request per service. */
enum ha_lrm_mode {
	HA_LRM_ACTIVE,
	HA_LRM_SHUTDOWN, /* shutting down: follows the shutdown policy */
	HA_LRM_DONE,	 /* shut down cleanly: nothing runs, watchdog off */
};

struct ha_lrm_result {
	char sid[HA_NAME_MAX];
	uint64_t req;
	int rc; /* 0 success, -errno failure */
};

struct ha_lrm_report {
	char node[HA_NAME_MAX];
	enum ha_lrm_mode mode;
	bool reboot; /* with HA_LRM_SHUTDOWN: the node comes back */
	struct ha_lrm_result res[HA_MAX_SVCS];
	size_t n_res;
};

/* The result of request REQ of SID in REP, or NULL. */
const struct ha_lrm_result *ha_lrm_report_find(const struct ha_lrm_report *rep,
					       const char *sid, uint64_t req);

/* Default timings (docs/ha.md, "Fencing timeline"). */
#define HA_DEFAULT_WATCHDOG_MS 8000
#define HA_DEFAULT_MARGIN_MS   2000
#define HA_DEFAULT_RETRY_MS    5000
#define HA_DEFAULT_STOP_MS     60000

const char *ha_request_str(enum ha_request r);
const char *ha_svc_state_str(enum ha_svc_state s);
const char *ha_node_state_str(enum ha_node_state s);
const char *ha_shutdown_policy_str(enum ha_shutdown_policy p);
const char *ha_fencing_str(enum ha_fencing f);
int ha_request_from_str(const char *s);
int ha_svc_state_from_str(const char *s);
int ha_node_state_from_str(const char *s);
int ha_shutdown_policy_from_str(const char *s);
int ha_fencing_from_str(const char *s);
/* -EINVAL unless SID is "vm:N", "ct:N" or "fa:N" (N a decimal id). */
int ha_guest_kind(const char *sid);
/* True while the guest may be running and needs its node fenced if lost. */
bool ha_svc_state_active(enum ha_svc_state s);

void ha_settings_default(struct ha_settings *s);
struct ha_resource *ha_config_resource(struct ha_config *c, const char *sid);
struct ha_svc_status *ha_status_svc(struct ha_status *st, const char *sid);
struct ha_node_status *ha_status_node(struct ha_status *st, const char *name);
/* Fill REASON (LEN bytes) and return -EINVAL: the parsers' error path. */
int ha_fail(char *reason, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Hand "PREFIX SELF: message" to LOG (if not NULL) with USERDATA. */
void ha_vlog(void (*log)(void *, const char *), void *userdata,
	     const char *prefix, const char *self, const char *fmt, va_list ap);

/* Copy a bounded name; false when it does not fit or is empty. */
bool ha_name_copy(char dst[HA_NAME_MAX], const char *src);

/*
 * Names of the HA states and settings (ha_types.h), their parsers, and the
 * small lookups every part of the decision core shares.
 *
 * The string tables are the external names: they appear in the config
 * files, in manager_status, in the simulator's output and in docs/ha.md.
 */
#include "ha_types.h"
#include "macro.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

static const char *const request_names[] = {"started", "stopped", "disabled",
					    "ignored"};
static const char *const svc_names[] = {
    "started", "stopped",  "request_stop", "fence", "recovery",
    "migrate", "relocate", "freeze",	   "error", "ignored"};
static const char *const node_names[] = {"online", "maintenance", "shutdown",
					 "fence", "offline"};
static const char *const policy_names[] = {"conditional", "freeze", "failover",
					   "migrate"};
static const char *const fencing_names[] = {"watchdog", "agent", "both"};

static int lookup(const char *const *names, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(names[i], s) == 0)
			return (int)i;
	return -EINVAL;
}

#define NAME_OF(t, v) ((size_t)(v) < ELEMENTSOF(t) ? (t)[v] : "?")

const char *ha_request_str(enum ha_request r)
{
	return NAME_OF(request_names, r);
}
const char *ha_svc_state_str(enum ha_svc_state s)
{
	return NAME_OF(svc_names, s);
}
const char *ha_node_state_str(enum ha_node_state s)
{
	return NAME_OF(node_names, s);
}
const char *ha_shutdown_policy_str(enum ha_shutdown_policy p)
{
	return NAME_OF(policy_names, p);
}
const char *ha_fencing_str(enum ha_fencing f)
{
	return NAME_OF(fencing_names, f);
}
int ha_request_from_str(const char *s)
{
	return lookup(request_names, ELEMENTSOF(request_names), s);
}
int ha_svc_state_from_str(const char *s)
{
	return lookup(svc_names, ELEMENTSOF(svc_names), s);
}
int ha_node_state_from_str(const char *s)
{
	return lookup(node_names, ELEMENTSOF(node_names), s);
}
int ha_shutdown_policy_from_str(const char *s)
{
	return lookup(policy_names, ELEMENTSOF(policy_names), s);
}
int ha_fencing_from_str(const char *s)
{
	return lookup(fencing_names, ELEMENTSOF(fencing_names), s);
}

int ha_guest_kind(const char *sid)
{
	static const char *const prefix[] = {"vm:", "ct:", "fa:"};
	const char *p;

	for (size_t i = 0; i < ELEMENTSOF(prefix); i++) {
		if (strncmp(sid, prefix[i], 3) != 0)
			continue;
		p = sid + 3;
		if (!*p || strlen(p) > 9)
			return -EINVAL;
		for (; *p; p++)
			if (!isdigit((unsigned char)*p))
				return -EINVAL;
		return (int)i;
	}
	return -EINVAL;
}

bool ha_svc_state_active(enum ha_svc_state s)
{
	return s == HA_SVC_STARTED || s == HA_SVC_REQUEST_STOP ||
	       s == HA_SVC_MIGRATE || s == HA_SVC_RELOCATE ||
	       s == HA_SVC_ERROR || s == HA_SVC_FENCE;
}

void ha_settings_default(struct ha_settings *s)
{
	*s = (struct ha_settings){
	    .shutdown_policy = HA_SHUTDOWN_CONDITIONAL,
	    .fencing = HA_FENCING_WATCHDOG,
	    .watchdog_timeout_ms = HA_DEFAULT_WATCHDOG_MS,
	    .safety_margin_ms = HA_DEFAULT_MARGIN_MS,
	    .fence_retry_ms = HA_DEFAULT_RETRY_MS,
	    .stop_timeout_ms = HA_DEFAULT_STOP_MS,
	};
}

struct ha_resource *ha_config_resource(struct ha_config *c, const char *sid)
{
	for (size_t i = 0; i < c->n_res; i++)
		if (strcmp(c->res[i].sid, sid) == 0)
			return &c->res[i];
	return NULL;
}

struct ha_svc_status *ha_status_svc(struct ha_status *st, const char *sid)
{
	for (size_t i = 0; i < st->n_svc; i++)
		if (strcmp(st->svc[i].sid, sid) == 0)
			return &st->svc[i];
	return NULL;
}

struct ha_node_status *ha_status_node(struct ha_status *st, const char *name)
{
	for (size_t i = 0; i < st->n_node; i++)
		if (strcmp(st->node[i].name, name) == 0)
			return &st->node[i];
	return NULL;
}

bool ha_name_copy(char dst[HA_NAME_MAX], const char *src)
{
	size_t n = strlen(src);

	if (n == 0 || n >= HA_NAME_MAX)
		return false;
	memcpy(dst, src, n + 1);
	return true;
}

const struct ha_lrm_result *ha_lrm_report_find(const struct ha_lrm_report *rep,
					       const char *sid, uint64_t req)
{
	for (size_t i = 0; rep && i < rep->n_res; i++)
		if (rep->res[i].req == req && strcmp(rep->res[i].sid, sid) == 0)
			return &rep->res[i];
	return NULL;
}

int ha_fail(char *reason, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, len, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

void ha_vlog(void (*log)(void *, const char *), void *userdata,
	     const char *prefix, const char *self, const char *fmt, va_list ap)
{
	char line[1024];
	int n = snprintf(line, sizeof(line), "%s %s: ", prefix, self);

	if (!log || n < 0 || (size_t)n >= sizeof(line))
		return;
	vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	log(userdata, line);
}

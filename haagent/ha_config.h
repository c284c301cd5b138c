/*
 * Parsers of the HA configuration files in the tree (docs/ha.md):
 *
 *   ha/resources.cfg  SID key=value...            one guest per line
 *   ha/rules.cfg      node-affinity|resource-affinity NAME key=value...
 *   ha/fence.cfg      NODE agent=NAME key=value...
 *   ha/settings.cfg   key: value                  (lib/kvconf.c syntax)
 *
 * '#' starts a comment line, blank lines are ignored. A bad line is
 * reported through the caller's function with the file name, the line
 * number and a reason, and skipped: the other lines still take effect. The
 * same line parsers read the simulator's scenario lines ("service ...",
 * "rule ...", "setting ...", "fence ...").
 */
#pragma once

#include "ha_types.h"

typedef void (*ha_cfg_report_fn)(void *userdata, const char *file,
				 unsigned line, const char *reason);

struct ha_cfg_src {
	const char *file; /* for messages: "ha/rules.cfg" */
	ha_cfg_report_fn report;
	void *userdata;
};

/* Reset C: no resources, rules or fence agents, default settings. */
void ha_config_init(struct ha_config *c);

/* Parse a whole file's TEXT into C (adding to what is there). Returns the
 * number of bad lines, each reported. */
unsigned ha_config_parse_resources(struct ha_config *c, const char *text,
				   const struct ha_cfg_src *src);
unsigned ha_config_parse_rules(struct ha_config *c, const char *text,
			       const struct ha_cfg_src *src);
unsigned ha_config_parse_fence(struct ha_config *c, const char *text,
			       const struct ha_cfg_src *src);
unsigned ha_config_parse_settings(struct ha_config *c, const char *text,
				  const struct ha_cfg_src *src);

/* One line of each kind (no comment, already trimmed is not required).
 * 0, or -EINVAL with REASON (REASON_LEN bytes) filled in. A resource line
 * whose SID exists replaces it. */
int ha_config_resource_line(struct ha_config *c, const char *line, char *reason,
			    size_t reason_len);
int ha_config_rule_line(struct ha_config *c, const char *line, char *reason,
			size_t reason_len);
int ha_config_fence_line(struct ha_config *c, const char *line, char *reason,
			 size_t reason_len);
/* One setting: KEY and VALUE ("shutdown_policy", "migrate"). */
int ha_config_setting(struct ha_settings *s, const char *key, const char *value,
		      char *reason, size_t reason_len);

/* Split LINE (copied into BUF of BUF_LEN) at blanks into at most MAX words.
 * Returns the count, or -E2BIG when there are more words or the line does
 * not fit. */
int ha_split_words(const char *line, char *buf, size_t buf_len, char **words,
		   size_t max);

/*
 * Reboot or power-off (see ha_shutdown.h): the job list of systemd.
 *
 * A line of "systemctl list-jobs --no-legend" is "JOB UNIT TYPE STATE"
 * (newer systemd may put a bullet in front); a reboot is a start job of
 * one of the reboot targets.
 */
#include "ha_shutdown.h"
#include "log.h"
#include "macro.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JOBS_CMD "systemctl list-jobs --no-legend --no-pager 2>/dev/null"

static bool reboot_line(const char *line)
{
	static const char *const targets[] = {"reboot.target", "kexec.target",
					      "soft-reboot.target"};
	char id[32], unit[256], type[32];

	if (sscanf(line, " %31s %255s %31s", id, unit, type) != 3)
		return false;
	if (strspn(id, "0123456789") != strlen(id)) {
		/* "● 12 reboot.target start running": skip the bullet */
		if (sscanf(line, " %*s %31s %255s %31s", id, unit, type) != 3)
			return false;
	}
	if (strcmp(type, "start") != 0)
		return false;
	for (size_t i = 0; i < ELEMENTSOF(targets); i++)
		if (strcmp(unit, targets[i]) == 0)
			return true;
	return false;
}

bool ha_shutdown_jobs_reboot(const char *text)
{
	while (text && *text) {
		const char *nl = strchr(text, '\n');
		size_t len = nl ? (size_t)(nl - text) : strlen(text);
		char line[512];

		snprintf(line, sizeof(line), "%.*s", (int)len, text);
		if (reboot_line(line))
			return true;
		text = nl ? nl + 1 : NULL;
	}
	return false;
}

bool ha_shutdown_is_reboot(void)
{
	FILE *f = popen(JOBS_CMD, "r");
	char line[512];
	bool reboot = false;

	if (!f) {
		log_warning("Cannot run systemctl: taking it for a power-off");
		return false;
	}
	while (fgets(line, sizeof(line), f))
		reboot = reboot || ha_shutdown_jobs_reboot(line);
	pclose(f);
	return reboot;
}

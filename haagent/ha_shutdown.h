/*
 * Reboot or power-off? How haagent tells, when it is stopped, whether its
 * node comes back (shutdown_policy conditional: reboot → freeze,
 * power-off → failover).
 *
 * systemd queues a start job for reboot.target (kexec.target,
 * soft-reboot.target) when the node reboots, and the job is still listed
 * while the services stop: "systemctl list-jobs" shows it. Without
 * systemd, or when the list cannot be read, it is a power-off: failover
 * is the safe choice (the guests run elsewhere rather than wait).
 */
#pragma once

#include <stdbool.h>

/* TEXT: the output of "systemctl list-jobs --no-legend". */
bool ha_shutdown_jobs_reboot(const char *text);
/* Asks systemctl; false when it cannot be asked. */
bool ha_shutdown_is_reboot(void);

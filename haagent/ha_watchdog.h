/*
 * Watchdog devices for the LRM's self-fencing (docs/ha.md), chosen by
 * haagent.conf "watchdog:":
 *
 *   linux  /dev/watchdog (or watchdog_device): opened when armed, timeout
 *          set with WDIOC_SETTIMEOUT (whole seconds, rounded up), petted
 *          with WDIOC_KEEPALIVE, disarmed with the magic close ('V').
 *          Never used by tests: a missed deadline resets the machine.
 *   test   the harness's device: the deadline is written to a file
 *          (watchdog_file) as "armed EPOCH_MS" or "disarmed"; a watcher
 *          outside the node (tests/harness/harness.sh h_ha_monitor) powers
 *          the test node off when an armed deadline passes.
 *   none   no device: ha_watchdog_ok() is false, and the LRM refuses to
 *          start HA guests unless fencing is agent only.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

enum ha_watchdog_kind {
	HA_WD_LINUX,
	HA_WD_TEST,
	HA_WD_NONE,
};

struct ha_watchdog;

/* PATH: the device (linux) or the deadline file (test). */
int ha_watchdog_new(enum ha_watchdog_kind kind, const char *path,
		    struct ha_watchdog **out);
void ha_watchdog_free(struct ha_watchdog *w);
int ha_watchdog_kind_from_str(const char *s);

/* Arm with TIMEOUT_MS, pet, disarm. -errno (logged) on failure. */
int ha_watchdog_arm(struct ha_watchdog *w, uint64_t timeout_ms);
int ha_watchdog_pet(struct ha_watchdog *w);
int ha_watchdog_disarm(struct ha_watchdog *w);
/* The device works (it exists and the last operation succeeded). */
bool ha_watchdog_ok(const struct ha_watchdog *w);

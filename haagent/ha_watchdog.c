/*
 * Watchdog plugins (see ha_watchdog.h). Each plugin is three operations on
 * a small state; a failed operation marks the device broken, which keeps
 * the LRM from starting HA guests it could not self-fence.
 */
#include "ha_watchdog.h"
#include "log.h"
#include "macro.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/watchdog.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

struct ha_watchdog {
	enum ha_watchdog_kind kind;
	char path[256];
	int fd;
	uint64_t timeout_ms;
	bool ok;
};

int ha_watchdog_kind_from_str(const char *s)
{
	if (strcmp(s, "linux") == 0)
		return HA_WD_LINUX;
	if (strcmp(s, "test") == 0)
		return HA_WD_TEST;
	if (strcmp(s, "none") == 0)
		return HA_WD_NONE;
	return -EINVAL;
}

int ha_watchdog_new(enum ha_watchdog_kind kind, const char *path,
		    struct ha_watchdog **out)
{
	struct ha_watchdog *w = calloc(1, sizeof(*w));

	if (!w)
		return -ENOMEM;
	w->kind = kind;
	w->fd = -1;
	snprintf(w->path, sizeof(w->path), "%s", path ? path : "");
	if (kind == HA_WD_LINUX)
		w->ok = access(w->path, W_OK) == 0;
	else
		w->ok = kind == HA_WD_TEST && w->path[0];
	if (!w->ok && kind != HA_WD_NONE)
		log_error("Watchdog %s cannot be used: HA guests will not be "
			  "started here unless fencing is agent only",
			  w->path[0] ? w->path : "(no path)");
	*out = w;
	return 0;
}

/* The test device: the file says "armed DEADLINE" or "disarmed". */
static int test_write(struct ha_watchdog *w, bool armed)
{
	char tmp[300], text[64];
	struct timespec ts;
	_cleanup_fclose_ FILE *f = NULL;

	clock_gettime(CLOCK_REALTIME, &ts);
	if (armed)
		snprintf(text, sizeof(text), "armed %llu\n",
			 (unsigned long long)(ts.tv_sec * 1000ULL +
					      ts.tv_nsec / 1000000 +
					      w->timeout_ms));
	else
		snprintf(text, sizeof(text), "disarmed\n");
	snprintf(tmp, sizeof(tmp), "%s.tmp", w->path);
	f = fopen(tmp, "we");
	if (!f || fputs(text, f) < 0 || fflush(f) != 0)
		return -errno;
	if (rename(tmp, w->path) < 0)
		return -errno;
	return 0;
}

static int linux_arm(struct ha_watchdog *w)
{
	int secs = (int)((w->timeout_ms + 999) / 1000);

	if (w->fd < 0)
		w->fd = open(w->path, O_WRONLY | O_CLOEXEC);
	if (w->fd < 0)
		return -errno;
	if (ioctl(w->fd, WDIOC_SETTIMEOUT, &secs) < 0)
		return -errno;
	return ioctl(w->fd, WDIOC_KEEPALIVE, 0) < 0 ? -errno : 0;
}

static int done(struct ha_watchdog *w, int r, const char *what)
{
	if (r < 0 && w->ok)
		log_error_errno(r, "Watchdog %s: cannot %s", w->path, what);
	w->ok = r == 0;
	return r;
}

int ha_watchdog_arm(struct ha_watchdog *w, uint64_t timeout_ms)
{
	w->timeout_ms = timeout_ms;
	switch (w->kind) {
	case HA_WD_LINUX: return done(w, linux_arm(w), "arm");
	case HA_WD_TEST: return done(w, test_write(w, true), "arm");
	default: return -ENODEV;
	}
}

int ha_watchdog_pet(struct ha_watchdog *w)
{
	switch (w->kind) {
	case HA_WD_LINUX:
		if (w->fd < 0)
			return done(w, -EBADF, "pet");
		return done(w,
			    ioctl(w->fd, WDIOC_KEEPALIVE, 0) < 0 ? -errno : 0,
			    "pet");
	case HA_WD_TEST: return done(w, test_write(w, true), "pet");
	default: return -ENODEV;
	}
}

int ha_watchdog_disarm(struct ha_watchdog *w)
{
	int r = 0;

	switch (w->kind) {
	case HA_WD_LINUX:
		if (w->fd < 0)
			return 0;
		/* The magic close: the driver stops the timer. */
		if (write(w->fd, "V", 1) != 1)
			r = -errno;
		close(w->fd);
		w->fd = -1;
		return done(w, r, "disarm");
	case HA_WD_TEST: return done(w, test_write(w, false), "disarm");
	default: return 0;
	}
}

bool ha_watchdog_ok(const struct ha_watchdog *w)
{
	return w->ok;
}

void ha_watchdog_free(struct ha_watchdog *w)
{
	if (!w)
		return;
	/* Still armed: closed without the magic character, the device
	 * keeps running and fences the node unless an agent comes back. */
	if (w->fd >= 0)
		close(w->fd);
	free(w);
}

/*
 * Helpers every backend and the loader share: error messages and state
 * names. Linked into each plugin (haagent/libbackend.la) so that a plugin
 * needs no symbol from the program that loads it.
 */
#include "backend.h"

#include "macro.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int backend_fail(struct backend_error *err, int errnum, const char *fmt, ...)
{
	va_list ap;

	if (err) {
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	return errnum < 0 ? errnum : -errnum;
}

const char *guest_state_to_string(enum guest_state s)
{
	static const char *const names[] = {
	    [GUEST_STOPPED] = "stopped",
	    [GUEST_RUNNING] = "running",
	    [GUEST_PAUSED] = "paused",
	    [GUEST_STATE_UNKNOWN] = "unknown",
	};

	return (unsigned)s <= GUEST_STATE_UNKNOWN ? names[s] : "unknown";
}

/* Fields 14 (utime), 15 (stime) and 22 (starttime) of /proc/PID/stat. */
static int proc_stat(pid_t pid, unsigned long long *cpu_ticks,
		     unsigned long long *start_ticks)
{
	char path[64], buf[1024], *p;
	_cleanup_fclose_ FILE *f = NULL;
	unsigned long long ut, st, start;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "re");
	if (!f || !fgets(buf, sizeof(buf), f))
		return -ESRCH;
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 2,
			 "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu "
			 "%llu %*d %*d %*d %*d %*d %*d %llu",
			 &ut, &st, &start) != 3)
		return -EIO;
	*cpu_ticks = ut + st;
	*start_ticks = start;
	return 0;
}

static uint64_t uptime_ms_of(unsigned long long start_ticks)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/uptime", "re");
	double up = 0, started = (double)start_ticks / sysconf(_SC_CLK_TCK);

	if (!f || fscanf(f, "%lf", &up) != 1 || up < started)
		return 0;
	return (uint64_t)((up - started) * 1000);
}

int backend_proc_usage(pid_t pid, uint64_t *uptime_ms, struct guest_usage *u)
{
	unsigned long long cpu, start, pages = 0, ns;
	char path[64];
	_cleanup_fclose_ FILE *f = NULL;
	int r = proc_stat(pid, &cpu, &start);

	if (r < 0)
		return r;
	if (uptime_ms)
		*uptime_ms = uptime_ms_of(start);
	if (!u)
		return 0;
	u->cpu_ns = cpu * (1000000000ull / sysconf(_SC_CLK_TCK));
	/* The main thread's run time in ns: more precise than the ticks of
	 * a process (busybox init) that barely ran. */
	snprintf(path, sizeof(path), "/proc/%d/schedstat", (int)pid);
	f = fopen(path, "re");
	if (f && fscanf(f, "%llu", &ns) == 1 && ns > u->cpu_ns)
		u->cpu_ns = ns;
	if (f)
		fclose(f);
	snprintf(path, sizeof(path), "/proc/%d/statm", (int)pid);
	f = fopen(path, "re");
	if (f && fscanf(f, "%*u %llu", &pages) == 1)
		u->rss_bytes = pages * (uint64_t)sysconf(_SC_PAGESIZE);
	return 0;
}

/* BR is a bridge: /sys/class/net/BR/bridge exists. */
static bool is_bridge(const char *br)
{
	char path[128];
	struct stat st;

	snprintf(path, sizeof(path), "/sys/class/net/%s/bridge", br);
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int backend_check_host(const struct guest_conf *c, struct backend_error *err)
{
	uint64_t ram =
	    (uint64_t)sysconf(_SC_PHYS_PAGES) * sysconf(_SC_PAGESIZE);
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	if (ram > 0 && c->memory > ram)
		return backend_fail(err, EINVAL,
				    "memory: %llu MiB is more than the %llu "
				    "MiB of this node",
				    (unsigned long long)(c->memory >> 20),
				    (unsigned long long)(ram >> 20));
	if (cpus > 0 && c->cores > (unsigned long)cpus)
		return backend_fail(err, EINVAL,
				    "cores: %u is more than the %ld CPUs of "
				    "this node",
				    c->cores, cpus);
	for (unsigned i = 0; i < GUEST_MAX_NETS; i++)
		if (c->nets[i].set && c->nets[i].type == GUEST_NET_BRIDGE &&
		    !is_bridge(c->nets[i].bridge))
			return backend_fail(err, ENODEV,
					    "net%u: bridge %s does not exist "
					    "on this node",
					    i, c->nets[i].bridge);
	return 0;
}

long long backend_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

void backend_sleep_ms(unsigned ms)
{
	nanosleep(&(struct timespec){ms / 1000, (ms % 1000) * 1000000L}, NULL);
}

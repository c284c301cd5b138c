/*
 * The HA loop's wait (see ha_watch.h): poll() on the watch connection's
 * event descriptor and an eventfd for kicks. Events carry nothing the
 * loop needs: a round re-reads what it uses, so all waiting events are
 * drained at once and count as one wake-up. A clusterd without status
 * events (an older one ignores the field) still wakes the loop on the
 * rest; the loop's periodic round covers the reports then.
 */
#include "ha_watch.h"
#include "ha_io.h"
#include "log.h"
#include "macro.h"

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <unistd.h>

#define RETRY_MS 200 /* reconnecting to clusterd */

struct ha_watch {
	struct ipc_client *w;
	int kick;
};

int ha_watch_new(struct ha_watch **out)
{
	struct ha_watch *hw = calloc(1, sizeof(*hw));

	if (!hw)
		return -ENOMEM;
	hw->kick = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (hw->kick < 0) {
		free(hw);
		return -errno;
	}
	*out = hw;
	return 0;
}

void ha_watch_free(struct ha_watch *hw)
{
	if (!hw)
		return;
	ipc_client_free(hw->w);
	close(hw->kick);
	free(hw);
}

void ha_watch_kick(struct ha_watch *hw)
{
	uint64_t one = 1;

	if (write(hw->kick, &one, sizeof(one)) < 0 && errno != EAGAIN)
		log_debug_errno(-errno, "Cannot wake the HA loop");
}

static int subscribe(struct ipc_client *w)
{
	Clusterd__Request req = CLUSTERD__REQUEST__INIT;
	Clusterd__WatchRequest wr = CLUSTERD__WATCH_REQUEST__INIT;
	Clusterd__Reply *reply = NULL;
	int r;

	wr.prefix = (char *)"ha";
	wr.tree = true;
	wr.membership = true;
	wr.status = true;
	wr.status_key = (char *)HA_REPORT_KEY;
	req.op_case = CLUSTERD__REQUEST__OP_WATCH;
	req.watch = &wr;
	r = ipc_client_call(w, &req, CDCALL_TIMEOUT_MS, &reply);
	if (r == 0 && reply->errno_code)
		r = -(int)reply->errno_code;
	ipc_client_reply_free(reply);
	return r;
}

static int open_watch(struct ha_watch *hw)
{
	int r = ipc_client_connect(&hw->w);

	if (r == 0)
		r = subscribe(hw->w);
	if (r < 0)
		ha_watch_reset(hw);
	return r;
}

/* Take every waiting event; false when the connection is gone. */
static bool drain(struct ha_watch *hw)
{
	Clusterd__Event *ev = NULL;
	int r;

	while ((r = ipc_client_next_event(hw->w, 0, &ev)) == 0)
		ipc_client_event_free(ev);
	return r == -ETIMEDOUT;
}

bool ha_watch_wait(struct ha_watch *hw, int timeout_ms)
{
	struct pollfd p[2] = {{.fd = hw->kick, .events = POLLIN},
			      {.fd = -1, .events = POLLIN}};
	uint64_t n;

	if (!hw->w) {
		if (open_watch(hw) == 0)
			return true;
		if (timeout_ms > RETRY_MS)
			timeout_ms = RETRY_MS;
	} else {
		p[1].fd = ipc_client_event_fd(hw->w);
	}
	if (poll(p, p[1].fd >= 0 ? 2 : 1, timeout_ms) <= 0)
		return false;
	if (p[0].revents && read(hw->kick, &n, sizeof(n)) < 0)
		n = 0;
	if (p[1].revents && !drain(hw))
		ha_watch_reset(hw);
	return true;
}

struct ipc_client *ha_watch_client(struct ha_watch *hw)
{
	return hw->w;
}

void ha_watch_reset(struct ha_watch *hw)
{
	ipc_client_free(hw->w);
	hw->w = NULL;
}

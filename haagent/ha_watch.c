/*
 * The HA loop's wake-ups (see ha_watch.h), as libqb loop sources: the
 * eventfd of kicks and the watch connection's event descriptor. Events
 * carry nothing the loop needs: a round re-reads what it uses, so all
 * waiting events are drained at once and count as one wake-up. A lost or
 * refused connection is retried every RETRY_MS. A clusterd without status
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
	int kick, wfd;
	qb_loop_t *loop;
	qb_loop_timer_handle retry;
	bool retry_armed;
	void (*wake)(void *);
	void *userdata;
};

int ha_watch_new(struct ha_watch **out)
{
	struct ha_watch *hw = calloc(1, sizeof(*hw));

	if (!hw)
		return -ENOMEM;
	hw->wfd = -1;
	hw->kick = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (hw->kick < 0) {
		free(hw);
		return -errno;
	}
	*out = hw;
	return 0;
}

void ha_watch_detach(struct ha_watch *hw)
{
	if (!hw || !hw->loop)
		return;
	if (hw->wfd >= 0)
		qb_loop_poll_del(hw->loop, hw->wfd);
	hw->wfd = -1;
	if (hw->retry_armed)
		qb_loop_timer_del(hw->loop, hw->retry);
	hw->retry_armed = false;
	qb_loop_poll_del(hw->loop, hw->kick);
	hw->loop = NULL;
}

void ha_watch_free(struct ha_watch *hw)
{
	if (!hw)
		return;
	ha_watch_detach(hw);
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
	char msg[CDCALL_MSG];

	return cdcall_watch(w, "ha", HA_REPORT_KEY, msg);
}

static void schedule_open(struct ha_watch *hw, uint64_t ms);

/* Take every waiting event; the connection is reset when it is gone. */
static int32_t on_event(int32_t fd, int32_t revents, void *data)
{
	struct ha_watch *hw = data;
	Clusterd__Event *ev = NULL;
	int r;

	(void)fd;
	(void)revents;
	while ((r = ipc_client_next_event(hw->w, 0, &ev)) == 0)
		ipc_client_event_free(ev);
	if (r != -ETIMEDOUT)
		ha_watch_reset(hw);
	hw->wake(hw->userdata);
	return 0;
}

static void open_watch(void *data)
{
	struct ha_watch *hw = data;
	int r;

	hw->retry_armed = false;
	if (hw->w)
		return;
	r = ipc_client_connect(&hw->w);
	if (r == 0)
		r = subscribe(hw->w);
	if (r == 0) {
		hw->wfd = ipc_client_event_fd(hw->w);
		r = hw->wfd < 0
			? hw->wfd
			: qb_loop_poll_add(hw->loop, QB_LOOP_MED, hw->wfd,
					   POLLIN, hw, on_event);
	}
	if (r < 0) {
		hw->wfd = -1;
		ha_watch_reset(hw);
		return;
	}
	hw->wake(hw->userdata);
}

static void schedule_open(struct ha_watch *hw, uint64_t ms)
{
	if (hw->loop && !hw->retry_armed)
		hw->retry_armed =
		    qb_loop_timer_add(hw->loop, QB_LOOP_MED, ms * 1000000ULL,
				      hw, open_watch, &hw->retry) == 0;
}

static int32_t on_kick(int32_t fd, int32_t revents, void *data)
{
	struct ha_watch *hw = data;
	uint64_t n;

	(void)revents;
	if (read(fd, &n, sizeof(n)) < 0)
		n = 0;
	hw->wake(hw->userdata);
	return 0;
}

int ha_watch_attach(struct ha_watch *hw, qb_loop_t *loop, void (*wake)(void *),
		    void *userdata)
{
	hw->loop = loop;
	hw->wake = wake;
	hw->userdata = userdata;
	schedule_open(hw, 0);
	return qb_loop_poll_add(loop, QB_LOOP_HIGH, hw->kick, POLLIN, hw,
				on_kick);
}

struct ipc_client *ha_watch_client(struct ha_watch *hw)
{
	return hw->w;
}

void ha_watch_reset(struct ha_watch *hw)
{
	if (hw->wfd >= 0 && hw->loop)
		qb_loop_poll_del(hw->loop, hw->wfd);
	hw->wfd = -1;
	ipc_client_free(hw->w);
	hw->w = NULL;
	schedule_open(hw, RETRY_MS);
}

/*
 * quorum-probe: print this node's view of corosync quorum on one line,
 *
 *   quorate=1 members=1,2,3 total_votes=3 expected_votes=3 quorum=2
 *
 * for tests and the demo. It asks libquorum for the quorate flag and the
 * current view (one tracking callback), and libvotequorum for the votes.
 * Exit status: 0 printed, 1 corosync not reachable.
 */
#include <corosync/corotypes.h>
#include <corosync/quorum.h>
#include <corosync/votequorum.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

struct view {
	int seen;
	uint32_t entries;
	uint32_t nodes[64];
};

static void on_quorum(quorum_handle_t handle, uint32_t quorate,
		      uint64_t ring_seq, uint32_t entries, uint32_t *list)
{
	struct view *view;

	if (quorum_context_get(handle, (const void **)&view) != CS_OK)
		return;
	view->seen = 1;
	view->entries = entries < 64 ? entries : 64;
	memcpy(view->nodes, list, view->entries * sizeof(uint32_t));
}

static int read_view(struct view *view, uint32_t *quorate)
{
	quorum_callbacks_t callbacks = {.quorum_notify_fn = on_quorum};
	quorum_handle_t handle;
	uint32_t type;
	cs_error_t err;

	if (quorum_initialize(&handle, &callbacks, &type) != CS_OK)
		return -1;
	quorum_context_set(handle, view);
	err = quorum_getquorate(handle, (int *)quorate);
	if (err == CS_OK)
		err = quorum_trackstart(handle, CS_TRACK_CURRENT);
	while (err == CS_OK && !view->seen)
		err = quorum_dispatch(handle, CS_DISPATCH_ONE);
	quorum_finalize(handle);
	return err == CS_OK ? 0 : -1;
}

int main(void)
{
	struct votequorum_info info = {0};
	votequorum_handle_t vq;
	struct view view = {0};
	uint32_t quorate = 0;

	if (read_view(&view, &quorate) < 0) {
		fputs(
		    "quorum-probe: cannot talk to corosync (is it running?)\n",
		    stderr);
		return 1;
	}
	if (votequorum_initialize(&vq, NULL) != CS_OK ||
	    votequorum_getinfo(vq, 0 /* this node */, &info) != CS_OK) {
		fputs("quorum-probe: cannot read votequorum information\n",
		      stderr);
		return 1;
	}
	votequorum_finalize(vq);
	printf("quorate=%u members=", quorate);
	for (uint32_t i = 0; i < view.entries; i++)
		printf("%s%" PRIu32, i ? "," : "", view.nodes[i]);
	printf(" total_votes=%u expected_votes=%u quorum=%u\n",
	       info.total_votes, info.node_expected_votes, info.quorum);
	return 0;
}

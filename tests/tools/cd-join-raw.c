/*
 * cd-join-raw: send one hand-made JoinRequest to a member's join endpoint
 * and print the reply's errno and message, for tests of the member's
 * checks that clusterctl's own pre-flight would never let through.
 *
 *   cd-join-raw HOST TOKEN NAME [ADDRESS] [PROTOCOL-VERSION] [SKEW-MS]
 *
 * SKEW-MS is added to the clock the request carries. Prints "errno=N
 * message=TEXT warning=TEXT"; exits 0 when the member answered.
 */
#include "config.h"

#include "join_token.h"
#include "lifecycle.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

int main(int argc, char **argv)
{
	Clusterd__JoinRequest req = CLUSTERD__JOIN_REQUEST__INIT;
	Clusterd__Header h = CLUSTERD__HEADER__INIT;
	Clusterd__JoinReply *rep = NULL;
	struct join_token t;
	struct timeval tv;
	char *addrs[1];
	const char *why = "";
	int r;

	if (argc < 4 || join_token_decode(argv[2], &t) < 0) {
		fprintf(stderr, "usage: cd-join-raw HOST TOKEN NAME [ADDRESS] "
				"[PROTOCOL-VERSION] [SKEW-MS]\n");
		return 2;
	}
	gettimeofday(&tv, NULL);
	h.protocol_version =
	    argc > 5 && argv[5][0]
		? (uint32_t)atoi(argv[5])
		: CLUSTERD__PROTOCOL_VERSION__PROTOCOL_VERSION_CURRENT;
	req.header = &h;
	req.token_id = t.id;
	req.secret.data = t.secret;
	req.secret.len = sizeof(t.secret);
	req.name = argv[3];
	req.clock_ms = tv.tv_sec * 1000LL + tv.tv_usec / 1000 +
		       (argc > 6 ? atoll(argv[6]) : 0);
	if (argc > 4 && argv[4][0]) {
		addrs[0] = argv[4];
		req.addresses = addrs;
		req.n_addresses = 1;
	}
	r = join_exchange(argv[1], t.port, t.fingerprint, &req, 30000, &rep,
			  &why);
	if (r < 0) {
		fprintf(stderr, "cd-join-raw: %s: %s\n", why, strerror(-r));
		return 1;
	}
	printf("errno=%d message=%s warning=%s\n", rep->errno_code,
	       rep->error_message, rep->warning);
	clusterd__join_reply__free_unpacked(rep, NULL);
	return 0;
}

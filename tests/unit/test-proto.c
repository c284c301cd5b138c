/*
 * Unit tests for the generated wire messages: a message survives a round
 * trip with its protocol version, and bytes that are not a message are
 * rejected by the decoder rather than trusted.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "clusterd.pb-c.h"

static void error_round_trip(void **state)
{
	Clusterd__Header header = CLUSTERD__HEADER__INIT;
	Clusterd__Error msg = CLUSTERD__ERROR__INIT;
	Clusterd__Error *back;
	uint8_t *buf;
	size_t len;

	header.protocol_version =
	    CLUSTERD__PROTOCOL_VERSION__PROTOCOL_VERSION_CURRENT;
	header.request_id = 42;
	msg.header = &header;
	msg.errno_code = EROFS;
	msg.message = "no quorum";
	len = clusterd__error__get_packed_size(&msg);
	buf = malloc(len);
	assert_int_equal(clusterd__error__pack(&msg, buf), len);

	back = clusterd__error__unpack(NULL, len, buf);
	assert_non_null(back);
	assert_non_null(back->header);
	assert_int_equal(back->header->protocol_version, 1);
	assert_int_equal(back->header->request_id, 42);
	assert_int_equal(back->errno_code, EROFS);
	assert_string_equal(back->message, "no quorum");
	clusterd__error__free_unpacked(back, NULL);
	free(buf);
}

static void garbage_is_rejected(void **state)
{
	/* A length-delimited field whose length runs past the end. */
	static const uint8_t truncated[] = {0x0a, 0x7f, 0x08, 0x01};
	/* A field with the reserved wire type 7. */
	static const uint8_t bad_wire_type[] = {0x0f, 0x00};

	assert_null(
	    clusterd__error__unpack(NULL, sizeof(truncated), truncated));
	assert_null(clusterd__error__unpack(NULL, sizeof(bad_wire_type),
					    bad_wire_type));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(error_round_trip),
	    cmocka_unit_test(garbage_is_rejected),
	};

	return cmocka_run_group_tests_name("proto", tests, NULL, NULL);
}

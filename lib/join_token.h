/*
 * Join tokens: what "clusterctl join-token" prints and "clusterctl join"
 * presents.
 *
 * A token is "cdj1_" followed by the URL-safe base64 (no padding) of a
 * text payload, one field per line: version (1), token ID (16 hex), secret
 * (64 hex), expiry (Unix seconds), SHA-256 fingerprint of the member's TLS
 * certificate (64 hex), join port, one or two member addresses, and a
 * check (8 hex of SHA-256 over the lines before it) that turns a
 * truncated or mistyped token into a "malformed token". The
 * secret never enters the tree: the tree holds only the record that
 * join_token_record() writes, "sha256: HASH" and "expires: SECONDS", under
 * priv/join-tokens/ID, so that any member can check a token and consume it
 * (remove the record) in delivery order.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JOIN_TOKEN_PREFIX "cdj1_"
#define JOIN_TOKEN_DIR	  "priv/join-tokens"
#define JOIN_SECRET_LEN	  32
#define JOIN_HEX_LEN	  64 /* SHA-256 and secret as hex */
#define JOIN_ID_LEN	  16
#define JOIN_DEFAULT_PORT 5410
#define JOIN_MAX_ADDRS	  2

struct join_token {
	char id[JOIN_ID_LEN + 1];
	uint8_t secret[JOIN_SECRET_LEN];
	int64_t expires;
	char fingerprint[JOIN_HEX_LEN + 1]; /* lower-case hex */
	uint16_t port;
	char addrs[JOIN_MAX_ADDRS][64]; /* "" when absent */
};

/* A fresh ID and secret (OpenSSL's RNG). 0 or -EIO. */
int join_token_generate(struct join_token *t);
/* malloc'd token text. 0, -EINVAL or -ENOMEM. */
int join_token_encode(const struct join_token *t, char **out);
/* 0, or -EINVAL for anything that is not a well-formed token. */
int join_token_decode(const char *s, struct join_token *t);

/* Lower-case hex of SHA-256(DATA) into HEX (65 bytes). */
void join_sha256_hex(const void *data, size_t len, char *hex);
/* The tree record of token T (malloc'd). */
int join_token_record(const struct join_token *t, char **out);
/* Check SECRET against RECORD at time NOW: 0, -EACCES (wrong secret),
 * -ETIME (expired) or -EINVAL (not a record). */
int join_token_check(const char *record, size_t len, const uint8_t *secret,
		     size_t secret_len, int64_t now);
/* Is S a token ID (16 lower-case hex)? */
bool join_token_valid_id(const char *s);

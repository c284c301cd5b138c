/*
 * Join token encoding and checking (see join_token.h).
 *
 * Decoding is strict: every field must be present and well formed, so a
 * truncated or altered token fails here with a clear "malformed token"
 * rather than later at the member. The comparison of secret hashes is in
 * constant time (CRYPTO_memcmp).
 */
#include "join_token.h"
#include "macro.h"

#include <ctype.h>
#include <errno.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <string.h>

#define MAX_PAYLOAD 512

static void to_hex(const uint8_t *b, size_t n, char *hex)
{
	for (size_t i = 0; i < n; i++)
		sprintf(hex + 2 * i, "%02x", b[i]);
	hex[2 * n] = '\0';
}

static bool is_hex(const char *s, size_t n)
{
	if (strlen(s) != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]) ||
		    isupper((unsigned char)s[i]))
			return false;
	return true;
}

static void from_hex(const char *hex, uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned v;

		sscanf(hex + 2 * i, "%2x", &v);
		b[i] = (uint8_t)v;
	}
}

bool join_token_valid_id(const char *s)
{
	return is_hex(s, JOIN_ID_LEN);
}

void join_sha256_hex(const void *data, size_t len, char *hex)
{
	uint8_t md[32];
	unsigned n = 0;

	EVP_Digest(data, len, md, &n, EVP_sha256(), NULL);
	to_hex(md, sizeof(md), hex);
}

int join_token_generate(struct join_token *t)
{
	uint8_t id[JOIN_ID_LEN / 2];

	if (RAND_bytes(id, sizeof(id)) != 1 ||
	    RAND_bytes(t->secret, sizeof(t->secret)) != 1)
		return -EIO;
	to_hex(id, sizeof(id), t->id);
	return 0;
}

/* A check field: "\n" and 8 hex digits of SHA-256(TEXT[0..LEN)), so a
 * truncated or mistyped token is refused as malformed. */
static int append_check(char *text, size_t len)
{
	char hex[JOIN_HEX_LEN + 1];

	join_sha256_hex(text, len, hex);
	return sprintf(text + len, "\n%.8s", hex);
}

/* Verify and strip TEXT's check field. */
static bool check_ok(char *text)
{
	char *nl = strrchr(text, '\n');
	char hex[JOIN_HEX_LEN + 1];

	if (!nl || strlen(nl + 1) != 8)
		return false;
	join_sha256_hex(text, nl - text, hex);
	if (strncmp(hex, nl + 1, 8) != 0)
		return false;
	*nl = '\0';
	return true;
}

int join_token_encode(const struct join_token *t, char **out)
{
	char payload[MAX_PAYLOAD], secret[JOIN_HEX_LEN + 1];
	unsigned char *b64;
	int n, m;

	to_hex(t->secret, sizeof(t->secret), secret);
	n = snprintf(payload, sizeof(payload),
		     "1\n%s\n%s\n%lld\n%s\n%u\n%s%s%s", t->id, secret,
		     (long long)t->expires, t->fingerprint, t->port,
		     t->addrs[0], t->addrs[1][0] ? "\n" : "", t->addrs[1]);
	if (n < 0 || n + 10 >= (int)sizeof(payload))
		return -EINVAL;
	n += append_check(payload, n);
	b64 = malloc(sizeof(JOIN_TOKEN_PREFIX) + 4 * ((n + 2) / 3) + 1);
	if (!b64)
		return -ENOMEM;
	strcpy((char *)b64, JOIN_TOKEN_PREFIX);
	m = EVP_EncodeBlock(b64 + strlen(JOIN_TOKEN_PREFIX),
			    (unsigned char *)payload, n);
	for (unsigned char *p = b64 + strlen(JOIN_TOKEN_PREFIX); *p; p++)
		*p = *p == '+' ? '-' : *p == '/' ? '_' : *p;
	while (m > 0 && b64[strlen(JOIN_TOKEN_PREFIX) + m - 1] == '=')
		b64[strlen(JOIN_TOKEN_PREFIX) + --m] = '\0';
	*out = (char *)b64;
	return 0;
}

/* URL-safe base64 S (no padding) into OUT (NUL-terminated text). */
static int decode_b64(const char *s, char *out, size_t size)
{
	char in[MAX_PAYLOAD * 2];
	size_t n = strlen(s), pad = (4 - n % 4) % 4;
	int m;

	if (n == 0 || pad == 3 || n + pad >= sizeof(in) ||
	    (n + pad) / 4 * 3 >= size)
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!isalnum((unsigned char)c) && c != '-' && c != '_')
			return -EINVAL;
		in[i] = c == '-' ? '+' : c == '_' ? '/' : c;
	}
	memset(in + n, '=', pad);
	in[n + pad] = '\0';
	m = EVP_DecodeBlock((unsigned char *)out, (unsigned char *)in, n + pad);
	if (m < 0)
		return -EINVAL;
	m -= pad;
	out[m] = '\0';
	return strlen(out) == (size_t)m ? 0 : -EINVAL;
}

static int parse_fields(char **f, int nf, struct join_token *t)
{
	char *end;
	long long exp;
	unsigned long port;

	if (nf < 7 || nf > 6 + JOIN_MAX_ADDRS || strcmp(f[0], "1") != 0 ||
	    !is_hex(f[1], JOIN_ID_LEN) || !is_hex(f[2], JOIN_HEX_LEN) ||
	    !is_hex(f[4], JOIN_HEX_LEN))
		return -EINVAL;
	errno = 0;
	exp = strtoll(f[3], &end, 10);
	if (errno || *end || end == f[3] || exp <= 0)
		return -EINVAL;
	port = strtoul(f[5], &end, 10);
	if (*end || end == f[5] || port == 0 || port > 65535)
		return -EINVAL;
	memset(t, 0, sizeof(*t));
	snprintf(t->id, sizeof(t->id), "%s", f[1]);
	from_hex(f[2], t->secret, sizeof(t->secret));
	t->expires = exp;
	snprintf(t->fingerprint, sizeof(t->fingerprint), "%s", f[4]);
	t->port = (uint16_t)port;
	for (int i = 6; i < nf; i++) {
		if (!f[i][0] || strlen(f[i]) >= sizeof(t->addrs[0]))
			return -EINVAL;
		snprintf(t->addrs[i - 6], sizeof(t->addrs[0]), "%s", f[i]);
	}
	return 0;
}

int join_token_decode(const char *s, struct join_token *t)
{
	char text[MAX_PAYLOAD], *f[8], *save = NULL, *p;
	int nf = 0;

	if (strncmp(s, JOIN_TOKEN_PREFIX, strlen(JOIN_TOKEN_PREFIX)) != 0 ||
	    decode_b64(s + strlen(JOIN_TOKEN_PREFIX), text, sizeof(text)) < 0 ||
	    !check_ok(text))
		return -EINVAL;
	for (p = strtok_r(text, "\n", &save); p && nf < 8;
	     p = strtok_r(NULL, "\n", &save))
		f[nf++] = p;
	if (p)
		return -EINVAL;
	return parse_fields(f, nf, t);
}

int join_token_record(const struct join_token *t, char **out)
{
	char hash[JOIN_HEX_LEN + 1];

	join_sha256_hex(t->secret, sizeof(t->secret), hash);
	return asprintf(out, "sha256: %s\nexpires: %lld\n", hash,
			(long long)t->expires) < 0
		   ? -ENOMEM
		   : 0;
}

int join_token_check(const char *record, size_t len, const uint8_t *secret,
		     size_t secret_len, int64_t now)
{
	char text[256], want[JOIN_HEX_LEN + 1], got[JOIN_HEX_LEN + 1];
	long long expires;

	if (len >= sizeof(text))
		return -EINVAL;
	memcpy(text, record, len);
	text[len] = '\0';
	if (sscanf(text, "sha256: %64s expires: %lld", want, &expires) != 2 ||
	    !is_hex(want, JOIN_HEX_LEN))
		return -EINVAL;
	join_sha256_hex(secret, secret_len, got);
	if (CRYPTO_memcmp(want, got, JOIN_HEX_LEN) != 0)
		return -EACCES;
	return now > expires ? -ETIME : 0;
}

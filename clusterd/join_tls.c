/*
 * Certificate generation and the server TLS context (see join_tls.h).
 *
 * Files are written to temporary names and renamed, key first, so a crash
 * in between leaves either no certificate (regenerated at the next start)
 * or a complete pair.
 */
#include "join_tls.h"
#include "log.h"
#include "macro.h"

#include <errno.h>
#include <limits.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void evp_pkey_freep(EVP_PKEY **p)
{
	EVP_PKEY_free(*p);
}
static void x509_freep(X509 **p)
{
	X509_free(*p);
}

void join_tls_fingerprint(X509 *cert, char *fingerprint)
{
	unsigned char *der = NULL;
	int n = i2d_X509(cert, &der);

	if (n <= 0) {
		fingerprint[0] = '\0';
		return;
	}
	join_sha256_hex(der, n, fingerprint);
	OPENSSL_free(der);
}

static X509 *make_cert(EVP_PKEY *key)
{
	X509 *x = X509_new();
	X509_NAME *name;
	char host[HOST_NAME_MAX + 1] = "node", cn[HOST_NAME_MAX + 16];

	if (!x)
		return NULL;
	gethostname(host, sizeof(host) - 1);
	snprintf(cn, sizeof(cn), "clusterd %s", host);
	name = X509_get_subject_name(x);
	if (X509_set_version(x, 2) != 1 ||
	    ASN1_INTEGER_set(X509_get_serialNumber(x), (long)time(NULL)) != 1 ||
	    !X509_gmtime_adj(X509_getm_notBefore(x), -86400) ||
	    !X509_gmtime_adj(X509_getm_notAfter(x), 100L * 365 * 86400) ||
	    X509_set_pubkey(x, key) != 1 ||
	    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
				       (unsigned char *)cn, -1, -1, 0) != 1 ||
	    X509_set_issuer_name(x, name) != 1 ||
	    X509_sign(x, key, EVP_sha256()) <= 0) {
		X509_free(x);
		return NULL;
	}
	return x;
}

/* Write with WRITE(f, obj) to PATH via a temporary file, mode 0600. */
static int write_pem(const char *path, bool is_key, void *obj)
{
	char tmp[PATH_MAX + 8];
	_cleanup_fclose_ FILE *f = NULL;
	mode_t old = umask(077);
	int ok;

	snprintf(tmp, sizeof(tmp), "%s.new", path);
	f = fopen(tmp, "we");
	umask(old);
	if (!f)
		return -errno;
	ok = is_key ? PEM_write_PrivateKey(f, obj, NULL, NULL, 0, NULL, NULL)
		    : PEM_write_X509(f, obj);
	if (!ok || fflush(f) != 0 || fsync(fileno(f)) < 0)
		return -EIO;
	return rename(tmp, path) < 0 ? -errno : 0;
}

static int generate(const char *key_path, const char *cert_path)
{
	_cleanup_(evp_pkey_freep) EVP_PKEY *key = EVP_EC_gen("P-256");
	_cleanup_(x509_freep) X509 *cert = NULL;
	int r;

	if (!key)
		return -EIO;
	cert = make_cert(key);
	if (!cert)
		return -EIO;
	r = write_pem(key_path, true, key);
	if (r == 0)
		r = write_pem(cert_path, false, cert);
	if (r == 0)
		log_notice("Generated the join endpoint's certificate %s",
			   cert_path);
	return r;
}

static int load_ctx(const char *key_path, const char *cert_path, SSL_CTX **out,
		    char *fingerprint)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());

	if (!ctx)
		return -ENOMEM;
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	if (SSL_CTX_use_certificate_file(ctx, cert_path, SSL_FILETYPE_PEM) !=
		1 ||
	    SSL_CTX_use_PrivateKey_file(ctx, key_path, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(ctx) != 1) {
		SSL_CTX_free(ctx);
		ERR_clear_error();
		return -EBADMSG;
	}
	join_tls_fingerprint(SSL_CTX_get0_certificate(ctx), fingerprint);
	*out = ctx;
	return 0;
}

int join_tls_server(const char *data_dir, SSL_CTX **ctx, char *fingerprint)
{
	char dir[PATH_MAX], key[PATH_MAX + 16], cert[PATH_MAX + 16];
	int r;

	snprintf(dir, sizeof(dir), "%s/tls", data_dir);
	snprintf(key, sizeof(key), "%s/key.pem", dir);
	snprintf(cert, sizeof(cert), "%s/cert.pem", dir);
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return log_error_errno(errno, "Cannot create %s", dir);
	if (access(cert, F_OK) < 0 || access(key, F_OK) < 0) {
		r = generate(key, cert);
		if (r < 0)
			return log_error_errno(r, "Cannot generate %s", cert);
	}
	r = load_ctx(key, cert, ctx, fingerprint);
	if (r < 0)
		return log_error_errno(r, "Cannot load %s and %s", cert, key);
	return 0;
}

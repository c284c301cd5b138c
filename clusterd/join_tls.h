/*
 * The join endpoint's TLS identity: a self-signed certificate per node.
 *
 * Generated on first need (an EC P-256 key and a certificate valid for
 * 100 years) under DATA_DIR/tls/, readable by root only, and kept across
 * restarts so that tokens printed earlier stay valid. Joiners do not check
 * a CA: they compare the SHA-256 fingerprint of the certificate (DER) with
 * the one in their token.
 */
#pragma once

#include <openssl/ssl.h>

#include "join_token.h"

/* A server SSL_CTX with the node's certificate and its fingerprint (hex,
 * JOIN_HEX_LEN + 1 bytes). 0 or -errno (logged). */
int join_tls_server(const char *data_dir, SSL_CTX **ctx, char *fingerprint);

/* The fingerprint of CERT, as join_tls_server() reports it. */
void join_tls_fingerprint(X509 *cert, char *fingerprint);

/*
 * http-tls.c - the TLS side of bmcsim's HTTP server: one EC key and one
 * self-signed certificate for 127.0.0.1, ::1 and localhost, made in
 * memory at start, serve every simulated BMC.
 */
#include "config.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "core/xalloc.h"
#include "http.h"

static EVP_PKEY *make_key(void)
{
	EVP_PKEY_CTX *kctx = EVP_PKEY_CTX_new_id(EVP_PKEY_EC, NULL);
	EVP_PKEY *key = NULL;

	if (kctx == NULL || EVP_PKEY_keygen_init(kctx) <= 0 ||
	    EVP_PKEY_CTX_set_ec_paramgen_curve_nid(kctx, NID_X9_62_prime256v1) <= 0 ||
	    EVP_PKEY_keygen(kctx, &key) <= 0)
		key = NULL;
	EVP_PKEY_CTX_free(kctx);
	return key;
}

/* A self-signed certificate for 127.0.0.1, ::1 and localhost, valid a year. */
static X509 *make_cert(EVP_PKEY *key)
{
	X509 *x = X509_new();
	X509_NAME *name;
	X509_EXTENSION *ext;
	X509V3_CTX v3;
	unsigned char serial[16];
	BIGNUM *bn = NULL;
	int ok = 0;

	if (x == NULL || RAND_bytes(serial, sizeof serial) != 1)
		goto out;
	serial[0] &= 0x7f;
	bn = BN_bin2bn(serial, sizeof serial, NULL);
	if (bn == NULL || BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)) == NULL)
		goto out;
	X509_set_version(x, 2);
	X509_gmtime_adj(X509_getm_notBefore(x), -3600);
	X509_gmtime_adj(X509_getm_notAfter(x), 365L * 24 * 3600);
	X509_set_pubkey(x, key);
	name = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, (const unsigned char *)"bmcsim", -1, -1,
				   0);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
				   (const unsigned char *)"bmcsim simulated BMC", -1, -1, 0);
	X509_set_issuer_name(x, name);
	X509V3_set_ctx(&v3, x, x, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &v3, NID_subject_alt_name,
				  "IP:127.0.0.1,IP:::1,DNS:localhost");
	if (ext == NULL || !X509_add_ext(x, ext, -1)) {
		X509_EXTENSION_free(ext);
		goto out;
	}
	X509_EXTENSION_free(ext);
	ext = X509V3_EXT_conf_nid(NULL, &v3, NID_basic_constraints, "critical,CA:FALSE");
	if (ext != NULL)
		X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	ok = X509_sign(x, key, EVP_sha256()) > 0;
out:
	BN_free(bn);
	if (!ok) {
		X509_free(x);
		x = NULL;
	}
	return x;
}

SSL_CTX *sim_http_tls_ctx(char **err)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
	EVP_PKEY *key = make_key();
	X509 *cert = key ? make_cert(key) : NULL;

	if (ctx == NULL || cert == NULL || !SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) ||
	    SSL_CTX_use_certificate(ctx, cert) != 1 || SSL_CTX_use_PrivateKey(ctx, key) != 1 ||
	    SSL_CTX_check_private_key(ctx) != 1) {
		const char *reason = ERR_reason_error_string(ERR_get_error());

		*err = xasprintf("cannot set up TLS for Redfish: %s",
				 reason ? reason : "OpenSSL failed");
		SSL_CTX_free(ctx);
		ctx = NULL;
	}
	if (ctx != NULL) {
		/* Clients that come back resume with a ticket (no server cache:
		 * with ten thousand BMCs it would be one more table to sweep). */
		SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
		SSL_CTX_set_num_tickets(ctx, 1);
	}
	X509_free(cert);
	EVP_PKEY_free(key);
	return ctx;
}

/*
 * redfish/session.h - one Redfish session with a BMC: where the service is,
 * whether its TLS key is trusted yet, the login and its X-Auth-Token, and
 * the DELETE that ends it.
 *
 * The rules every login follows, whoever makes it (the backend, one per
 * host; the VNC relay, one of its own per console): the URL rule
 * (rf_url_check) before anything; under tls = tofu the key is learnt from
 * the service root before any credential leaves; a refused login (400, 401,
 * 403) is counted and never retried on a timer; a session that stops
 * working is deleted before a new one is made.  The owner keeps its own
 * request flow and HTTP client: this module decides, builds and records.
 */
#ifndef BMCTOP_REDFISH_SESSION_H
#define BMCTOP_REDFISH_SESSION_H

#include <stddef.h>

#include "core/fleet.h"
#include "redfish/http.h"
#include "redfish/parse.h"
#include "tls/pin.h"

struct rf_session {
	const struct host_config *cfg;
	struct rf_http *http;	     /* the owner's client (rf_http_get), not owned here */
	char *base;		     /* https://host:port, no trailing slash */
	char pin[TLS_PIN_MAX];	     /* the key trusted, when trusted */
	int trusted;		     /* requests pin the key (tls = tofu, or bmctop trust) */
	char token[256];	     /* X-Auth-Token, "" when logged out */
	char location[RF_LINK_MAX];  /* the session's URL, to DELETE */
	unsigned gen;		     /* bumped at each login, to tell a 401 for an older token */
	int proven;		     /* the service has accepted this session at least once */
	unsigned auth_failures;	     /* credentials refused so far: parks what ran before */
	long no_sessions;	     /* the HTTP status that said the service has none, or 0 */
};

/*
 * The service of hc (its Redfish URL, trailing slashes dropped) checked by
 * the TLS rule: 0, or BMC_ECONFIG with *err for a person.
 */
int rf_session_init(struct rf_session *s, const struct host_config *hc, char **err);
/* Wipe the token, free the URL; s may be zeroed. */
void rf_session_free(struct rf_session *s);

/* The options every request to the service shares (TLS, timeouts, caps), no credentials. */
void rf_session_opts(const struct rf_session *s, struct rf_request_opts *o, const char *method,
		     const char *url, enum rf_body_kind kind);

/*
 * Before the service root, under tls = tofu: the key known_hosts holds is
 * pinned, or *want_pin is set (first use: learn it, send nothing secret).
 * 0, or BMC_ETLS with *err (known_hosts unreadable).
 */
int rf_session_trust_begin(struct rf_session *s, int *want_pin, char **err);
/*
 * The service root answered a want_pin request with pin: record it (or
 * find it is not the key known_hosts holds).  0, or BMC_ETLS with *err.
 */
int rf_session_trust_learn(struct rf_session *s, const char *pin, char **err);

/* Where to POST the login: the root's Sessions link, or the standard one.  0 or -1 (elsewhere). */
int rf_session_login_url(const struct rf_session *s, const struct rf_root *root, char *out,
			 size_t outlen);

enum rf_login_result {
	RF_LOGIN_OK,	      /* token and location recorded */
	RF_LOGIN_REFUSED,     /* 400, 401, 403: the credentials (several services say 400) */
	RF_LOGIN_NO_SESSIONS, /* 404, 405, 501: recorded in no_sessions */
	RF_LOGIN_FAILED	      /* a transfer error, another status, or no token */
};
/* Read the answer to the login POST. */
enum rf_login_result rf_session_login_done(struct rf_session *s, const struct rf_response *rsp);

/* A request that carried the token of login gen was answered: the session works. */
void rf_session_accepted(struct rf_session *s, unsigned gen);

/* What to do about a 401 to a request that carried the token. */
enum rf_expired {
	RF_EXPIRED_RELOGIN, /* delete it, then log in once more */
	RF_EXPIRED_REFUSED, /* relogged and the new one never worked: an authentication failure */
	RF_EXPIRED_LOST	    /* relogged, worked, and ended again: give up until the next time */
};
enum rf_expired rf_session_expired(const struct rf_session *s, int relogged);

/*
 * Forget the session (its token wiped now) and DELETE it with the token it
 * had; timeout_ms 0 is the host's.  0 when the DELETE went out (cb runs
 * once), or -1 when there was nothing to delete or it could not be sent.
 */
int rf_session_delete(struct rf_session *s, long timeout_ms, rf_http_cb cb, void *arg);

#endif

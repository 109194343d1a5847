/*
 * vnc/relay-int.h - the relay's insides, shared by relay.c (listener,
 * viewer, plumbing), relay-up.c (the BMC side) and relay-login.c (its
 * Redfish session).  Not for use outside src/vnc/relay*.c.
 */
#ifndef BMCTOP_VNC_RELAY_INT_H
#define BMCTOP_VNC_RELAY_INT_H

#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "core/outq.h"
#include "redfish/session.h"
#include "tls/conn.h"
#include "vnc/relay.h"
#include "vnc/rfb.h"
#include "vnc/ws.h"

#define READ_CHUNK	  (64 * 1024)
#define DEFAULT_FRAME_OUT (64 * 1024)
#define MAX_FRAME_IN	  (64 * 1024 * 1024)
#define PENDING_MAX	  (64 * 1024) /* viewer bytes held while the BMC side connects */
#define HANDSHAKE_MAX	  (RFB_MAX_REASON + 1024)
#define MAX_FAILURES	  3
/*
 * A side's queue passes high water only by what the relay makes before it
 * stops reading: one read from each side (READ_CHUNK, plus a TLS record
 * OpenSSL held back) and the viewer's PENDING_MAX bytes sent once the BMC
 * side is ready, in WebSocket and TLS framing - at worst about 6.3 times
 * the bytes (16-byte frames, max-frame-out's least, each in its own TLS 1.2
 * CBC-SHA384 record): under 1 MiB.  A queue past OUT_LIMIT means that
 * reasoning broke, and the side fails.
 */
#define OUT_LIMIT (4 * VNC_RELAY_HIGH_WATER)

enum up_stage {
	UP_IDLE,    /* no viewer authenticated yet */
	UP_LOGIN,   /* Redfish session */
	UP_RESOLVE, /* getaddrinfo */
	UP_CONNECT,
	UP_TLS,
	UP_UPGRADE, /* HTTP upgrade to WebSocket */
	UP_RFB,	    /* RFB handshake with the BMC */
	UP_PASS	    /* passing bytes through */
};

struct bytes {
	uint8_t *p;
	size_t len, cap;
};

/*
 * One connection: the BMC's (embedded in the relay), or one accepted on the
 * local port (allocated; a candidate until it authenticates, then the
 * viewer).  Freed when its last handle has closed.
 */
struct side {
	uv_tcp_t tcp;
	uv_timer_t grace; /* accepted connections: the login grace time */
	struct vnc_relay *r;
	int handles;   /* of tcp and grace, initialised and not yet closed */
	int open;      /* tcp is initialised and not closing */
	int connected; /* may be read: connected and not shutting down */
	int reading;
	struct outq out;      /* toward this side; initialised with tcp */
	struct rfb_server rs; /* accepted connections: the relay as VNC server */
	struct bytes in;      /* candidates: handshake bytes not yet used */
	uint8_t rbuf[READ_CHUNK];
};

struct vnc_relay {
	uv_loop_t *loop;
	struct bmc_host *h;
	struct vnc_target t;
	vnc_relay_end_cb cb;
	void *arg;

	uv_tcp_t listener;
	uv_timer_t timer;
	int port;
	char *passwd_path;
	char otp[RFB_PASSWORD_LEN + 1];
	int failures;

	struct side up;
	struct side *viewer; /* the connection that authenticated, or NULL */
	struct side *startups[VNC_RELAY_MAX_STARTUPS]; /* still in the handshake */
	struct rfb_client rc;
	struct bytes pending; /* viewer bytes before UP_PASS */
	struct bytes hs;      /* BMC bytes during the upgrade and RFB handshake */
	enum up_stage stage;
	uv_getaddrinfo_t gai;

	/* TLS */
	struct tls_conn tls;
	uint8_t plain[READ_CHUNK];

	/* WebSocket */
	char ws_key[32];
	struct ws_decoder wsd;

	/* Redfish session (rfs.http is set once the login starts) */
	struct rf_session rfs;
	int rf_want_pin;
	void (*logged_in)(struct vnc_relay *r); /* what follows the login */
	/* The service root GET or the login POST is in flight: the HTTP
	 * client is not released (nor the relay freed) until it answers. */
	int rf_busy;

	uint64_t to_viewer, to_server;
	unsigned pending_handles; /* handles, requests and the HTTP client still open */
	int ending;
	int status;
	char *msg;
};

static inline const char *relay_host_name(const struct vnc_relay *r)
{
	return r->h->cfg->name;
}

/* relay.c */
void relay_bytes_append(struct bytes *b, const uint8_t *p, size_t n);
void relay_bytes_consume(struct bytes *b, size_t n);
void relay_bytes_free(struct bytes *b);
/* End the relay (once): close everything, delete the session, then the callback. */
void relay_end(struct vnc_relay *r, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Free the relay once it ends and nothing is left open. */
void relay_maybe_finish(struct vnc_relay *r);
/* Initialise s's socket and the queue toward it; s is open from then on. */
void relay_side_init(struct side *s);
/* Write to a side, queueing what the socket does not take (backpressure). */
void relay_side_write(struct side *s, const uint8_t *p, size_t n);
/* Bytes of the stream to the viewer, counted. */
void relay_to_viewer(struct vnc_relay *r, const uint8_t *p, size_t n);
/* Start or stop reading each side, by the high- and low-water marks. */
void relay_update_reading(struct vnc_relay *r);
/* Write what the relay's RFB server side has for s. */
void relay_side_flush_handshake(struct side *s);

/* relay-up.c */
/* A viewer authenticated: log in if the target wants it, then connect. */
void relay_up_start(struct vnc_relay *r);
void relay_up_connect(struct vnc_relay *r);
/* Bytes read from the BMC's socket. */
void relay_up_bytes(struct vnc_relay *r, uint8_t *p, size_t n);
/* Bytes of the RFB stream to the BMC (framed for WebSocket), counted. */
void relay_up_write(struct vnc_relay *r, const uint8_t *p, size_t n);
/* Answer the latest ping, once nothing else waits to go to the BMC. */
void relay_up_answer_ping(struct vnc_relay *r);

/* relay-login.c */
/* The service root, then the login; logged_in(r) once the token is had. */
void relay_login_start(struct vnc_relay *r, void (*logged_in)(struct vnc_relay *r));
/* Delete the session (when there is one), then release the HTTP client. */
void relay_login_end(struct vnc_relay *r);

#endif

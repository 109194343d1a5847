/*
 * vnc/relay.h - a local RFB relay to a host's graphical console.
 *
 * vnc_relay_start() listens on 127.0.0.1 on a port the kernel picks (never
 * another address) and writes a random one-time password, in the vncpasswd
 * format viewers read (-passwd FILE), to a 0600 file in the state
 * directory.  A viewer that connects must pass VNC authentication with it;
 * only then does the relay reach the BMC - over RFB/TCP, ws:// or wss://,
 * with a Redfish session token when the target's profile asks for one -
 * perform the security the BMC asks for (None, or VNC authentication with
 * the host's vnc-password), and from then on pass the stream through
 * unchanged both ways, with bounded buffers: the side that is ahead stops
 * being read until the other has drained.
 *
 * Up to VNC_RELAY_MAX_STARTUPS local connections may be in the handshake
 * at once, each for at most VNC_RELAY_GRACE_MS; the first to authenticate
 * is the viewer, the others are closed.  One viewer per relay; a relay
 * ends when either side closes (or after three failed connections - a
 * wrong password, a broken handshake, silence past the grace time - or
 * vnc_relay_stop()), deletes its Redfish session and its password file,
 * and then calls its end callback once.  Several relays may run at once on
 * one loop.
 */
#ifndef BMCTOP_VNC_RELAY_H
#define BMCTOP_VNC_RELAY_H

#include <stddef.h>
#include <stdint.h>

#include "core/engine.h"
#include "vnc/target.h"

struct vnc_relay;

/* The relay ended: status 0 (a side closed normally) or BMC_E*, msg for a
 * person.  r is freed when the callback returns. */
typedef void (*vnc_relay_end_cb)(struct vnc_relay *r, int status, const char *msg, void *arg);

/* Buffers: a side with more than this queued stops both sides being read,
 * until both are below the low-water mark. */
#define VNC_RELAY_HIGH_WATER (1024 * 1024)
#define VNC_RELAY_LOW_WATER  (256 * 1024)

/* Connections in the VNC handshake at once, and how long each may take. */
#define VNC_RELAY_MAX_STARTUPS 4
#define VNC_RELAY_GRACE_MS     10000

/*
 * Start a relay for h (resolving its target with vnc_target_resolve) on
 * h's engine loop.  0 with *out, or a negative BMC_E* with *err for a
 * person (no console configured, unsupported vendor, no local port).
 */
int vnc_relay_start(struct vnc_relay **out, struct bmc_host *h, vnc_relay_end_cb cb, void *arg,
		    char **err);
/* The same, to an explicit target (taken over by the relay). */
int vnc_relay_start_target(struct vnc_relay **out, struct bmc_host *h, struct vnc_target *t,
			   vnc_relay_end_cb cb, void *arg, char **err);
/* End it now; the end callback runs from the loop with BMC_ECANCELED. */
void vnc_relay_stop(struct vnc_relay *r);

/* Where viewers connect: 127.0.0.1:port. */
int vnc_relay_port(const struct vnc_relay *r);
/* The one-time password file (vncpasswd format, 0600). */
const char *vnc_relay_password_file(const struct vnc_relay *r);
/* What the relay reaches, for a person: rfb:HOST:PORT or the ws(s) URL. */
const char *vnc_relay_target(const struct vnc_relay *r);
/* The target's profile has not been verified against a real BMC. */
int vnc_relay_untested(const struct vnc_relay *r);
struct bmc_host *vnc_relay_host(const struct vnc_relay *r);
/* Bytes passed through so far. */
void vnc_relay_counters(const struct vnc_relay *r, uint64_t *to_viewer, uint64_t *to_server);

#endif

/*
 * vnc/rfbclient.h - a read-only RFB client on the engine's loop: the
 * current framebuffer of a host's graphical console, refreshed.
 *
 * It reaches the BMC through a vnc_relay (vnc/relay.h) of its own, as that
 * relay's viewer over loopback, so every upstream the relay knows - native
 * RFB, ws:// and wss:// (websockify, OpenBMC's /kvm/0), vendor profiles
 * with a Redfish session - works here unchanged, with the relay's bounds,
 * trust policy and session cleanup.  It asks for 32-bit true colour, the
 * encodings vnc/decode.c knows, a whole picture first and then incremental
 * updates every refresh_ms.  It never sends a key or pointer event.
 *
 * For the dashboard's Screen tab and wall: start one per shown host, draw
 * vnc_screen_fb() (or vnc_screen_scale() it to the pane) whenever the
 * callback says VNC_SCREEN_CHANGED, stop it when hidden.
 */
#ifndef BMCTOP_VNC_RFBCLIENT_H
#define BMCTOP_VNC_RFBCLIENT_H

#include <stdint.h>

#include "core/engine.h"
#include "vnc/fb.h"
#include "vnc/target.h"

struct vnc_screen;

enum vnc_screen_event {
	VNC_SCREEN_CHANGED, /* an update with pixels in it is complete */
	VNC_SCREEN_ENDED    /* status and msg say why; s is freed after the callback */
};

typedef void (*vnc_screen_cb)(struct vnc_screen *s, enum vnc_screen_event ev, int status,
			      const char *msg, void *arg);

/* The encodings asked for by default, best first. */
#define VNC_SCREEN_ENCODINGS "tight,zrle,hextile,copyrect,raw"

/*
 * Start a client for h on h's engine loop.  t: an explicit target (taken
 * over), or NULL to resolve h's.  refresh_ms: the time between update
 * requests after the first picture (0: only the first).  encodings: a
 * comma list of tight, zrle, hextile, copyrect, raw (NULL: VNC_SCREEN_ENCODINGS;
 * Raw is always accepted, as RFC 6143 requires).  0 with *out, or a
 * negative BMC_E* with *err for a person.
 */
int vnc_screen_start(struct vnc_screen **out, struct bmc_host *h, struct vnc_target *t,
		     unsigned refresh_ms, const char *encodings, vnc_screen_cb cb, void *arg,
		     char **err);
/* End it: VNC_SCREEN_ENDED follows from the loop with BMC_ECANCELED. */
void vnc_screen_stop(struct vnc_screen *s);

/*
 * Keep no picture between refreshes, for many small pictures at once (the
 * dashboard's wall): each refresh asks for a whole picture into a new
 * framebuffer, freed again after VNC_SCREEN_CHANGED, so the callback takes
 * what it needs then (vnc_screen_scale).  Costs a whole picture's decoding
 * a refresh instead of a framebuffer's memory.
 */
void vnc_screen_set_lean(struct vnc_screen *s, int lean);
/* The picture so far (RGB888), or NULL before the server's first answer
 * (and, when lean, outside VNC_SCREEN_CHANGED). */
const struct vnc_fb *vnc_screen_fb(const struct vnc_screen *s);
/* Complete updates with pixels so far (0: no picture yet). */
uint64_t vnc_screen_generation(const struct vnc_screen *s);
/* The picture scaled into out (w * h * 3 bytes); -1 before the first picture. */
int vnc_screen_scale(const struct vnc_screen *s, uint8_t *out, int w, int h);
/* The encodings the server has used so far, e.g. "ZRLE,Raw" (Tight JPEG: "Tight-JPEG"). */
const char *vnc_screen_encodings_used(const struct vnc_screen *s);
/* The desktop name the server gave. */
const char *vnc_screen_name(const struct vnc_screen *s);

#endif

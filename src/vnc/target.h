/*
 * vnc/target.h - where a host's graphical console is: the fleet's "vnc ="
 * value resolved, through a vendor console profile when it names one.
 *
 * Profiles are data files (consoles/NAME.conf), so a vendor's URL or quirk
 * can be corrected without a rebuild.  They are looked up in
 * $XDG_CONFIG_HOME/bmctop/consoles/, then the installed data directory,
 * then the source tree's data/consoles/ (an uninstalled build).
 */
#ifndef BMCTOP_VNC_TARGET_H
#define BMCTOP_VNC_TARGET_H

#include <stddef.h>

#include "core/engine.h"

enum vnc_transport { VNC_TRANSPORT_RFB, VNC_TRANSPORT_WS };
enum vnc_profile_status { VNC_TESTED, VNC_UNTESTED, VNC_UNSUPPORTED };

struct vnc_profile {
	char *name;  /* file name without .conf: openbmc */
	char *title; /* OpenBMC (bmcweb) */
	enum vnc_profile_status status;
	char *url;	      /* pattern: {address}, {redfish} (the Redfish URL's host:port) */
	int redfish_session;  /* auth = redfish-session */
	size_t max_frame_out; /* 0: no limit beyond the relay's own */
	char *reason;	      /* why unsupported */
	char *notes;
	char *path; /* the file it came from */
};

struct vnc_target {
	enum vnc_transport transport;
	char *host;
	int port;
	int tls;	      /* wss:// */
	char *path;	      /* ws: the request path */
	char *url;	      /* as a person reads it: rfb:HOST:PORT or ws(s)://... */
	char *origin;	      /* https://HOST:PORT of a wss target, for known_hosts */
	int redfish_session;  /* log in to Redfish, send X-Auth-Token */
	size_t max_frame_out; /* WebSocket frames to the server at most this long */
	char *profile;	      /* the profile used, or NULL */
	enum vnc_profile_status status;
};

/* Load profile name.  0, or BMC_ENOTSUP / BMC_ECONFIG with *err. */
int vnc_profile_load(const char *name, struct vnc_profile *p, char **err);
/* Parse a profile's text (for tests); path is for messages. */
int vnc_profile_parse(const char *path, const char *name, const char *text, struct vnc_profile *p,
		      char **err);
void vnc_profile_free(struct vnc_profile *p);
const char *vnc_profile_status_name(enum vnc_profile_status s);

/* rfb:HOST:PORT, ws://HOST[:PORT]/PATH or wss://...; 0 or BMC_ECONFIG. */
int vnc_target_parse(const char *spec, struct vnc_target *t, char **err);
/*
 * The target of h: its vnc = value, or for "auto" the profile its vendor
 * calls for (known once the host was polled).  0, or BMC_ENOTSUP (none,
 * unsupported vendor, nothing known) / BMC_ECONFIG, with *err for a person.
 */
int vnc_target_resolve(const struct bmc_host *h, struct vnc_target *t, char **err);
void vnc_target_free(struct vnc_target *t);

#endif

/*
 * vnc/ws.c - WebSocket (RFC 6455) client codec: handshake and framing.
 *
 * The decoder is a small state machine fed whatever the socket produced:
 * first the header (2 to 14 bytes, possibly split across reads), then the
 * payload, handed out in pieces as it comes.  Every rule the RFC states as
 * MUST for a client receiving frames is checked here, so the I/O code only
 * moves bytes.
 */
#include "config.h"

#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/xalloc.h"
#include "vnc/ws.h"

static const char ws_guid[] = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

void ws_decoder_init(struct ws_decoder *d, uint64_t max_frame, int want_masked)
{
	memset(d, 0, sizeof *d);
	d->max_frame = max_frame;
	d->want_masked = want_masked;
}

static ssize_t fail(struct ws_decoder *d, const char *why)
{
	d->error = why;
	return -1;
}

static int is_control(int op)
{
	return op >= 0x8;
}

/* Strict UTF-8: no overlongs, no surrogates, nothing past U+10FFFF. */
static int utf8_valid(const uint8_t *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		uint8_t c = s[i];
		size_t n;
		uint32_t cp;

		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			n = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3;
			cp = c & 0x07;
		} else {
			return 0;
		}
		if (len - i <= n)
			return 0;
		for (size_t k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += n + 1;
	}
	return 1;
}

int ws_close_code_valid(unsigned code)
{
	if (code >= 3000 && code <= 4999)
		return 1;
	/* 1004-1006 and 1015 are reserved for local use, never sent. */
	return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014);
}

static size_t header_need(const uint8_t *h)
{
	size_t n = 2;

	if ((h[1] & 0x7f) == 126)
		n += 2;
	else if ((h[1] & 0x7f) == 127)
		n += 8;
	if (h[1] & 0x80)
		n += 4;
	return n;
}

static ssize_t check_header(struct ws_decoder *d)
{
	const uint8_t *h = d->hdr;
	int op = h[0] & 0x0f;
	size_t p = 2;
	uint64_t len = h[1] & 0x7f;

	if (d->closed)
		return fail(d, "a frame after the close frame");
	if (h[0] & 0x70)
		return fail(d, "reserved bits set in a frame header (no extension was negotiated)");
	if (op != WS_OP_CONT && op != WS_OP_TEXT && op != WS_OP_BINARY && op != WS_OP_CLOSE &&
	    op != WS_OP_PING && op != WS_OP_PONG)
		return fail(d, "unknown frame opcode");
	d->masked = (h[1] & 0x80) != 0;
	if (d->masked != d->want_masked)
		return fail(d, d->masked ? "a masked frame from the server"
					 : "an unmasked frame from the client");
	if (len == 126) {
		len = (uint64_t)h[2] << 8 | h[3];
		p = 4;
	} else if (len == 127) {
		len = 0;
		for (int i = 0; i < 8; i++)
			len = len << 8 | h[2 + i];
		p = 10;
		if (len >> 63)
			return fail(d, "a frame length with the top bit set");
	}
	if (d->masked)
		memcpy(d->mask, h + p, 4);
	d->fin = (h[0] & 0x80) != 0;
	if (is_control(op)) {
		if (!d->fin)
			return fail(d, "a fragmented control frame");
		if (len > WS_MAX_CONTROL)
			return fail(d, "a control frame longer than 125 bytes");
	} else {
		if (len > d->max_frame)
			return fail(d, "a data frame larger than the limit");
		if (op == WS_OP_CONT && !d->message_open)
			return fail(d, "a continuation frame with no message to continue");
		if (op != WS_OP_CONT && d->message_open)
			return fail(d, "a new message before the fragmented one ended");
		if (op != WS_OP_CONT)
			d->message_text = op == WS_OP_TEXT;
		d->message_open = !d->fin;
	}
	d->opcode = op;
	d->left = len;
	d->offset = 0;
	d->ctl_len = 0;
	d->in_payload = 1;
	return 0;
}

/* A control frame is complete: turn it into an event. */
static ssize_t control_event(struct ws_decoder *d, struct ws_event *ev)
{
	ev->data = d->ctl;
	ev->len = d->ctl_len;
	switch (d->opcode) {
	case WS_OP_PING:
		ev->type = WS_EV_PING;
		memcpy(d->pong, d->ctl, d->ctl_len);
		d->pong_len = d->ctl_len;
		d->pong_due = 1;
		break;
	case WS_OP_PONG:
		ev->type = WS_EV_PONG;
		break;
	default:
		if (d->ctl_len == 1)
			return fail(d, "a close frame with a one-byte payload");
		if (d->ctl_len >= 2) {
			ev->close_code = (uint16_t)(d->ctl[0] << 8 | d->ctl[1]);
			if (!ws_close_code_valid(ev->close_code))
				return fail(d, "a close frame with a code that may not be sent");
			if (!utf8_valid(d->ctl + 2, d->ctl_len - 2))
				return fail(d, "a close frame whose reason is not UTF-8");
		}
		d->closed = 1;
		ev->type = WS_EV_CLOSE;
		break;
	}
	return 0;
}

ssize_t ws_decode(struct ws_decoder *d, uint8_t *buf, size_t len, struct ws_event *ev)
{
	size_t used = 0, n;

	memset(ev, 0, sizeof *ev);
	if (d->error != NULL)
		return -1;
	if (!d->in_payload) {
		while (d->hdr_len < 2 && used < len)
			d->hdr[d->hdr_len++] = buf[used++];
		if (d->hdr_len < 2)
			return (ssize_t)used;
		n = header_need(d->hdr);
		while (d->hdr_len < n && used < len)
			d->hdr[d->hdr_len++] = buf[used++];
		if (d->hdr_len < n)
			return (ssize_t)used;
		d->hdr_len = 0;
		if (check_header(d) != 0)
			return -1;
		if (d->left > 0)
			return (ssize_t)used;
		/* An empty frame: it ends here. */
		d->in_payload = 0;
		if (is_control(d->opcode) && control_event(d, ev) != 0)
			return -1;
		return (ssize_t)used;
	}
	n = len - used;
	if (n > d->left)
		n = (size_t)d->left;
	if (is_control(d->opcode)) {
		memcpy(d->ctl + d->ctl_len, buf + used, n);
		if (d->masked)
			ws_apply_mask(d->ctl + d->ctl_len, n, d->mask, d->offset);
		d->ctl_len += n;
	} else if (n > 0) {
		if (d->masked)
			ws_apply_mask(buf + used, n, d->mask, d->offset);
		ev->type = WS_EV_DATA;
		ev->data = buf + used;
		ev->len = n;
		ev->text = d->message_text;
	}
	d->left -= n;
	d->offset += n;
	used += n;
	if (d->left == 0) {
		d->in_payload = 0;
		if (is_control(d->opcode) && control_event(d, ev) != 0)
			return -1;
	}
	return (ssize_t)used;
}

int ws_pong_take(struct ws_decoder *d, uint8_t out[WS_MAX_CONTROL], size_t *len)
{
	if (!d->pong_due)
		return 0;
	memcpy(out, d->pong, d->pong_len);
	*len = d->pong_len;
	d->pong_due = 0;
	return 1;
}

size_t ws_frame_header(uint8_t *out, int opcode, int fin, uint64_t len, const uint8_t *mask)
{
	size_t p = 2;

	out[0] = (uint8_t)((fin ? 0x80 : 0) | (opcode & 0x0f));
	if (len < 126) {
		out[1] = (uint8_t)len;
	} else if (len <= 0xffff) {
		out[1] = 126;
		out[2] = (uint8_t)(len >> 8);
		out[3] = (uint8_t)len;
		p = 4;
	} else {
		out[1] = 127;
		for (int i = 0; i < 8; i++)
			out[2 + i] = (uint8_t)(len >> (56 - 8 * i));
		p = 10;
	}
	if (mask != NULL) {
		out[1] |= 0x80;
		memcpy(out + p, mask, 4);
		p += 4;
	}
	return p;
}

void ws_apply_mask(uint8_t *data, size_t len, const uint8_t mask[4], uint64_t offset)
{
	size_t i;

	for (i = 0; i < len; i++)
		data[i] ^= mask[(offset + i) & 3];
}

size_t ws_build_frame(uint8_t *out, size_t cap, int opcode, const uint8_t *payload, size_t len,
		      const uint8_t *mask)
{
	uint8_t hdr[WS_MAX_HEADER];
	size_t h;

	if (is_control(opcode) && len > WS_MAX_CONTROL)
		return 0;
	h = ws_frame_header(hdr, opcode, 1, len, mask);
	if (cap < h || cap - h < len)
		return 0;
	memcpy(out, hdr, h);
	if (len > 0)
		memcpy(out + h, payload, len);
	if (mask != NULL)
		ws_apply_mask(out + h, len, mask, 0);
	return h + len;
}

size_t ws_close_payload(uint8_t *out, uint16_t code, const char *reason)
{
	size_t n = reason ? strlen(reason) : 0;

	if (n > WS_MAX_CONTROL - 2)
		n = WS_MAX_CONTROL - 2;
	/* Never cut a UTF-8 sequence in two. */
	while (n > 0 && reason && ((uint8_t)reason[n] & 0xc0) == 0x80)
		n--;
	out[0] = (uint8_t)(code >> 8);
	out[1] = (uint8_t)code;
	if (n > 0)
		memcpy(out + 2, reason, n);
	return n + 2;
}

/* The handshake. */

void ws_accept_for_key(const char *key, char *out, size_t outlen)
{
	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned char b64[32];
	char joined[128];

	snprintf(joined, sizeof joined, "%.80s%s", key, ws_guid);
	EVP_Digest(joined, strlen(joined), digest, NULL, EVP_sha1(), NULL);
	EVP_EncodeBlock(b64, digest, 20);
	snprintf(out, outlen, "%s", (char *)b64);
}

void ws_key_from_bytes(const uint8_t nonce[16], char *out, size_t outlen)
{
	unsigned char b64[32];

	EVP_EncodeBlock(b64, nonce, 16);
	snprintf(out, outlen, "%s", (char *)b64);
}

char *ws_upgrade_request(const char *host, const char *path, const char *key, const char *protocols,
			 const char *extra_headers)
{
	char *proto =
	    protocols ? xasprintf("Sec-WebSocket-Protocol: %s\r\n", protocols) : xstrdup("");
	char *req = xasprintf("GET %s HTTP/1.1\r\n"
			      "Host: %s\r\n"
			      "Upgrade: websocket\r\n"
			      "Connection: Upgrade\r\n"
			      "Sec-WebSocket-Key: %s\r\n"
			      "Sec-WebSocket-Version: 13\r\n"
			      "%s%s\r\n",
			      path, host, key, proto, extra_headers ? extra_headers : "");

	free(proto);
	return req;
}

/* Whether a comma-separated header value holds token (case-insensitive). */
static int has_token(const char *value, size_t len, const char *token)
{
	size_t t = strlen(token), i = 0;

	while (i < len) {
		size_t start, end;

		while (i < len && (value[i] == ' ' || value[i] == '\t' || value[i] == ','))
			i++;
		start = i;
		while (i < len && value[i] != ',')
			i++;
		end = i;
		while (end > start && (value[end - 1] == ' ' || value[end - 1] == '\t'))
			end--;
		if (end - start == t && strncasecmp(value + start, token, t) == 0)
			return 1;
	}
	return 0;
}

static int upgrade_error(struct ws_upgrade_result *res, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int upgrade_error(struct ws_upgrade_result *res, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(res->why, sizeof res->why, fmt, ap);
	va_end(ap);
	return -1;
}

/* Printable copy of at most 60 bytes of a header value, for messages. */
static void printable(char *out, size_t outlen, const char *s, size_t len)
{
	size_t i, o = 0;

	for (i = 0; i < len && o + 1 < outlen && i < 60; i++)
		out[o++] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
	out[o] = '\0';
}

int ws_upgrade_check(const char *buf, size_t len, const char *key, const char *offered,
		     struct ws_upgrade_result *res)
{
	const char *end = NULL, *line, *next;
	char accept[32], shown[64];
	int got_upgrade = 0, got_connection = 0, got_accept = 0;
	size_t i, scan = len < WS_MAX_RESPONSE_HEAD ? len : WS_MAX_RESPONSE_HEAD;

	memset(res, 0, sizeof *res);
	for (i = 0; i + 3 < scan; i++) {
		if (memcmp(buf + i, "\r\n\r\n", 4) == 0) {
			end = buf + i + 2; /* the last header line's end */
			break;
		}
	}
	if (end == NULL) {
		if (len >= WS_MAX_RESPONSE_HEAD)
			return upgrade_error(
			    res,
			    "the server's answer to the upgrade has a head longer than %d bytes",
			    WS_MAX_RESPONSE_HEAD);
		return 0;
	}
	res->head_len = (size_t)(end - buf) + 2;
	next = memchr(buf, '\n', (size_t)(end - buf));
	if (next == NULL || next - buf < 12 || strncmp(buf, "HTTP/1.", 7) != 0 || buf[8] != ' ')
		return upgrade_error(res, "the server did not answer the upgrade with HTTP");
	for (i = 9; i < 12; i++) {
		if (buf[i] < '0' || buf[i] > '9')
			return upgrade_error(res, "the server's HTTP status line is malformed");
		res->status = res->status * 10 + (buf[i] - '0');
	}
	if (res->status != 101) {
		printable(shown, sizeof shown, buf + 9, (size_t)(next - buf) - 9);
		for (i = strlen(shown); i > 0 && (shown[i - 1] == '?' || shown[i - 1] == ' '); i--)
			shown[i - 1] = '\0';
		return upgrade_error(res, "the server refused the WebSocket upgrade: HTTP %s",
				     shown);
	}
	ws_accept_for_key(key, accept, sizeof accept);
	for (line = next + 1; line < end; line = next + 1) {
		const char *colon, *v;
		size_t vlen, nlen;

		next = memchr(line, '\n', (size_t)(end - line));
		if (next == NULL)
			next = end;
		colon = memchr(line, ':', (size_t)(next - line));
		if (colon == NULL)
			continue;
		nlen = (size_t)(colon - line);
		v = colon + 1;
		while (v < next && (*v == ' ' || *v == '\t'))
			v++;
		vlen = (size_t)(next - v);
		while (vlen > 0 &&
		       (v[vlen - 1] == '\r' || v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
			vlen--;
#define IS(name) (nlen == sizeof(name) - 1 && strncasecmp(line, name, nlen) == 0)
		if (IS("Upgrade")) {
			got_upgrade = has_token(v, vlen, "websocket");
		} else if (IS("Connection")) {
			got_connection = has_token(v, vlen, "upgrade");
		} else if (IS("Sec-WebSocket-Accept")) {
			got_accept = vlen == strlen(accept) && memcmp(v, accept, vlen) == 0;
			if (!got_accept)
				return upgrade_error(
				    res,
				    "the server's Sec-WebSocket-Accept does not match our key");
		} else if (IS("Sec-WebSocket-Protocol")) {
			printable(shown, sizeof shown, v, vlen);
			if (offered == NULL || vlen >= sizeof res->protocol ||
			    !has_token(offered, strlen(offered), shown))
				return upgrade_error(
				    res,
				    "the server chose subprotocol \"%s\", which was not offered",
				    shown);
			snprintf(res->protocol, sizeof res->protocol, "%s", shown);
		} else if (IS("Sec-WebSocket-Extensions")) {
			return upgrade_error(
			    res, "the server turned on a WebSocket extension that was not offered");
		}
#undef IS
	}
	if (!got_upgrade || !got_connection)
		return upgrade_error(res, "the server answered 101 without \"Upgrade: websocket\" "
					  "and \"Connection: Upgrade\"");
	if (!got_accept)
		return upgrade_error(res, "the server answered 101 without Sec-WebSocket-Accept");
	return 1;
}

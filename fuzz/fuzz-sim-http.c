/*
 * fuzz-sim-http.c - libFuzzer target for bmcsim's Redfish server
 * (sim/http*.c, sim/redfish*.c): its HTTP/1.1 request parser and the router
 * behind it, on one simulated BMC, below TLS.
 *
 * The first byte of an input picks how the rest is delivered: bit 0 turns
 * on substitution ("$TOKEN" becomes the X-Auth-Token of a session this
 * target logged in with, "$BASIC" the Basic credentials), so seeds reach
 * the authenticated resources; the other seven bits seed the points where
 * the bytes are split, as TCP segments would split them (0: one piece).
 * Each input is one connection.  Whatever the server answers must be a
 * sequence of whole HTTP/1.1 responses whose bodies are JSON.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "fuzz-sim.h"
#include "http.h"
#include "sim.h"

#define USER	 "fuzz"
#define PASSWORD "fuzz-pass-7"

static uv_loop_t loop;
static struct sim sim;
static char token[33];
static char basic[64];
static unsigned since_check;
static int session_doubt; /* an input may have deleted the session */

static char *out;
static size_t out_len, out_cap;

static void on_sent(const char *buf, size_t len)
{
	if (out_len + len > out_cap) {
		out_cap = (out_len + len) * 2;
		out = realloc(out, out_cap);
		if (out == NULL)
			abort();
	}
	memcpy(out + out_len, buf, len);
	out_len += len;
}

/* One connection: the pieces in order, then close it and let it free. */
static void run_connection(const char *const *piece, const size_t *piece_len, size_t n)
{
	struct http_conn *c = sim_http_fuzz_open(&sim.bmcs[0]);

	out_len = 0;
	for (size_t i = 0; i < n; i++)
		if (sim_http_fuzz_feed(c, piece[i], piece_len[i]) != 0)
			break;
	sim_http_fuzz_close(c);
	uv_run(&loop, UV_RUN_NOWAIT);
}

static void run_request(const char *req)
{
	size_t len = strlen(req);

	run_connection(&req, &len, 1);
}

/* Every answer: status line, headers, a Content-Length body that is JSON. */
static void check_answers(void)
{
	size_t off = 0;

	while (off < out_len) {
		const char *p = out + off, *end, *cl;
		size_t head, body;
		json_error_t jerr;
		json_t *j;

		if (out_len - off < 12 || memcmp(p, "HTTP/1.1 ", 9) != 0)
			abort();
		end = memmem(p, out_len - off, "\r\n\r\n", 4);
		if (end == NULL)
			abort();
		head = (size_t)(end - p) + 4;
		cl = memmem(p, head, "\r\nContent-Length: ", 18);
		if (cl == NULL)
			abort();
		body = strtoul(cl + 18, NULL, 10);
		if (body > out_len - off - head)
			abort();
		if (body > 0) {
			j = json_loadb(p + head, body, 0, &jerr);
			if (j == NULL)
				abort();
			json_decref(j);
		}
		off += head + body;
	}
}

/* Log in; 0, or -1 when the server refused (say, every session slot taken). */
static int login(void)
{
	static const char body[] = "{\"UserName\":\"" USER "\",\"Password\":\"" PASSWORD "\"}";
	char req[256];
	const char *t;

	snprintf(req, sizeof(req),
		 "POST /redfish/v1/SessionService/Sessions HTTP/1.1\r\n"
		 "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
		 strlen(body), body);
	run_request(req);
	t = memmem(out, out_len, "X-Auth-Token: ", 14);
	if (t == NULL || out_len - (size_t)(t - out) < 14 + 32)
		return -1;
	memcpy(token, t + 14, 32);
	token[32] = '\0';
	return 0;
}

/* The session may be gone (an input deleted it): log in again if so. */
static void check_session(void)
{
	char req[160];

	snprintf(req, sizeof(req),
		 "GET /redfish/v1/SessionService HTTP/1.1\r\nX-Auth-Token: %s\r\n\r\n", token);
	run_request(req);
	if (out_len < 12 || memcmp(out, "HTTP/1.1 200", 12) != 0)
		(void)login(); /* on failure, the next input tries again */
}

int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_sim_init(&sim, &loop, USER, PASSWORD, 7);
	sim_redfish_fuzz_start(&sim, on_sent);
	EVP_EncodeBlock((unsigned char *)basic, (const unsigned char *)USER ":" PASSWORD,
			(int)strlen(USER ":" PASSWORD));
	if (login() != 0)
		abort(); /* the first login must work */
	return 0;
}

/* Copy data to buf with "$TOKEN" and "$BASIC" filled in; returns the length. */
static size_t substitute(const uint8_t *data, size_t size, char *buf)
{
	size_t n = 0;

	for (size_t i = 0; i < size;) {
		if (size - i >= 6 && memcmp(data + i, "$TOKEN", 6) == 0) {
			memcpy(buf + n, token, 32);
			n += 32;
			i += 6;
		} else if (size - i >= 6 && memcmp(data + i, "$BASIC", 6) == 0) {
			memcpy(buf + n, basic, strlen(basic));
			n += strlen(basic);
			i += 6;
		} else {
			buf[n++] = (char)data[i++];
		}
	}
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *piece[64];
	static size_t piece_len[64];
	char *buf;
	size_t len, n = 0, off = 0;
	uint32_t rng;

	if (size < 1 || size > 200000)
		return 0;
	/* An input that might have deleted the session, and now and then for
	 * the idle timeout, costs a check. */
	if (since_check++ >= 1000 || session_doubt) {
		check_session();
		since_check = 0;
		session_doubt = 0;
	}
	buf = malloc(size * 6 + 1); /* "$TOKEN" (6) becomes 32: at most 6x */
	if (buf == NULL)
		abort();
	if (data[0] & 1) {
		len = substitute(data + 1, size - 1, buf);
	} else {
		memcpy(buf, data + 1, size - 1);
		len = size - 1;
	}
	rng = (uint32_t)(data[0] >> 1) * 2654435761u + 1;
	while (off < len && n < 64) {
		size_t take = len - off;

		if (data[0] >> 1 && n < 63) {
			rng ^= rng << 13;
			rng ^= rng >> 17;
			rng ^= rng << 5;
			take = 1 + rng % (rng & 0x100 ? 8 : 600);
			if (take > len - off)
				take = len - off;
		}
		piece[n] = buf + off;
		piece_len[n++] = take;
		off += take;
	}
	run_connection(piece, piece_len, n);
	check_answers();
	if (memmem(buf, len, "DELETE", 6) != NULL || token[0] == '\0')
		session_doubt = 1;
	free(buf);
	return 0;
}

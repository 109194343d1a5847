/*
 * test-http-request.c - the request head parser of bmctop serve: complete
 * and partial heads, limits, refusals, query and Accept helpers.
 */
#include "config.h"

#include <string.h>

#include "core/http-request.h"
#include "runner.h"

static int parse(struct http_request *r, const char *s)
{
	return http_request_parse(r, s, strlen(s));
}

TEST(http_request_simple_get)
{
	struct http_request r;
	const char *s = "GET /metrics HTTP/1.1\r\nHost: x:1\r\nAccept: application/openmetrics-text;"
			"version=1.0.0,text/plain;q=0.5\r\n\r\nGET /next";

	ASSERT_EQ(parse(&r, s), (int)(strstr(s, "GET /next") - s));
	ASSERT_STREQ(r.method, "GET");
	ASSERT_STREQ(r.target, "/metrics");
	ASSERT_STREQ(r.host, "x:1");
	ASSERT_EQ(r.keep_alive, 1);
	ASSERT(http_request_accepts(&r, "application/openmetrics-text"));
	ASSERT(http_request_accepts(&r, "text/plain"));
	ASSERT(!http_request_accepts(&r, "application/json"));
}

TEST(http_request_accept_encoding)
{
	struct http_request r;

	ASSERT(parse(&r, "GET / HTTP/1.1\r\nHost: a\r\nAccept-Encoding: gzip\r\n\r\n") > 0);
	ASSERT_EQ(r.accepts_gzip, 1);
	ASSERT(parse(&r, "GET / HTTP/1.1\r\nHost: a\r\nAccept-Encoding: br, GZIP;q=0.5\r\n\r\n") >
	       0);
	ASSERT_EQ(r.accepts_gzip, 1);
	ASSERT(parse(&r, "GET / HTTP/1.1\r\nHost: a\r\nAccept-Encoding: gzip;q=0.000\r\n\r\n") >
	       0);
	ASSERT_EQ(r.accepts_gzip, 0);
	ASSERT(parse(&r, "GET / HTTP/1.1\r\nHost: a\r\nAccept-Encoding: gzipx, deflate\r\n\r\n") >
	       0);
	ASSERT_EQ(r.accepts_gzip, 0);
	ASSERT(parse(&r, "GET / HTTP/1.1\r\nHost: a\r\n\r\n") > 0);
	ASSERT_EQ(r.accepts_gzip, 0);
}

TEST(http_request_partial_needs_more)
{
	struct http_request r;

	ASSERT_EQ(parse(&r, "GET / HTTP/1.1\r\nHost: x\r\n"), 0);
	ASSERT_EQ(parse(&r, "GE"), 0);
	ASSERT_EQ(parse(&r, ""), 0);
}

TEST(http_request_http10_closes_and_lf_only)
{
	struct http_request r;

	ASSERT(parse(&r, "HEAD /-/healthy HTTP/1.0\n\n") > 0);
	ASSERT_EQ(r.keep_alive, 0);
	ASSERT_STREQ(r.method, "HEAD");
	ASSERT(parse(&r, "GET / HTTP/1.1\r\nHost: a\r\nConnection: Close\r\n\r\n") > 0);
	ASSERT_EQ(r.keep_alive, 0);
}

TEST(http_request_refusals)
{
	struct http_request r;
	char big[HTTP_REQUEST_HEAD_MAX + 10];

	ASSERT_EQ(parse(&r, "GET / HTTP/1.1\r\n\r\n"), -400);		/* no Host */
	ASSERT_EQ(parse(&r, "GET / HTTP/2.0\r\nHost: a\r\n\r\n"), -505);
	ASSERT_EQ(parse(&r, "GET / FOO/1.1\r\nHost: a\r\n\r\n"), -400);
	ASSERT_EQ(parse(&r, "GET metrics HTTP/1.1\r\nHost: a\r\n\r\n"), -400);
	ASSERT_EQ(parse(&r, "GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n"), -400);
	ASSERT_EQ(parse(&r, "GET / HTTP/1.1\r\nHost: a\r\nBad Name: x\r\n\r\n"), -400);
	ASSERT_EQ(parse(&r, "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"), -400);
	ASSERT_EQ(parse(&r, "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\n"), -501);
	ASSERT_EQ(parse(&r, "GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"), -501);
	ASSERT_EQ(parse(&r, "GET / HTTP/1.1\r\nHost: a\r\nX: a\001b\r\n\r\n"), -400);
	ASSERT(parse(&r, "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n") > 0);
	memset(big, 'a', sizeof big);
	memcpy(big, "GET / HTTP/1.1\r\nX: ", 19);
	ASSERT_EQ(http_request_parse(&r, big, sizeof big), -431);
	ASSERT_EQ(http_request_parse(&r, "GET / HTTP/1.1\r\nHost: a\0\r\n\r\n", 28), -400);
}

TEST(http_request_query_decodes)
{
	char v[32];

	ASSERT_EQ(http_request_query("/probe?target=node%2001&x=1", "target", v, sizeof v), 1);
	ASSERT_STREQ(v, "node 01");
	ASSERT_EQ(http_request_query("/probe?module=a&target=b+c", "target", v, sizeof v), 1);
	ASSERT_STREQ(v, "b c");
	ASSERT_EQ(http_request_query("/probe?targets=a", "target", v, sizeof v), 0);
	ASSERT_EQ(http_request_query("/probe", "target", v, sizeof v), 0);
	ASSERT_EQ(http_request_query("/probe?target=%2", "target", v, sizeof v), -1);
	ASSERT_EQ(http_request_query("/probe?target=%00", "target", v, sizeof v), -1);
	ASSERT_EQ(http_request_query("/p?target=0123456789012345678901234567890123456789", "target",
				     v, sizeof v),
		  -1);
	ASSERT_EQ(http_request_path("/probe?target=a", v, sizeof v), 0);
	ASSERT_STREQ(v, "/probe");
}

/*
 * test-capture.c - the recorder of bmctop capture (core/capture.c): Redfish
 * bodies written as a mockup tree with serial numbers, UUIDs, MAC and IP
 * addresses redacted (the same value by the same placeholder, version
 * strings and subnet masks left alone); a collection read in pages kept
 * as one; paths that are not Redfish or climb out of the tree not written;
 * a FRU image read in chunks redacted whole, its checksums still right; an
 * existing directory or a link refused.
 */
#include "config.h"

#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/capture.h"
#include "core/xalloc.h"
#include "ipmi/fru.h"
#include "runner.h"

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	size_t n;

	if (f == NULL)
		return NULL;
	buf = xcalloc(1, 1 << 16);
	n = fread(buf, 1, (1 << 16) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static struct capture *open_capture(const char *name, unsigned flags)
{
	char *dir = xasprintf("%s/%s", test_tmpdir(), name);
	struct capture *c = NULL;
	char *err = NULL;

	ASSERT_EQ(capture_open(&c, dir, flags, &err), 0);
	free(dir);
	return c;
}

static char *file_in(const char *name, const char *rel)
{
	char *path = xasprintf("%s/%s/%s", test_tmpdir(), name, rel);
	char *text = slurp(path);

	free(path);
	return text;
}

TEST(capture_redfish_redacts_and_writes_a_tree)
{
	static const char system[] =
	    "{\"@odata.id\": \"/redfish/v1/Systems/1\", \"SerialNumber\": \"ABC123XYZ\","
	    " \"UUID\": \"4c4c4544-0042-3510-8052-b4c04f4e4432\", \"BiosVersion\": \"2.10.0.1\","
	    " \"Net\": {\"IPv4Addresses\": [{\"Address\": \"10.1.2.3\", \"SubnetMask\":"
	    " \"255.255.255.0\"}], \"NameServers\": [\"10.9.9.9\"],"
	    " \"MACAddress\": \"aa:bb:cc:dd:ee:ff\"}, \"Temp\": 42.1}";
	static const char chassis[] = "{\"SerialNumber\": \"ABC123XYZ\"}";
	struct capture *c = open_capture("c1", 0);
	char *err = NULL, *sys, *ch, *readme;
	json_t *j, *k;

	capture_redfish(c, "GET", "https://10.0.0.1/redfish/v1/Systems/1/", 200, system,
			strlen(system));
	capture_redfish(c, "GET", "https://10.0.0.1/redfish/v1/Chassis/1?$expand=.", 200, chassis,
			strlen(chassis));
	capture_redfish(c, "GET", "https://10.0.0.1/redfish/v1/../../etc", 200, chassis,
			strlen(chassis));
	capture_redfish(c, "GET", "https://10.0.0.1/other/x", 200, chassis, strlen(chassis));
	capture_redfish(c, "POST", "https://10.0.0.1/redfish/v1/Sessions", 201, chassis,
			strlen(chassis));
	ASSERT_EQ(capture_close(c, NULL, NULL, NULL, &err), 0);

	sys = file_in("c1", "redfish/v1/Systems/1/index.json");
	ch = file_in("c1", "redfish/v1/Chassis/1/index.json");
	readme = file_in("c1", "README");
	ASSERT(sys != NULL && ch != NULL && readme != NULL);
	ASSERT(strstr(sys, "ABC123XYZ") == NULL && strstr(ch, "ABC123XYZ") == NULL);
	ASSERT(strstr(sys, "4c4c4544") == NULL);
	ASSERT(strstr(sys, "10.1.2.3") == NULL && strstr(sys, "10.9.9.9") == NULL);
	ASSERT(strstr(sys, "aa:bb:cc") == NULL);
	ASSERT(strstr(sys, "255.255.255.0") != NULL);
	ASSERT(strstr(sys, "2.10.0.1") != NULL);
	ASSERT(strstr(sys, "42.1") != NULL && strstr(sys, "42.10000") == NULL);
	j = json_loads(sys, 0, NULL);
	k = json_loads(ch, 0, NULL);
	ASSERT(j != NULL && k != NULL);
	/* The same serial, the same placeholder, of the same length. */
	ASSERT_STREQ(json_string_value(json_object_get(j, "SerialNumber")),
		     json_string_value(json_object_get(k, "SerialNumber")));
	ASSERT_EQ(strlen(json_string_value(json_object_get(j, "SerialNumber"))), 9);
	json_decref(j);
	json_decref(k);
	ASSERT(strstr(readme, "/redfish/v1/Systems/1 /SerialNumber: serial number") != NULL);
	ASSERT(strstr(readme, "/Net/IPv4Addresses/0/Address: IP address") != NULL);
	ASSERT(strstr(readme, "/Net/NameServers/0: IP address") != NULL);
	ASSERT(strstr(readme, "/Net/MACAddress: MAC address") != NULL);
	ASSERT(strstr(readme, "ABC123XYZ") == NULL);
	/* Nothing outside the tree, no POST. */
	ASSERT(file_in("c1", "etc/index.json") == NULL);
	ASSERT(file_in("c1", "redfish/v1/Sessions/index.json") == NULL);
	free(sys);
	free(ch);
	free(readme);
}

/* Addresses and known values written into free text are replaced too. */
TEST(capture_free_text_redacted)
{
	static const char system[] = "{\"SerialNumber\": \"ABC123XYZ\"}";
	static const char entry[] =
	    "{\"Message\": \"Login from 10.20.30.40 to node ABC123XYZ, MAC aa:bb:cc:dd:ee:01.\","
	    " \"Description\": \"Link on fe80::1:2 up; ABC123XYZ2 is another part\","
	    " \"MessageId\": \"Base.1.8.Success\", \"FirmwareVersion\": \"BMC 1.2.3.4\","
	    " \"Created\": \"2026-12-06T10:00:00+00:00\"}";
	struct capture *c = open_capture("ft", 0);
	char *err = NULL, *e, *readme;
	json_t *j;
	const char *msg, *desc;

	capture_redfish(c, "GET", "https://10.0.0.1/redfish/v1/Systems/1", 200, system,
			strlen(system));
	capture_redfish(c, "GET", "https://10.0.0.1/redfish/v1/Systems/1/LogServices/SEL/Entries/1",
			200, entry, strlen(entry));
	ASSERT_EQ(capture_close(c, NULL, NULL, NULL, &err), 0);
	e = file_in("ft", "redfish/v1/Systems/1/LogServices/SEL/Entries/1/index.json");
	readme = file_in("ft", "README");
	ASSERT(e != NULL && readme != NULL);
	j = json_loads(e, 0, NULL);
	ASSERT(j != NULL);
	msg = json_string_value(json_object_get(j, "Message"));
	desc = json_string_value(json_object_get(j, "Description"));
	ASSERT(msg != NULL && desc != NULL);
	ASSERT(strstr(msg, "10.20.30.40") == NULL && strstr(msg, "ABC123XYZ") == NULL);
	ASSERT(strstr(msg, "aa:bb:cc") == NULL);
	/* The sentence around them stays, with its full stop. */
	ASSERT(strncmp(msg, "Login from 192.0.2.", 19) == 0);
	ASSERT(strstr(msg, "to node S") != NULL);
	ASSERT(msg[strlen(msg) - 1] == '.' && msg[strlen(msg) - 2] == '1');
	ASSERT(strstr(desc, "fe80::1:2") == NULL && strstr(desc, "2001:db8::") != NULL);
	/* A longer word that starts with a known value is another word. */
	ASSERT(strstr(desc, "ABC123XYZ2 is another part") != NULL);
	/* Ids, versions and times are not text. */
	ASSERT_STREQ(json_string_value(json_object_get(j, "MessageId")), "Base.1.8.Success");
	ASSERT_STREQ(json_string_value(json_object_get(j, "FirmwareVersion")), "BMC 1.2.3.4");
	ASSERT_STREQ(json_string_value(json_object_get(j, "Created")), "2026-12-06T10:00:00+00:00");
	ASSERT(strstr(readme, "/Message (in text): IP address") != NULL);
	json_decref(j);
	free(e);
	free(readme);
}

/* A FRU area: version, length, then head (language, date...), fields, end, checksum. */
static size_t fru_area(uint8_t *p, const uint8_t *head, size_t nhead, const char *const *fields)
{
	size_t n = 2, i, len;
	uint8_t sum = 0;

	p[0] = 1;
	memcpy(p + 2, head, nhead);
	n += nhead;
	for (i = 0; fields[i] != NULL; i++) {
		len = strlen(fields[i]);
		p[n++] = (uint8_t)(0xC0 | len);
		memcpy(p + n, fields[i], len);
		n += len;
	}
	p[n++] = 0xC1;
	n = (n + 1 + 7) / 8 * 8;
	p[1] = (uint8_t)(n / 8);
	for (i = 0; i < n - 1; i++)
		sum = (uint8_t)(sum + p[i]);
	p[n - 1] = (uint8_t)-sum;
	return n;
}

static uint8_t unhex_byte(const char *s)
{
	unsigned v;

	sscanf(s, "%2x", &v);
	return (uint8_t)v;
}

TEST(capture_fru_serials_redacted_across_chunks)
{
	static const uint8_t board_head[] = {0, 0, 0, 0};
	static const uint8_t product_head[] = {0};
	static const char *const board[] = {"ACME", "Board", "BSN4242", "P1", "", NULL};
	static const char *const product[] = {"ACME", "Box", "PN", "V1", "PSN7777", "", "", NULL};
	uint8_t img[256] = {1, 0, 0, 1}, back[256] = {0};
	struct capture *c = open_capture("c2", 0);
	struct fru_info fi;
	char *err = NULL, *txt, *line;
	size_t len = 8, off;
	uint8_t sum = 0;
	int i;

	len += fru_area(img + len, board_head, sizeof board_head, board);
	img[4] = (uint8_t)(len / 8);
	len += fru_area(img + len, product_head, sizeof product_head, product);
	for (i = 0; i < 7; i++)
		sum = (uint8_t)(sum + img[i]);
	img[7] = (uint8_t)-sum;
	/* Read in chunks of 20 bytes, as a client would. */
	for (off = 0; off < len; off += 20) {
		uint8_t req[4] = {0, (uint8_t)off, (uint8_t)(off >> 8), 20}, rsp[21];
		size_t n = len - off < 20 ? len - off : 20;

		rsp[0] = (uint8_t)n;
		memcpy(rsp + 1, img + off, n);
		capture_ipmi(c, 0x0a, 0x11, req, sizeof req, 0, rsp, n + 1);
	}
	ASSERT_EQ(capture_close(c, NULL, NULL, NULL, &err), 0);

	txt = file_in("c2", "ipmi.txt");
	ASSERT(txt != NULL);
	/* Put the image together again from the recorded answers. */
	for (line = strtok(txt, "\n"); line != NULL; line = strtok(NULL, "\n")) {
		char *rsp;
		size_t k, n;

		if (line[0] == '#')
			continue;
		ASSERT(strncmp(line, "0a 11 00", 8) == 0);
		off = unhex_byte(line + 8) | (size_t)unhex_byte(line + 10) << 8;
		rsp = strstr(line, "-> 00 ");
		ASSERT(rsp != NULL);
		rsp += 6;
		n = unhex_byte(rsp);
		for (k = 0; k < n; k++)
			back[off + k] = unhex_byte(rsp + 2 + 2 * k);
	}
	free(txt);
	ASSERT_EQ(fru_parse(back, len, &fi), 0);
	ASSERT_EQ(fi.bad_checksums, 0);
	ASSERT_STREQ(fi.board_manufacturer, "ACME");
	ASSERT_STREQ(fi.product_version, "V1");
	ASSERT(strcmp(fi.board_serial, "BSN4242") != 0 && strlen(fi.board_serial) == 7);
	ASSERT(strcmp(fi.product_serial, "PSN7777") != 0 && strlen(fi.product_serial) == 7);
	txt = file_in("c2", "README");
	ASSERT(strstr(txt, "FRU board area serial number") != NULL);
	ASSERT(strstr(txt, "FRU product area serial number") != NULL);
	free(txt);
}

TEST(capture_guid_redacted_and_duplicates_kept_once)
{
	static const uint8_t guid[16] = {0xde, 0xad, 0xbe, 0xef, 1, 2,	3,  4,
					 5,    6,    7,	   8,	 9, 10, 11, 12};
	struct capture *c = open_capture("c3", 0);
	char *err = NULL, *txt;
	size_t res, answers;

	capture_ipmi(c, 0x06, 0x37, NULL, 0, 0, guid, sizeof guid);
	capture_ipmi(c, 0x06, 0x01, NULL, 0, 0, guid, 4);
	capture_ipmi(c, 0x06, 0x01, NULL, 0, 0, guid, 4);
	ASSERT_EQ(capture_close(c, NULL, &res, &answers, &err), 0);
	ASSERT_EQ(res, 0);
	ASSERT_EQ(answers, 2);
	txt = file_in("c3", "ipmi.txt");
	ASSERT(strstr(txt, "06 37 - -> 00 ") != NULL);
	ASSERT(strstr(txt, "06 37 - -> 00 deadbeef") == NULL);
	/* Get Device ID holds nothing to redact. */
	ASSERT(strstr(txt, "06 01 - -> 00 deadbeef\n") != NULL);
	/* ... and is kept once. */
	ASSERT(strstr(strstr(txt, "06 01 -") + 1, "06 01 -") == NULL);
	free(txt);
}

TEST(capture_refuses_a_full_directory_and_a_link)
{
	char *dir = xasprintf("%s/full", test_tmpdir());
	char *file = xasprintf("%s/full/x", test_tmpdir());
	char *link = xasprintf("%s/link", test_tmpdir());
	struct capture *c = NULL;
	char *err = NULL;
	int fd;

	ASSERT_EQ(mkdir(dir, 0700), 0);
	fd = open(file, O_WRONLY | O_CREAT, 0600);
	ASSERT(fd >= 0);
	close(fd);
	ASSERT(capture_open(&c, dir, 0, &err) != 0);
	ASSERT(strstr(err, "not empty") != NULL);
	free(err);
	err = NULL;
	ASSERT_EQ(symlink(test_tmpdir(), link), 0);
	ASSERT(capture_open(&c, link, CAPTURE_FORCE, &err) != 0);
	free(err);
	err = NULL;
	ASSERT_EQ(capture_open(&c, dir, CAPTURE_FORCE, &err), 0);
	ASSERT_EQ(capture_close(c, NULL, NULL, NULL, &err), 0);
	free(dir);
	free(file);
	free(link);
}

TEST(capture_pages_of_a_collection_become_one)
{
	static const char page1[] =
	    "{\"Members\": [{\"@odata.id\": \"/redfish/v1/Systems/1/L/1\"}],"
	    " \"Members@odata.count\": 2,"
	    " \"Members@odata.nextLink\": \"/redfish/v1/Systems/1/L?$skip=1\"}";
	static const char page2[] =
	    "{\"Members\": [{\"@odata.id\": \"/redfish/v1/Systems/1/L/2\"}],"
	    " \"Members@odata.count\": 2}";
	struct capture *c = open_capture("c5", 0);
	char *err = NULL, *text;
	json_t *j;

	capture_redfish(c, "GET", "https://h/redfish/v1/Systems/1/L", 200, page1, strlen(page1));
	capture_redfish(c, "GET", "https://h/redfish/v1/Systems/1/L?$skip=1", 200, page2,
			strlen(page2));
	ASSERT_EQ(capture_close(c, NULL, NULL, NULL, &err), 0);
	text = file_in("c5", "redfish/v1/Systems/1/L/index.json");
	ASSERT(text != NULL);
	j = json_loads(text, 0, NULL);
	ASSERT(j != NULL);
	ASSERT_EQ(json_array_size(json_object_get(j, "Members")), 2);
	ASSERT(json_object_get(j, "Members@odata.nextLink") == NULL);
	json_decref(j);
	free(text);
}

TEST(capture_expanded_members_are_written_at_their_paths)
{
	static const char coll[] =
	    "{\"Members\": [{\"@odata.id\": \"/redfish/v1/Chassis/1/Sensors/T1\", \"Id\": \"T1\","
	    " \"SerialNumber\": \"SN-IN-MEMBER\"}, {\"@odata.id\": "
	    "\"/redfish/v1/Chassis/1/Sensors/T2\","
	    " \"Id\": \"T2\", \"Reading\": 1}, {\"@odata.id\": "
	    "\"/redfish/v1/Chassis/1/Sensors/T3\"}]}";
	static const char t2[] = "{\"Id\": \"T2\", \"Reading\": 2}";
	struct capture *c = open_capture("c6", 0);
	char *err = NULL, *text;
	size_t res;

	capture_redfish(c, "GET", "https://h/redfish/v1/Chassis/1/Sensors?$expand=.", 200, coll,
			strlen(coll));
	capture_redfish(c, "GET", "https://h/redfish/v1/Chassis/1/Sensors/T2", 200, t2, strlen(t2));
	ASSERT_EQ(capture_close(c, NULL, &res, NULL, &err), 0);
	ASSERT_EQ(res, 3); /* the collection, T2 read by itself, T1 from the collection */
	text = file_in("c6", "redfish/v1/Chassis/1/Sensors/T1/index.json");
	ASSERT(text != NULL && strstr(text, "\"T1\"") != NULL);
	ASSERT(strstr(text, "SN-IN-MEMBER") == NULL);
	free(text);
	text = file_in("c6", "redfish/v1/Chassis/1/Sensors/T2/index.json");
	ASSERT(text != NULL && strstr(text, "\"Reading\": 2") != NULL);
	free(text);
	ASSERT(file_in("c6", "redfish/v1/Chassis/1/Sensors/T3/index.json") == NULL);
}

/*
 * console.c - the fake host behind each simulated BMC's serial port: a
 * login prompt, a password prompt, a shell with a few commands (help,
 * uname, seq N, dmesg, echo, hostname, uptime, exit) and a boot log when
 * the host powers on.  It echoes what is typed, as a tty does.
 *
 * Output waits in a per-host buffer until a SOL client takes it.  With no
 * client the buffer keeps only its newest bytes (a real serial line would
 * lose them all), so a console opened after boot still shows the end of
 * the boot log; with a client it may grow larger, so "seq 10000" arrives
 * whole.  The buffer is allocated on first output: most hosts never print.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "core/xalloc.h"
#include "sim.h"

#define IDLE_KEEP    8192      /* newest bytes kept while nobody is reading */
#define ATTACHED_MAX (1 << 20) /* a reader is slow: drop beyond this much */
#define SEQ_MAX	     100000
#define BIGDUMP_MAX  (ATTACHED_MAX / 2)

enum { AT_LOGIN = 0, AT_PASSWORD = 1, AT_SHELL = 2 }; /* console.logged_in */

static const char *const boot_log[] = {
    "[    0.000000] Linux version 6.1.0-18-amd64 (bmcsim) #1 SMP PREEMPT_DYNAMIC\r\n",
    "[    0.000000] Command line: BOOT_IMAGE=/vmlinuz root=/dev/sda1 console=ttyS0,115200n8\r\n",
    "[    0.004211] DMI: Bmctop Labs SimServer 9000/SIM-MB-2000, BIOS 2.4.1\r\n",
    "[    0.120034] smpboot: Allowing 32 CPUs, 0 hotplug CPUs\r\n",
    "[    0.512880] Memory: 131072000K/134217728K available\r\n",
    "[    1.031337] ACPI: Power Button [PWRF]\r\n",
    "[    1.204551] serial8250: ttyS0 at I/O 0x3f8 (irq = 4, base_baud = 115200) is a 16550A\r\n",
    "[    2.771402] sd 0:0:0:0: [sda] 937703088 512-byte logical blocks: (480 GB/447 GiB)\r\n",
    "[    3.118004] EXT4-fs (sda1): mounted filesystem with ordered data mode\r\n",
    "[    4.002311] systemd[1]: systemd 252 running in system mode\r\n",
    "[  OK  ] Reached target Local File Systems.\r\n",
    "[  OK  ] Started OpenBSD Secure Shell server.\r\n",
    "[  OK  ] Reached target Multi-User System.\r\n",
};

static const char motd[] = "Welcome to SimServer 9000 (bmcsim). Type 'help' for commands.\r\n";

static int attached(const struct sim_bmc *b)
{
	/* out_cap above IDLE_KEEP only happens with a reader; see sim_console_attach. */
	return b->console.out_cap > IDLE_KEEP;
}

static void console_write(struct sim_bmc *b, const void *p, size_t len)
{
	struct sim_console *c = &b->console;
	size_t limit = attached(b) ? ATTACHED_MAX : IDLE_KEEP, pending;

	if (len == 0)
		return;
	if (len > limit) {
		p = (const uint8_t *)p + (len - limit);
		len = limit;
	}
	/* Taken bytes go first, then the oldest pending ones beyond the limit. */
	pending = c->out_len - c->out_head;
	if (pending + len > limit) {
		c->out_head += pending + len - limit;
		pending = limit - len;
	}
	if (c->out_len + len > c->out_cap && c->out_head > 0) {
		memmove(c->out, c->out + c->out_head, pending);
		c->out_head = 0;
		c->out_len = pending;
	}
	if (c->out_len + len > c->out_cap) {
		size_t cap = c->out_cap ? c->out_cap : 1024;

		while (cap < c->out_len + len)
			cap *= 2;
		c->out = xrealloc(c->out, cap);
		c->out_cap = cap;
	}
	memcpy(c->out + c->out_len, p, len);
	c->out_len += len;
	if (b->sim->console_output)
		b->sim->console_output(b);
}

void sim_console_print(struct sim_bmc *b, const char *text)
{
	console_write(b, text, strlen(text));
}

static void printf_console(struct sim_bmc *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void printf_console(struct sim_bmc *b, const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > 0)
		console_write(b, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

static void prompt(struct sim_bmc *b)
{
	switch (b->console.logged_in) {
	case AT_LOGIN:
		printf_console(b, "%s login: ", b->name);
		break;
	case AT_PASSWORD:
		sim_console_print(b, "Password: ");
		break;
	default:
		printf_console(b, "root@%s:~# ", b->name);
		break;
	}
}

size_t sim_console_take(struct sim_bmc *b, uint8_t *buf, size_t cap)
{
	struct sim_console *c = &b->console;
	size_t pending = c->out_len - c->out_head, n = pending < cap ? pending : cap;

	if (n == 0)
		return 0;
	memcpy(buf, c->out + c->out_head, n);
	c->out_head += n;
	if (c->out_head == c->out_len)
		c->out_head = c->out_len = 0;
	return n;
}

void sim_console_attach(struct sim_bmc *b)
{
	struct sim_console *c = &b->console;

	/* Room beyond the idle limit marks the console as read (see attached()). */
	if (c->out_cap <= IDLE_KEEP) {
		/* Stays above IDLE_KEEP from now on: growth only doubles it. */
		c->out = xrealloc(c->out, 2 * IDLE_KEEP);
		c->out_cap = 2 * IDLE_KEEP;
	}
	if (!b->power)
		return;
	sim_console_print(b, "\r\n");
	prompt(b);
}

void sim_console_boot(struct sim_bmc *b)
{
	b->console.logged_in = AT_LOGIN;
	b->console.line_len = 0;
	for (size_t i = 0; i < sizeof(boot_log) / sizeof(boot_log[0]); i++)
		sim_console_print(b, boot_log[i]);
	printf_console(b, "\r\nDebian GNU/Linux 12 %s ttyS0\r\n\r\n", b->name);
	prompt(b);
}

void sim_console_free(struct sim_bmc *b)
{
	free(b->console.out);
	memset(&b->console, 0, sizeof(b->console));
}

static void cmd_seq(struct sim_bmc *b, const char *arg)
{
	char *end;
	long n = strtol(arg, &end, 10);

	if (*arg == '\0' || *end != '\0' || n < 0) {
		sim_console_print(b, "seq: usage: seq N\r\n");
		return;
	}
	if (n > SEQ_MAX)
		n = SEQ_MAX;
	for (long i = 1; i <= n; i++)
		printf_console(b, "%ld\r\n", i);
}

/* N bytes of deterministic text, then "SHA256 <hex>" of them: for
 * throughput benchmarks that check every byte arrived (as serial-host.py). */
static void cmd_bigdump(struct sim_bmc *b, const char *arg)
{
	char *end, line[80], hex[2 * 32 + 1];
	long n = strtol(arg, &end, 10), done = 0, i = 0;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned mdlen = 0;
	EVP_MD_CTX *sha;

	if (*arg == '\0' || *end != '\0' || n < 0 || n > BIGDUMP_MAX) {
		printf_console(b, "bigdump: usage: bigdump N (at most %d)\r\n", BIGDUMP_MAX);
		return;
	}
	sha = EVP_MD_CTX_new();
	if (sha == NULL || EVP_DigestInit_ex(sha, EVP_sha256(), NULL) != 1) {
		EVP_MD_CTX_free(sha);
		sim_console_print(b, "bigdump: no SHA-256 here\r\n");
		return;
	}
	while (done < n) {
		int len = snprintf(line, sizeof(line), "%08ld:", i), k;

		for (k = 0; k < 60; k++)
			line[len++] = (char)(33 + (i * 7 + k) % 94);
		line[len++] = '\r';
		line[len++] = '\n';
		if (len > n - done)
			len = (int)(n - done);
		EVP_DigestUpdate(sha, line, (size_t)len);
		console_write(b, line, (size_t)len);
		done += len;
		i++;
	}
	EVP_DigestFinal_ex(sha, md, &mdlen);
	EVP_MD_CTX_free(sha);
	for (i = 0; i < (long)mdlen && i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	printf_console(b, "\r\nSHA256 %s\r\n", hex);
}

static void run_command(struct sim_bmc *b, char *line)
{
	char *cmd = line, *arg;

	while (*cmd == ' ')
		cmd++;
	arg = strchr(cmd, ' ');
	if (arg != NULL) {
		*arg++ = '\0';
		while (*arg == ' ')
			arg++;
	} else {
		arg = cmd + strlen(cmd);
	}
	if (*cmd == '\0')
		return;
	if (strcmp(cmd, "help") == 0) {
		sim_console_print(b, "commands: help uname [-a] seq N bigdump N dmesg echo TEXT "
				     "hostname uptime exit\r\n");
	} else if (strcmp(cmd, "uname") == 0) {
		if (strcmp(arg, "-a") == 0)
			printf_console(
			    b,
			    "Linux %s 6.1.0-18-amd64 #1 SMP PREEMPT_DYNAMIC x86_64 GNU/Linux\r\n",
			    b->name);
		else
			sim_console_print(b, "Linux\r\n");
	} else if (strcmp(cmd, "seq") == 0) {
		cmd_seq(b, arg);
	} else if (strcmp(cmd, "bigdump") == 0) {
		cmd_bigdump(b, arg);
	} else if (strcmp(cmd, "dmesg") == 0) {
		for (size_t i = 0; i < 10; i++)
			sim_console_print(b, boot_log[i]);
	} else if (strcmp(cmd, "echo") == 0) {
		printf_console(b, "%s\r\n", arg);
	} else if (strcmp(cmd, "hostname") == 0) {
		printf_console(b, "%s\r\n", b->name);
	} else if (strcmp(cmd, "uptime") == 0) {
		uint64_t s = (uv_now(b->sim->loop) - b->sim->start_ms) / 1000;

		printf_console(b, " up %llu min, 1 user, load average: 0.08, 0.03, 0.01\r\n",
			       (unsigned long long)(s / 60));
	} else if (strcmp(cmd, "exit") == 0 || strcmp(cmd, "logout") == 0) {
		b->console.logged_in = AT_LOGIN;
		sim_console_print(b, "\r\n");
	} else {
		printf_console(b, "-sh: %.64s: command not found\r\n", cmd);
	}
}

static void end_of_line(struct sim_bmc *b)
{
	struct sim_console *c = &b->console;

	c->line[c->line_len] = '\0';
	sim_console_print(b, "\r\n");
	switch (c->logged_in) {
	case AT_LOGIN:
		if (c->line_len > 0)
			c->logged_in = AT_PASSWORD;
		break;
	case AT_PASSWORD:
		/* Any password: this host is a prop, the BMC login is what is tested. */
		c->logged_in = AT_SHELL;
		sim_console_print(b, motd);
		break;
	default:
		run_command(b, c->line);
		break;
	}
	c->line_len = 0;
	prompt(b);
}

void sim_console_input(struct sim_bmc *b, const uint8_t *buf, size_t len)
{
	struct sim_console *c = &b->console;

	if (!b->power)
		return;
	for (size_t i = 0; i < len; i++) {
		uint8_t ch = buf[i];

		if (ch == '\r' || ch == '\n') {
			/* CR LF from a terminal is one end of line. */
			if (ch == '\n' && i > 0 && buf[i - 1] == '\r')
				continue;
			end_of_line(b);
		} else if (ch == 0x7f || ch == 0x08) {
			if (c->line_len > 0) {
				c->line_len--;
				if (c->logged_in != AT_PASSWORD)
					sim_console_print(b, "\b \b");
			}
		} else if (ch == 0x03) {
			c->line_len = 0;
			sim_console_print(b, "^C\r\n");
			prompt(b);
		} else if (ch >= 0x20 && ch < 0x7f) {
			if (c->line_len + 1 < sizeof(c->line))
				c->line[c->line_len++] = (char)ch;
			if (c->logged_in != AT_PASSWORD)
				console_write(b, &ch, 1);
		}
	}
}

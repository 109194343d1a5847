/*
 * core/state-file.c - queued atomic state-file writes, done in the thread pool.
 *
 * Queued entries sit in a hash table by path so readers find them; a batch
 * is a list of entries handed to one uv_work_t, which only reads them, and
 * they stay findable until the batch is back.  Memory is bounded: past
 * QUEUE_MAX_BYTES the queue is written out on the loop thread at once.
 *
 * This is the one way bmctop writes and reads a state file: never through
 * a symbolic link, temporaries from mkstemp (core/paths.c checks that nobody
 * else can write to the directory; this is the second guard).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/log.h"
#include "core/paths.h"
#include "core/state-file.h"
#include "core/xalloc.h"

#define NBUCKETS	4096
#define BATCH_DELAY_MS	200
#define BATCH_BYTES	(1u << 20)  /* start a batch early past this much */
#define QUEUE_MAX_BYTES (32u << 20) /* write on the loop past this much */
#define MAX_HOOKS	4

struct entry {
	char *path;
	uint8_t *data;
	size_t len;
	int in_batch;
	int err;
	struct entry *hnext; /* hash chain, loop thread only */
	struct entry *next;  /* queue or batch list */
};

static struct entry *buckets[NBUCKETS];
static struct entry *queue_head, **queue_tail = &queue_head;
static size_t queue_bytes;

static uv_loop_t *loop;
static uv_timer_t timer;
static int timer_open, timer_armed;
static uv_work_t work;
static struct entry *batch; /* in the thread pool when non-NULL */
static void (*hooks[MAX_HOOKS])(void);
static int nhooks, in_hooks;
static void (*detach_cb)(void *);
static void *detach_arg;

static unsigned bucket_of(const char *path)
{
	uint32_t h = 2166136261u;

	for (; *path != '\0'; path++)
		h = (h ^ (uint8_t)*path) * 16777619u;
	return h % NBUCKETS;
}

static void unhash(struct entry *e)
{
	struct entry **pp = &buckets[bucket_of(e->path)];

	while (*pp != NULL && *pp != e)
		pp = &(*pp)->hnext;
	if (*pp == e)
		*pp = e->hnext;
}

static void entry_free(struct entry *e)
{
	free(e->path);
	free(e->data);
	free(e);
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/*
 * Thread-safe: touches only its arguments and the file system.  The
 * temporary gets a name nobody can guess (mkstemp: created here, 0600, never
 * through a link), so a link planted at a fixed NAME.tmp has nothing to
 * catch; rename then replaces whatever is at path, a link included, and
 * never writes through it.
 */
static int write_now(const char *path, const uint8_t *data, size_t len)
{
	char *tmp = xasprintf("%s.XXXXXX", path);
	int fd, err;

	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		free(tmp);
		return err;
	}
	err = write_all(fd, data, len);
	if (close(fd) != 0 && err == 0)
		err = -errno;
	if (err == 0 && rename(tmp, path) != 0)
		err = -errno;
	if (err != 0)
		unlink(tmp);
	free(tmp);
	return err;
}

int state_file_write_now(const char *path, const uint8_t *data, size_t len)
{
	return write_now(path, data, len);
}

/* Read all of fd, whose size fstat gave; -EINVAL when it changes meanwhile. */
static int read_all(int fd, size_t size, uint8_t **data, size_t *len)
{
	/* One byte spare, so a file that grew since fstat() shows; one for a NUL. */
	uint8_t *buf = xmalloc(size + 2);
	size_t got = 0;

	for (;;) {
		ssize_t n = read(fd, buf + got, size + 1 - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int err = -errno;

			free(buf);
			return err;
		}
		if (n == 0)
			break;
		got += (size_t)n;
		if (got > size)
			break;
	}
	if (got != size) {
		free(buf);
		return -EINVAL;
	}
	buf[got] = '\0';
	*data = buf;
	*len = got;
	return 0;
}

int state_file_read(const char *path, size_t max, uint8_t **data, size_t *len)
{
	struct stat st;
	int fd, err;

	fd = paths_open_regular(path, O_RDONLY, 0, &st);
	if (fd < 0)
		return fd;
	if (st.st_size < 0)
		err = -EINVAL;
	else if ((uint64_t)st.st_size > max)
		err = -EFBIG;
	else
		err = read_all(fd, (size_t)st.st_size, data, len);
	close(fd);
	return err;
}

static void run_hooks(void)
{
	/* A hook writes through state_file_write, which must not recurse. */
	if (in_hooks)
		return;
	in_hooks = 1;
	for (int i = 0; i < nhooks; i++)
		hooks[i]();
	in_hooks = 0;
}

static struct entry *take_queue(void)
{
	struct entry *list = queue_head;

	queue_head = NULL;
	queue_tail = &queue_head;
	queue_bytes = 0;
	return list;
}

/* Write a list on this thread and free it; the number of failures. */
static int write_list(struct entry *list)
{
	int failed = 0;

	while (list != NULL) {
		struct entry *next = list->next;
		int err = write_now(list->path, list->data, list->len);

		if (err == -ENOENT)
			paths_forget_dirs(); /* removed while we ran: made again */
		if (err != 0 && failed++ == 0)
			log_warn("cannot write %s: %s", list->path, strerror(-err));
		unhash(list);
		entry_free(list);
		list = next;
	}
	return failed;
}

static void work_run(uv_work_t *w)
{
	struct entry *e;

	(void)w;
	for (e = batch; e != NULL; e = e->next)
		e->err = write_now(e->path, e->data, e->len);
}

static void try_finish_detach(void);
static void arm_timer(void);

static void work_done(uv_work_t *w, int status)
{
	struct entry *e = batch;
	int failed = 0;

	(void)w;
	(void)status;
	batch = NULL;
	while (e != NULL) {
		struct entry *next = e->next;

		if (e->err == -ENOENT)
			paths_forget_dirs(); /* removed while we ran: made again */
		if (e->err != 0 && failed++ == 0)
			log_warn("cannot write %s: %s", e->path, strerror(-e->err));
		unhash(e);
		entry_free(e);
		e = next;
	}
	if (failed > 1)
		log_warn("%d state files could not be written", failed);
	if (detach_cb != NULL) {
		try_finish_detach();
		return;
	}
	if (queue_head != NULL)
		arm_timer();
}

static void start_batch(void)
{
	struct entry *e;

	if (batch != NULL || loop == NULL)
		return;
	run_hooks();
	batch = take_queue();
	if (batch == NULL)
		return;
	for (e = batch; e != NULL; e = e->next)
		e->in_batch = 1;
	if (uv_queue_work(loop, &work, work_run, work_done) != 0) {
		struct entry *list = batch;

		batch = NULL;
		write_list(list);
	}
}

static void on_timer(uv_timer_t *t)
{
	(void)t;
	timer_armed = 0;
	if (batch != NULL) {
		arm_timer();
		return;
	}
	start_batch();
}

static void arm_timer(void)
{
	if (loop == NULL || detach_cb != NULL || timer_armed)
		return;
	if (!timer_open) {
		uv_timer_init(loop, &timer);
		/* Pending writes alone never keep a loop running. */
		uv_unref((uv_handle_t *)&timer);
		timer_open = 1;
	}
	uv_timer_start(&timer, on_timer, BATCH_DELAY_MS, 0);
	timer_armed = 1;
}

int state_file_write(char *path, uint8_t *data, size_t len)
{
	struct entry *e, **pp;
	int err;

	if (loop == NULL) {
		err = write_now(path, data, len);
		free(path);
		free(data);
		return err;
	}
	/* A queued, not yet handed over, write of the same path is replaced. */
	for (pp = &buckets[bucket_of(path)]; *pp != NULL; pp = &(*pp)->hnext) {
		e = *pp;
		if (!e->in_batch && strcmp(e->path, path) == 0) {
			queue_bytes -= e->len;
			free(e->data);
			free(path);
			e->data = data;
			e->len = len;
			queue_bytes += len;
			goto queued;
		}
	}
	e = xcalloc(1, sizeof *e);
	e->path = path;
	e->data = data;
	e->len = len;
	/* At the chain's head, so lookups meet the newest data first. */
	e->hnext = buckets[bucket_of(path)];
	buckets[bucket_of(path)] = e;
	*queue_tail = e;
	queue_tail = &e->next;
	queue_bytes += len;
queued:
	if (queue_bytes > QUEUE_MAX_BYTES && batch != NULL)
		write_list(take_queue());
	else if (queue_bytes > BATCH_BYTES && batch == NULL && !in_hooks)
		start_batch();
	else
		arm_timer();
	return 0;
}

uint8_t *state_file_pending(const char *path, size_t *len)
{
	struct entry *e;
	uint8_t *copy;

	for (e = buckets[bucket_of(path)]; e != NULL; e = e->hnext) {
		if (strcmp(e->path, path) != 0)
			continue;
		copy = xmalloc(e->len ? e->len : 1);
		memcpy(copy, e->data, e->len);
		*len = e->len;
		return copy;
	}
	return NULL;
}

void state_file_add_hook(void (*hook)(void))
{
	for (int i = 0; i < nhooks; i++)
		if (hooks[i] == hook)
			return;
	if (nhooks < MAX_HOOKS)
		hooks[nhooks++] = hook;
}

void state_file_kick(void)
{
	if (loop == NULL)
		state_file_flush();
	else
		arm_timer();
}

void state_file_attach(uv_loop_t *l)
{
	loop = l;
	detach_cb = NULL;
}

int state_file_flush(void)
{
	run_hooks();
	return write_list(take_queue());
}

static void on_timer_closed(uv_handle_t *h)
{
	(void)h;
	timer_open = 0;
	try_finish_detach();
}

static void try_finish_detach(void)
{
	void (*cb)(void *) = detach_cb;

	if (cb == NULL || batch != NULL || timer_open)
		return;
	state_file_flush();
	loop = NULL;
	detach_cb = NULL;
	cb(detach_arg);
}

static void detach_noop(void *arg)
{
	(void)arg;
}

void state_file_detach(void (*cb)(void *arg), void *arg)
{
	if (loop == NULL) {
		state_file_flush();
		if (cb != NULL)
			cb(arg);
		return;
	}
	detach_cb = cb ? cb : detach_noop;
	detach_arg = arg;
	if (timer_open) {
		uv_timer_stop(&timer);
		timer_armed = 0;
		uv_close((uv_handle_t *)&timer, on_timer_closed);
	}
	/* Anything queued goes now, on this thread; a batch finishes first. */
	if (batch == NULL)
		state_file_flush();
	try_finish_detach();
}

/*
 * dpx_wait.c - how a stream waits for the server. See dpx_wait.h.
 *
 * A writer whose ring is full could ask the server to poke its eventfd when
 * there is room (DPX_FLAG_WAITING), but every poke costs the server's device
 * thread a system call and a cross-CPU wake-up. A steady writer does not
 * need one: the server publishes, under a seqlock, how many frames the
 * device consumed and the CLOCK_MONOTONIC time of the callback that did, and
 * the device consumes one period per callback, so the writer can predict
 * the callback that frees the room it needs and sleep until just after it.
 * Only if that prediction is impossible (the clock is missing, stale, in the
 * future or absurd) or proves wrong (a late or irregular device) does the
 * writer fall back to the eventfd. Nothing in the header is trusted: a
 * prediction is used only if it lies in the future, within two ring
 * durations and before the write's deadline; a wrong one costs one
 * fallback wait, never a longer sleep or a busy loop.
 */
#define _GNU_SOURCE
#include "dpx_wait.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <time.h>
#include <unistd.h>

#include "droidplex_audio_ctl.h"

/* The timed wait sleeps this much past the predicted callback: half
 * a device period, at least MIN_MARGIN_NS. */
#define MIN_MARGIN_NS 200000LL

int64_t dpx_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * DPX_NS_PER_S + ts.tv_nsec;
}

int64_t dpx_frames_ns(const struct dpx_stream *s, uint64_t frames)
{
	return (int64_t)(frames * DPX_NS_PER_S / s->cfg.rate);
}

void dpx_sleep_until(int64_t ns)
{
	struct timespec ts = {.tv_sec = ns / DPX_NS_PER_S, .tv_nsec = ns % DPX_NS_PER_S};
	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR) {
	}
}

int dpx_read_consumed(struct dpx_ring_header *h, uint64_t *frames, int64_t *ns)
{
	for (int i = 0; i < 100; i++) {
		uint32_t s1 = __atomic_load_n(&h->clock_seq, __ATOMIC_ACQUIRE);
		if (s1 & 1)
			continue;
		uint64_t f = __atomic_load_n(&h->consumed, __ATOMIC_ACQUIRE);
		int64_t t = __atomic_load_n(&h->consumed_ns, __ATOMIC_ACQUIRE);
		if (__atomic_load_n(&h->clock_seq, __ATOMIC_ACQUIRE) == s1) {
			*frames = f;
			*ns = t;
			return 1;
		}
	}
	return 0;
}

/* progress is the server's position: what it read (output) or wrote (input). */
static uint64_t progress(struct dpx_stream *s)
{
	if (s->cfg.dir == DPX_DIR_INPUT)
		return __atomic_load_n(&s->hdr->write_pos, __ATOMIC_ACQUIRE);
	return __atomic_load_n(&s->hdr->read_pos, __ATOMIC_ACQUIRE);
}

/* progress_after_flag is progress() for the re-check that follows setting
 * DPX_FLAG_WAITING. We store the flag then load the position; the server
 * stores the position then loads the flag. That is the store-buffering
 * pattern: C11 orders it only if both loads are seq_cst too (an acquire
 * load may be satisfied before the flag's RMW is visible, e.g. ARMv8.3's
 * LDAPR, and then neither side sees the other's store: a lost wake-up).
 * The server's side (Go's sync/atomic) is sequentially consistent. */
static uint64_t progress_after_flag(struct dpx_stream *s)
{
	if (s->cfg.dir == DPX_DIR_INPUT)
		return __atomic_load_n(&s->hdr->write_pos, __ATOMIC_SEQ_CST);
	return __atomic_load_n(&s->hdr->read_pos, __ATOMIC_SEQ_CST);
}

int dpx_wait_progress(struct dpx_stream *s, uint64_t before, int64_t deadline)
{
	/* Wake-ups that bring no progress: one is a stale count from an earlier
	 * poke; more mean a server that pokes for nothing or an eventfd that
	 * stays readable. The eventfd is then left out and the position looked
	 * at once a device period until the deadline: no busy loop. */
	int idle = 0;
	for (;;) {
		__atomic_or_fetch(&s->hdr->flags, DPX_FLAG_WAITING, __ATOMIC_SEQ_CST);
		if (progress_after_flag(s) != before) {
			/* The server moved between our check and the flag: nothing to
			 * wait for, so take the flag back, or it pokes us for nothing
			 * and leaves a stale count on the eventfd. */
			__atomic_and_fetch(&s->hdr->flags, ~DPX_FLAG_WAITING, __ATOMIC_SEQ_CST);
			return 1;
		}
		int64_t left = deadline - dpx_now_ns(), pd = dpx_frames_ns(s, s->dev_period);
		if (left <= 0)
			return 0;
		if (idle >= 2 && left > pd)
			left = pd;
		struct pollfd p[2] = {{.fd = idle < 2 ? s->efd : -1, .events = POLLIN}, {.fd = s->sock, .events = POLLIN}};
		int r = poll(p, 2, (int)((left + 999999) / 1000000));
		if (r < 0 && errno != EINTR)
			return -1;
		if (r > 0 && p[1].revents)
			return -1; /* EOF or an unexpected message: either way the stream is over */
		if (r > 0 && (p[0].revents & POLLIN)) {
			/* The server shares the eventfd's file: one that made it
			 * blocking could block this read for good (it drains the
			 * count first). Give it up, as audioproxyd gives up a
			 * client that does this. */
			int fl = fcntl(s->efd, F_GETFL);
			uint64_t v;
			if (fl < 0 || !(fl & O_NONBLOCK) || (read(s->efd, &v, sizeof v) < 0 && errno != EAGAIN))
				return -1;
		}
		if (__atomic_load_n(&s->hdr->flags, __ATOMIC_ACQUIRE) & (DPX_FLAG_BROKEN | DPX_FLAG_CLOSED))
			return -1;
		if (progress(s) != before)
			return 1;
		idle += r > 0 && p[0].revents;
	}
}

/* predict_room sets *at to when an output ring will have room for want
 * frames: half a period after the device callback that frees it, counted in
 * device periods from the last callback the server published. Mid-period
 * leaves half a period for the device's jitter either way, and the frames
 * then wait half a period less in the ring (the Go shim's pace.go does the
 * same). 0 if the header gives no believable answer. */
static int predict_room(struct dpx_stream *s, uint64_t want, int64_t deadline, int64_t *at)
{
	struct dpx_ring_header *h = s->hdr;
	uint32_t p = __atomic_load_n(&h->period_frames, __ATOMIC_RELAXED);
	uint64_t c;
	int64_t t;
	if (p == 0 || p > s->capacity || !dpx_read_consumed(h, &c, &t))
		return 0;
	if (t <= 0 || c > s->pos || s->pos - c > s->capacity)
		return 0; /* no clock yet, or a count beyond what was written */
	uint64_t free_then = s->capacity - (s->pos - c);
	if (want <= free_then)
		return 0; /* the room should be there already: a race or a lie; ask the server */
	int64_t now = dpx_now_ns(), pd = dpx_frames_ns(s, p), ring = dpx_frames_ns(s, s->capacity);
	int64_t margin = pd / 2 > MIN_MARGIN_NS ? pd / 2 : MIN_MARGIN_NS;
	if (t > now + margin || now - t > 2 * ring)
		return 0; /* a clock in the future, or stale */
	uint64_t periods = (want - free_then + p - 1) / p; /* at most the capacity: no overflow below */
	*at = t + (int64_t)periods * pd + margin;
	return *at > now && *at - now <= 2 * ring && *at <= deadline;
}

/* sleep_on_socket sleeps until at, or until the control socket says the
 * server hung up (or sent something unexpected): 0 slept, -1 hung up. */
static int sleep_on_socket(struct dpx_stream *s, int64_t at)
{
	for (;;) {
		int64_t left = at - dpx_now_ns();
		if (left <= 0)
			return 0;
		struct timespec ts = {.tv_sec = left / DPX_NS_PER_S, .tv_nsec = left % DPX_NS_PER_S};
		struct pollfd p = {.fd = s->sock, .events = POLLIN};
		int r = ppoll(&p, 1, &ts, NULL);
		if (r > 0 || (r < 0 && errno != EINTR))
			return -1;
	}
}

int dpx_wait_room(struct dpx_stream *s, uint64_t before, uint64_t want, int64_t deadline)
{
	struct dpx_ring_header *h = s->hdr;
	if (progress(s) != before)
		return 1;
	/* Wait until the rest fits or half the ring is free. */
	uint64_t half = s->capacity / 2;
	want = want < half ? want : half;
	want = want ? want : 1;
	int64_t at;
	if (predict_room(s, want, deadline, &at)) {
		/* A fallback that ended without a poke leaves the flag set: take it
		 * back, or the server pokes us needlessly. */
		if (__atomic_load_n(&h->flags, __ATOMIC_ACQUIRE) & DPX_FLAG_WAITING)
			__atomic_and_fetch(&h->flags, ~DPX_FLAG_WAITING, __ATOMIC_SEQ_CST);
		if (sleep_on_socket(s, at) < 0)
			return -1;
		uint64_t rp = progress(s);
		if (rp != before) {
			if (rp > s->pos || s->pos - rp > s->capacity)
				return 1; /* read beyond our writes: the caller gives the server up */
			if (s->capacity - (s->pos - rp) >= want) {
				/* The wait worked only if the room it slept for is
				 * there (as the Go shim's paceByClock counts). */
				__atomic_add_fetch(&s->timed_waits, 1, __ATOMIC_RELAXED);
				return 1;
			}
			before = rp; /* some room, not enough: a late device */
		}
	}
	/* No prediction, or a late device: ask the server for a poke when the
	 * room is there (a server that predates wake_frames pokes on any
	 * progress). */
	__atomic_add_fetch(&s->poked_waits, 1, __ATOMIC_RELAXED);
	__atomic_store_n(&h->wake_frames, (uint32_t)want, __ATOMIC_RELEASE);
	return dpx_wait_progress(s, before, deadline);
}

/*
 * hostile_clock.c - the fake server consumes the ring honestly, one period
 * every 5 ms (or from a second late on), and pokes the eventfd as
 * audioproxyd does, but lies about its clock (consumed, consumed_ns,
 * clock_seq, period_frames), which a writer uses to time its waits for
 * room (dpx_wait.c). Whatever the lie, writes
 * must complete near their duration (well within a generous bound, so a
 * stall timeout or a hang fails), the stream must stay connected, and the
 * writer must not spin: its thread's CPU time stays under half the wall
 * time and it waits a bounded number of times per write; the position
 * never passes the frames written, and its time is neither before the
 * stream nor in the future. A clock that cannot be right must never
 * be slept on; the honest one must be; a wait counts as timed only if it
 * found the room it slept for.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "hostile.h"

enum lie { HONEST, ZERO_NS, FUTURE_NS, PAST_NS, TORN_SEQLOCK, AHEAD, EARLY, TINY_PERIOD, LATE_START };
static const char *lie_names[NLIES] = {"honest clock", "consumed_ns 0", "consumed_ns far in the future",
                                       "consumed_ns far in the past", "seqlock stuck odd",
                                       "consumed beyond the writes", "consumed_ns 4 ms early (plausible)",
                                       "period_frames 1", "device starts a second late"};

struct consumer {
	struct fake *f;
	enum lie lie;
	int stop;
};

static int64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* publish writes the (lying) clock after the device consumed up to rp. */
static void publish(struct dpx_ring_header *h, enum lie lie, uint64_t rp, int64_t now)
{
	uint64_t c = lie == AHEAD ? rp + 10 * CAP : rp;
	int64_t t = lie == ZERO_NS     ? 0
	            : lie == FUTURE_NS ? now + 1000 * 1000000000LL
	            : lie == PAST_NS   ? 1
	            : lie == EARLY     ? now - 4000000 /* every timed sleep ends before the room is there */
	                               : now;
	uint32_t seq = __atomic_load_n(&h->clock_seq, __ATOMIC_RELAXED);
	__atomic_store_n(&h->clock_seq, seq | 1, __ATOMIC_RELEASE);
	__atomic_store_n(&h->consumed, c, __ATOMIC_RELEASE);
	__atomic_store_n(&h->consumed_ns, t, __ATOMIC_RELEASE);
	if (lie != TORN_SEQLOCK)
		__atomic_store_n(&h->clock_seq, (seq | 1) + 1, __ATOMIC_RELEASE);
}

/* consume is the fake's device: a period every 5 ms on an absolute clock. */
static void *consume(void *arg)
{
	struct consumer *c = arg;
	struct dpx_ring_header *h = c->f->hdr;
	if (c->lie == TINY_PERIOD)
		__atomic_store_n(&h->period_frames, 1, __ATOMIC_RELEASE);
	if (c->lie == LATE_START) /* as PulseAudio's idle null sink: no stall to give up on */
		usleep(1000000);
	uint64_t rp = 0;
	int64_t next = mono_ns();
	while (!__atomic_load_n(&c->stop, __ATOMIC_ACQUIRE)) {
		uint64_t wp = __atomic_load_n(&h->write_pos, __ATOMIC_ACQUIRE), avail = wp - rp;
		uint64_t k = avail < PERIOD ? avail : PERIOD;
		rp += k;
		__atomic_store_n(&h->read_pos, rp, __ATOMIC_RELEASE);
		publish(h, c->lie, rp, mono_ns());
		uint32_t fl = __atomic_load_n(&h->flags, __ATOMIC_ACQUIRE);
		if (k > 0 && (fl & DPX_FLAG_WAITING) &&
		    CAP - (avail - k) >= __atomic_load_n(&h->wake_frames, __ATOMIC_ACQUIRE)) {
			__atomic_and_fetch(&h->flags, ~DPX_FLAG_WAITING, __ATOMIC_SEQ_CST);
			uint64_t one = 1;
			if (write(c->f->efd, &one, sizeof one) < 0)
				printf("note: eventfd write failed\n");
		}
		next += 5000000;
		struct timespec ts = {.tv_sec = next / 1000000000LL, .tv_nsec = next % 1000000000LL};
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) != 0) {
		}
	}
	return NULL;
}

void run_clock(int lie, const char *path)
{
	const char *name = lie_names[lie];
	int before = count_fds();
	int64_t opened = mono_ns();
	struct fake f;
	struct dpx_stream s;
	fake_open(&f, -1, path, &s);
	CHECK(dpx_stream_connected(&s) && f.hdr, "%s: not connected\n", name);
	if (!f.hdr) {
		dpx_stream_destroy(&s);
		fake_close(&f, path);
		return;
	}
	struct consumer c = {.f = &f, .lie = (enum lie)lie};
	pthread_t t;
	pthread_create(&t, NULL, consume, &c);

	enum { WRITES = 40 };
	static char buf[960 * FB];
	uint64_t last = 0, fr, written = 0;
	int64_t ns, worst = 0, wall0 = mono_ns(), cpu0 = thread_cpu_ns();
	for (int i = 0; i < WRITES; i++) {
		int64_t t0 = mono_ns();
		ssize_t n = dpx_stream_write(&s, buf, sizeof buf);
		int64_t took = mono_ns() - t0;
		CHECK(n >= 0 && n <= (ssize_t)sizeof buf && n % FB == 0, "%s: write returned %zd\n", name, n);
		worst = took > worst ? took : worst;
		written += n > 0 ? (uint64_t)n / FB : 0;
		dpx_stream_position(&s, &fr, &ns);
		CHECK(fr >= last, "%s: position went back\n", name);
		CHECK(fr <= written, "%s: position %llu beyond the %llu frames written\n", name, (unsigned long long)fr,
		      (unsigned long long)written);
		CHECK(ns >= opened && ns <= mono_ns(), "%s: position timed %.3f s from now, before the stream or in the future\n",
		      name, (double)(ns - mono_ns()) / 1e9);
		last = fr;
	}
	int64_t wall = mono_ns() - wall0, cpu = thread_cpu_ns() - cpu0;
	__atomic_store_n(&c.stop, 1, __ATOMIC_RELEASE);
	pthread_join(t, NULL);

	uint64_t timed = s.timed_waits, poked = s.poked_waits;
	/* 20 ms writes: the bound only catches real blocking (a stall timeout,
	 * a sleep on a lying clock); the scheduler of a shared VM alone adds
	 * tens of milliseconds now and then. */
	CHECK(worst < 100000000, "%s: a write took %.1f ms\n", name, (double)worst / 1e6);
	CHECK(dpx_stream_connected(&s), "%s: gave up a server that consumes\n", name);
	CHECK(cpu * 2 < wall, "%s: the writer spun: %.1f ms of CPU in %.1f ms\n", name, (double)cpu / 1e6,
	      (double)wall / 1e6);
	CHECK(timed + poked <= WRITES * 20, "%s: %llu waits for %d writes\n", name, (unsigned long long)(timed + poked),
	      WRITES);
	if (lie == HONEST)
		CHECK(timed > 0, "%s: no wait was timed by the server's clock\n", name);
	/* A clock 4 ms early wakes every timed sleep 1.5 ms before the callback
	 * that frees the room (some progress, not enough room): such a wait
	 * falls back to a poke and is not counted as timed. Only a wake-up
	 * late by the scheduler finds the room, so most waits are poked. */
	if (lie == EARLY)
		CHECK(timed * 2 < poked, "%s: %llu timed waits (%llu poked) counted without their room\n", name,
		      (unsigned long long)timed, (unsigned long long)poked);
	if (lie == ZERO_NS || lie == FUTURE_NS || lie == PAST_NS || lie == TORN_SEQLOCK || lie == AHEAD)
		CHECK(timed == 0, "%s: %llu waits slept on a clock that cannot be right\n", name, (unsigned long long)timed);
	dpx_stream_destroy(&s);
	fake_close(&f, path);
	CHECK(count_fds() == before, "%s: %d descriptors leaked\n", name, count_fds() - before);
	printf("%s: ok (longest write %.1f ms, %.1f ms CPU in %.1f ms, waits %llu timed %llu poked)\n", name,
	       (double)worst / 1e6, (double)cpu / 1e6, (double)wall / 1e6, (unsigned long long)timed,
	       (unsigned long long)poked);
}

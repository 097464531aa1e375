/*
 * dpx_wait.h - how a stream waits (dpx_wait.c), internal to dpx_stream.c:
 * the local clock, the seqlocked server clock, the client-timed wait for
 * room in an output ring and the eventfd wait it falls back to.
 */
#ifndef DPX_WAIT_H
#define DPX_WAIT_H

#include <stdint.h>

#include "dpx_stream.h"

#define DPX_NS_PER_S 1000000000LL

/* dpx_frames_ns is the duration of frames at the stream's rate. */
int64_t dpx_frames_ns(const struct dpx_stream *s, uint64_t frames);

/* dpx_sleep_until sleeps until CLOCK_MONOTONIC ns. */
void dpx_sleep_until(int64_t ns);

/* dpx_read_consumed reads the server's (consumed, consumed_ns) pair under
 * its seqlock; 0 if the server kept it busy (or broke it). */
int dpx_read_consumed(struct dpx_ring_header *h, uint64_t *frames, int64_t *ns);

/* dpx_wait_progress blocks on the eventfd (DPX_FLAG_WAITING set) until the
 * server moves its position past before or deadline passes. 1: progress,
 * 0: deadline passed with no progress, -1: the server hung up or gave up
 * the stream. Wake-ups without progress are waited through; after two the
 * eventfd is left out and the position checked once a device period. */
int dpx_wait_progress(struct dpx_stream *s, uint64_t before, int64_t deadline);

/* dpx_wait_room waits until the server frees room in an output ring whose
 * read position is before: room for want frames (at most half the ring).
 * It sleeps on the stream's own clock, predicted from the server's
 * consumed/consumed_ns, without asking the server for a wake-up; if the
 * prediction is impossible, or the room is not there when it wakes, it
 * falls back to dpx_wait_progress with wake_frames set to want (the
 * server pokes when that much is free; an old one on any progress).
 * Returns as dpx_wait_progress; counts s->timed_waits (slept and found
 * the room) or s->poked_waits (fell back). */
int dpx_wait_room(struct dpx_stream *s, uint64_t before, uint64_t want, int64_t deadline);

#endif /* DPX_WAIT_H */

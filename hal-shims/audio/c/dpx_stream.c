/*
 * dpx_stream.c - the client side of one audioproxyd stream. See dpx_stream.h.
 *
 * The server's positions are checked before use: a read position beyond
 * what was written, or a flag saying the server gave the stream up,
 * disconnects the stream; it then paces on a local clock and reconnects.
 * (Opening, and the checks on what the server sends then: dpx_connect.c;
 * waiting for room or data, timed by the server's clock: dpx_wait.c.)
 */
#define _GNU_SOURCE
#include "dpx_stream.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "droidplex_audio_ctl.h"
#include "dpx_wait.h"

/* Bound on every socket operation of a connection attempt: a server that
 * does not answer in time is treated as absent. Opening a stream may take a
 * while (AudioFlinger does not open streams on its real-time threads); a
 * reconnection inside write must stay well within one period. */
#define OPEN_TIMEOUT_US 500000
#define RECONNECT_TIMEOUT_US 8000
/* A connected server that does not move for this long is given up; four
 * times that while an output ring has had nothing consumed: a device may
 * start late (PulseAudio's idle null sink takes about a second), which is
 * no reason to reopen the stream (the Go shim's startGrace). */
#define DPX_STALL_NS (500 * 1000000LL)
#define DPX_START_GRACE 4

static uint32_t sample_bytes(uint16_t format)
{
	return format == DPX_FORMAT_S16 ? 2 : format == DPX_FORMAT_F32 ? 4 : 0;
}

/* played caps the server's consumed count f: an output stream cannot have
 * played more than was written on the connection, an input stream cannot
 * have captured more than was read plus a ring (a huge count would also
 * wrap base + f, and the position, which never goes back, would stick
 * there). s->pos is read atomically: this runs on any thread. */
static uint64_t played(struct dpx_stream *s, uint64_t f)
{
	uint64_t w = __atomic_load_n(&s->pos, __ATOMIC_RELAXED);
	if (s->cfg.dir == DPX_DIR_INPUT)
		w = w + s->capacity < w ? UINT64_MAX : w + s->capacity;
	return f < w ? f : w;
}

/* disconnect drops the connection; frames the server consumed on it stay
 * counted so the position never goes back. */
static void disconnect(struct dpx_stream *s)
{
	pthread_mutex_lock(&s->lock);
	if (s->hdr) {
		uint64_t f;
		int64_t t;
		if (dpx_read_consumed(s->hdr, &f, &t) && played(s, f) > s->conn_seen)
			s->conn_seen = played(s, f);
		s->base += s->conn_seen;
		s->conn_seen = 0;
		__atomic_and_fetch(&s->hdr->flags, ~DPX_FLAG_RUNNING, __ATOMIC_SEQ_CST);
		munmap(s->hdr, s->map_size);
		close(s->sock);
		close(s->efd);
		s->hdr = NULL;
		s->data = NULL;
		s->sock = s->efd = -1;
	}
	pthread_mutex_unlock(&s->lock);
}

static void try_reconnect(struct dpx_stream *s)
{
	int64_t now = dpx_now_ns();
	if (s->last_try_ns != 0 && now - s->last_try_ns < s->cfg.reconnect_ns)
		return;
	s->last_try_ns = now;
	if (dpx_stream_connect(s, RECONNECT_TIMEOUT_US) == 0)
		s->reconnects++;
}

/* pace_locally stands in for the absent server: it sleeps until due and
 * counts the frames as played. */
static void pace_locally(struct dpx_stream *s, uint64_t frames, int64_t due)
{
	s->local_ns = due;
	dpx_sleep_until(due);
	pthread_mutex_lock(&s->lock);
	s->base += frames;
	pthread_mutex_unlock(&s->lock);
}

/* local_due is when frames are due on the local clock of a stream that
 * starts a write or read with no server. */
static int64_t local_due(struct dpx_stream *s, uint64_t frames)
{
	int64_t now = dpx_now_ns();
	if (s->local_ns < now - DPX_NS_PER_S) /* long idle: start afresh */
		s->local_ns = now;
	return s->local_ns + dpx_frames_ns(s, frames);
}

/* note_progress remembers when the server last moved its position. */
static void note_progress(struct dpx_stream *s, uint64_t server_pos)
{
	if (server_pos != s->seen_pos || s->seen_ns == 0) {
		s->seen_pos = server_pos;
		s->seen_ns = dpx_now_ns();
	}
}

/* stalled says the server has not moved for DPX_STALL_NS (see there): it
 * is alive (the socket is open) but wedged, and the stream gives it up. */
static int stalled(struct dpx_stream *s)
{
	int64_t stall = DPX_STALL_NS;
	if (s->cfg.dir == DPX_DIR_OUTPUT && s->seen_pos == 0)
		stall *= DPX_START_GRACE;
	return dpx_now_ns() - s->seen_ns > stall;
}

/* copy_ring copies k frames between buf and the ring at s->pos. */
static void copy_ring(struct dpx_stream *s, uint8_t *buf, uint64_t k, int to_ring)
{
	uint64_t start = s->pos % s->capacity, first = s->capacity - start;
	uint64_t a = k < first ? k : first;
	uint8_t *r = s->data + start * s->frame_bytes;
	size_t fb = s->frame_bytes;
	if (to_ring) {
		memcpy(r, buf, a * fb);
		memcpy(s->data, buf + a * fb, (k - a) * fb);
	} else {
		memcpy(buf, r, a * fb);
		memcpy(buf + a * fb, s->data, (k - a) * fb);
	}
}

ssize_t dpx_stream_write(struct dpx_stream *s, const void *buf, size_t bytes)
{
	const uint8_t *p = buf;
	uint64_t total = bytes / s->frame_bytes, left = total;
	int64_t start = dpx_now_ns();
	int64_t due = start + dpx_frames_ns(s, total);
	int lost = 0; /* the server went away during this call: finish on its due time */
	while (left > 0) {
		if (!s->hdr) {
			try_reconnect(s);
			if (!s->hdr) {
				pace_locally(s, left, lost ? due : local_due(s, left));
				return (ssize_t)bytes;
			}
		}
		struct dpx_ring_header *h = s->hdr;
		uint64_t rp = __atomic_load_n(&h->read_pos, __ATOMIC_ACQUIRE);
		uint64_t queued = s->pos - rp;
		if (queued > s->capacity ||
		    (__atomic_load_n(&h->flags, __ATOMIC_ACQUIRE) & (DPX_FLAG_BROKEN | DPX_FLAG_CLOSED))) {
			disconnect(s); /* a server reading beyond our writes, or one that gave up */
			lost = 1;
			continue;
		}
		note_progress(s, rp);
		uint64_t room = s->capacity - queued;
		if (room == 0) {
			int w = dpx_wait_room(s, rp, left, due + 2 * dpx_frames_ns(s, s->dev_period));
			if (w < 0 || (w == 0 && stalled(s))) {
				disconnect(s);
				lost = 1;
			} else if (w == 0) {
				/* A slow server: hand back what fits, the caller writes the rest next time. */
				return (ssize_t)((total - left) * s->frame_bytes);
			}
			continue;
		}
		uint64_t k = left < room ? left : room;
		copy_ring(s, (uint8_t *)p, k, 1);
		p += k * s->frame_bytes;
		left -= k;
		__atomic_store_n(&s->pos, s->pos + k, __ATOMIC_RELAXED); /* played() reads it */
		__atomic_store_n(&h->write_pos, s->pos, __ATOMIC_RELEASE);
		__atomic_or_fetch(&h->flags, DPX_FLAG_RUNNING, __ATOMIC_SEQ_CST);
	}
	return (ssize_t)bytes;
}

ssize_t dpx_stream_read(struct dpx_stream *s, void *buf, size_t bytes)
{
	uint8_t *p = buf;
	uint64_t total = bytes / s->frame_bytes, left = total;
	int64_t due = dpx_now_ns() + dpx_frames_ns(s, total);
	int lost = 0;
	while (left > 0) {
		if (!s->hdr) {
			try_reconnect(s);
			if (!s->hdr) {
				memset(p, 0, left * s->frame_bytes);
				pace_locally(s, left, lost ? due : local_due(s, left));
				return (ssize_t)(total * s->frame_bytes);
			}
		}
		struct dpx_ring_header *h = s->hdr;
		if (__atomic_load_n(&h->flags, __ATOMIC_ACQUIRE) & (DPX_FLAG_BROKEN | DPX_FLAG_CLOSED)) {
			disconnect(s);
			lost = 1;
			continue;
		}
		uint64_t wp = __atomic_load_n(&h->write_pos, __ATOMIC_ACQUIRE);
		uint64_t avail = wp - s->pos;
		if (avail > s->capacity) { /* we fell behind (or the server lies): keep the newest ring-full */
			__atomic_store_n(&s->pos, wp - s->capacity, __ATOMIC_RELAXED);
			avail = s->capacity;
		}
		note_progress(s, wp);
		if (avail == 0) {
			int w = dpx_wait_progress(s, wp, due + 2 * dpx_frames_ns(s, s->dev_period));
			if (w < 0 || (w == 0 && stalled(s))) {
				disconnect(s);
				lost = 1;
			} else if (w == 0) {
				/* A slow server: keep the caller's pace with silence. */
				memset(p, 0, left * s->frame_bytes);
				break;
			}
			continue;
		}
		uint64_t k = left < avail ? left : avail;
		copy_ring(s, p, k, 0);
		p += k * s->frame_bytes;
		left -= k;
		__atomic_store_n(&s->pos, s->pos + k, __ATOMIC_RELAXED);
		__atomic_store_n(&h->read_pos, s->pos, __ATOMIC_RELEASE);
	}
	return (ssize_t)(total * s->frame_bytes);
}

void dpx_stream_route(struct dpx_stream *s, uint32_t devices)
{
	pthread_mutex_lock(&s->lock);
	s->route = devices;
	s->route_set = 1;
	if (s->hdr)
		dpx_send_route(s);
	pthread_mutex_unlock(&s->lock);
}

void dpx_stream_standby(struct dpx_stream *s)
{
	pthread_mutex_lock(&s->lock);
	if (s->hdr)
		__atomic_and_fetch(&s->hdr->flags, ~DPX_FLAG_RUNNING, __ATOMIC_SEQ_CST);
	pthread_mutex_unlock(&s->lock);
}

void dpx_stream_position(struct dpx_stream *s, uint64_t *frames, int64_t *ns)
{
	uint64_t f;
	int64_t t;
	pthread_mutex_lock(&s->lock);
	int ok = s->hdr && dpx_read_consumed(s->hdr, &f, &t);
	int64_t now = dpx_now_ns(); /* after the read: an honest t is not later */
	if (ok && t != 0 && (f = played(s, f)) >= s->conn_seen) {
		s->conn_seen = f;
		*frames = s->base + f;
		/* A count timed before the connection or in the future is a lie
		 * about when: f frames had played by now, at least. */
		*ns = t >= s->conn_ns && t <= now ? t : now;
	} else {
		*frames = s->base + s->conn_seen;
		*ns = now;
	}
	if (*frames < s->reported) /* a server that lies about what it consumed cannot move us back */
		*frames = s->reported;
	s->reported = *frames;
	pthread_mutex_unlock(&s->lock);
}

int dpx_stream_connected(struct dpx_stream *s)
{
	pthread_mutex_lock(&s->lock);
	int c = s->hdr != NULL;
	pthread_mutex_unlock(&s->lock);
	return c;
}

uint32_t dpx_stream_latency_frames(struct dpx_stream *s)
{
	pthread_mutex_lock(&s->lock);
	uint32_t f = s->capacity ? s->capacity + s->dev_period : 2 * s->cfg.period;
	pthread_mutex_unlock(&s->lock);
	return f;
}

int dpx_stream_init(struct dpx_stream *s, const struct dpx_stream_config *cfg)
{
	memset(s, 0, sizeof *s);
	uint32_t sb = sample_bytes(cfg->format);
	if (!cfg->path || strlen(cfg->path) >= sizeof s->path || sb == 0 || cfg->rate < 8000 || cfg->rate > 192000 ||
	    cfg->channels < 1 || cfg->channels > 8 || cfg->period == 0 || cfg->period > DPX_RING_MAX_CAPACITY ||
	    (cfg->dir != DPX_DIR_OUTPUT && cfg->dir != DPX_DIR_INPUT))
		return -EINVAL;
	s->cfg = *cfg;
	if (s->cfg.reconnect_ns <= 0)
		s->cfg.reconnect_ns = 200 * 1000000LL;
	strcpy(s->path, cfg->path);
	s->cfg.path = s->path;
	s->frame_bytes = sb * cfg->channels;
	s->sock = s->efd = -1;
	pthread_mutex_init(&s->lock, NULL);
	s->last_try_ns = dpx_now_ns();
	dpx_stream_connect(s, OPEN_TIMEOUT_US);
	return 0;
}

void dpx_stream_destroy(struct dpx_stream *s)
{
	disconnect(s);
	pthread_mutex_destroy(&s->lock);
}

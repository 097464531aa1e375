/*
 * dpx_stream.h - one stream to audioproxyd: the control socket, the shared
 * ring and the pacing eventfd, with reconnection and a local clock for when
 * the server is gone. The HAL glue (audio_hw.c) is built on it; it knows
 * nothing about Android.
 *
 * Threads: dpx_stream_write / dpx_stream_read / dpx_stream_standby belong to
 * one thread (AudioFlinger's); dpx_stream_position may be called from any
 * thread at the same time.
 */
#ifndef DPX_STREAM_H
#define DPX_STREAM_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "droidplex_ring.h"

struct dpx_stream_config {
	const char *path;     /* the container's audio control socket */
	uint8_t dir;          /* DPX_DIR_OUTPUT or DPX_DIR_INPUT */
	uint8_t usage;        /* DPX_USAGE_* */
	uint32_t rate;        /* must equal the device's */
	uint16_t channels;
	uint16_t format;      /* DPX_FORMAT_* */
	uint32_t period;      /* the caller's write/read size in frames */
	int64_t reconnect_ns; /* least time between reconnection attempts */
};

struct dpx_stream {
	struct dpx_stream_config cfg;
	char path[108];
	uint32_t frame_bytes;

	/* The connection; changed only by the owning thread, under lock. */
	pthread_mutex_t lock;
	int sock, efd;
	struct dpx_ring_header *hdr;
	uint8_t *data;
	size_t map_size;
	uint32_t capacity, dev_period;
	uint64_t pos; /* our write (output) or read (input) position; stored atomically */
	int64_t conn_ns;   /* when this connection was asked for; under lock */
	uint64_t seen_pos; /* the server's position when we last saw it move, */
	int64_t seen_ns;   /* and when that was */

	uint64_t base;      /* frames played on earlier connections and locally; under lock */
	uint64_t conn_seen; /* the server's consumed count last read on this connection; under lock */
	uint64_t reported;  /* the last position reported, which never goes back; under lock */
	int64_t local_ns;   /* local clock deadline while disconnected */
	int64_t last_try_ns;
	uint64_t reconnects;
	int last_error; /* errno-style reason of the last failed connect, for logs */
	uint32_t route; /* audio_devices_t Android last asked for; under lock */
	int route_set;

	/* How writes waited for room (dpx_wait.c), for tests and benchmarks;
	 * written by the owning thread, read atomically from any. */
	uint64_t timed_waits; /* slept on the server's clock and found room */
	uint64_t poked_waits; /* fell back to asking the server for a poke */
};

/* dpx_stream_init fills s and tries to connect once; it never fails for a
 * missing server (the stream then paces locally and reconnects). Returns
 * -EINVAL for a bad configuration. */
int dpx_stream_init(struct dpx_stream *s, const struct dpx_stream_config *cfg);

/* dpx_stream_destroy disconnects and frees what init made. */
void dpx_stream_destroy(struct dpx_stream *s);

/* dpx_stream_write queues bytes of PCM (whole frames) and returns once they
 * are in the ring: it blocks for about the audio's duration once the ring is
 * full. With the server gone it sleeps the audio's duration on a local clock
 * and drops it; it never blocks longer than that. A server that is merely
 * slow gets a short write: the return value may be below bytes (the caller
 * writes the rest next time, as AudioFlinger does). A server that does not
 * move for 500 ms (2 s before it consumed anything) is given up as gone. */
ssize_t dpx_stream_write(struct dpx_stream *s, const void *buf, size_t bytes);

/* dpx_stream_read fills buf with captured frames, blocking until they are
 * there; silence at the local clock's pace while the server is gone. */
ssize_t dpx_stream_read(struct dpx_stream *s, void *buf, size_t bytes);

/* dpx_stream_route tells the server which output devices Android routed
 * the stream to (set_parameters "routing="), now if connected and again
 * after every reconnection. Never blocks. */
void dpx_stream_route(struct dpx_stream *s, uint32_t devices);

/* dpx_stream_standby says playback paused: gaps are no longer underruns. */
void dpx_stream_standby(struct dpx_stream *s);

/* dpx_stream_position returns the frames played (output) or captured
 * (input) so far and the CLOCK_MONOTONIC ns of that count. Never goes back. */
void dpx_stream_position(struct dpx_stream *s, uint64_t *frames, int64_t *ns);

/* dpx_stream_connected reports whether the stream has a server now. */
int dpx_stream_connected(struct dpx_stream *s);

/* dpx_stream_latency_frames is the ring plus one device period. */
uint32_t dpx_stream_latency_frames(struct dpx_stream *s);

/* dpx_stream_connect opens the stream on the server (dpx_connect.c), each
 * socket operation bounded by timeout_us; 0 or -errno. Used by
 * dpx_stream.c only. */
int dpx_stream_connect(struct dpx_stream *s, long timeout_us);

/* dpx_send_route sends s->route now (dpx_connect.c); s->lock held. */
void dpx_send_route(struct dpx_stream *s);

/* dpx_now_ns returns CLOCK_MONOTONIC in nanoseconds (dpx_wait.c). */
int64_t dpx_now_ns(void);

#endif /* DPX_STREAM_H */

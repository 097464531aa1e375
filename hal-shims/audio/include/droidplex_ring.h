/*
 * droidplex_ring.h - the shared-memory ring between an audio HAL shim and
 * audioproxyd. Mirrors droidplex/audioproxy/wire (ring.go); a Go test
 * compiles this header and checks every size and offset against the Go
 * definition. All fields are little-endian and naturally aligned; access the
 * positions, flags and counters with __atomic builtins.
 */
#ifndef DROIDPLEX_RING_H
#define DROIDPLEX_RING_H

#include <stddef.h>
#include <stdint.h>

#define DPX_RING_MAGIC   0x52585044u /* "DPXR" */
#define DPX_RING_VERSION 1u
#define DPX_RING_HEADER_SIZE 128u
#define DPX_RING_MAX_CAPACITY 65536u

#define DPX_FORMAT_S16 1u
#define DPX_FORMAT_F32 2u

#define DPX_FLAG_RUNNING (1u << 0) /* writer: playing; a short ring is an underrun */
#define DPX_FLAG_WAITING (1u << 1) /* writer: blocked on the eventfd (not pacing by the clock) */
#define DPX_FLAG_BROKEN  (1u << 2) /* server: protocol broken, stream silenced */
#define DPX_FLAG_CLOSED  (1u << 3) /* server: stream gone, reconnect */

struct dpx_ring_header {
	uint32_t magic;           /*   0 DPX_RING_MAGIC */
	uint32_t version;         /*   4 DPX_RING_VERSION */
	uint32_t header_bytes;    /*   8 PCM data starts here */
	uint32_t capacity_frames; /*  12 1..DPX_RING_MAX_CAPACITY; the writer buffers at most this */
	uint32_t frame_bytes;     /*  16 channels * bytes per sample */
	uint32_t rate;            /*  20 frames per second */
	uint16_t channels;        /*  24 */
	uint16_t format;          /*  26 DPX_FORMAT_* */
	uint32_t period_frames;   /*  28 device period */
	uint32_t flags;           /*  32 DPX_FLAG_* */
	uint32_t underruns;       /*  36 set by the server */
	uint32_t clock_seq;       /*  40 seqlock over consumed/consumed_ns, odd while written */
	uint32_t wake_frames;     /*  44 writer: wake me when this many frames are free; 0 = any progress */
	uint64_t write_pos;       /*  48 frames ever written */
	uint64_t reserved1;       /*  56 */
	uint64_t read_pos;        /*  64 frames ever read */
	uint64_t consumed;        /*  72 frames the device consumed */
	int64_t consumed_ns;      /*  80 CLOCK_MONOTONIC ns of that count */
	uint8_t reserved2[40];    /*  88 */
};                            /* 128: data follows */

_Static_assert(sizeof(struct dpx_ring_header) == DPX_RING_HEADER_SIZE, "dpx_ring_header size");
_Static_assert(offsetof(struct dpx_ring_header, write_pos) == 48, "write_pos offset");
_Static_assert(offsetof(struct dpx_ring_header, read_pos) == 64, "read_pos offset");

#endif /* DROIDPLEX_RING_H */

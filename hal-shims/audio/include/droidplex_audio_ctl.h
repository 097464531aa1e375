/*
 * droidplex_audio_ctl.h - the control messages a shim exchanges with
 * audioproxyd on a container's SOCK_SEQPACKET audio socket, one message per
 * packet. Mirrors droidplex/audioproxy/wire (msg.go); a Go test
 * (audioproxy/wire/ctl_cheader_test.go) compiles this header and checks
 * every size, offset and constant against the Go definition. Multi-byte
 * fields are little-endian.
 *
 * client -> server  dpx_ctl_open; the connection then belongs to the stream
 * server -> client  dpx_ctl_opened with the ring memfd and the pacing
 *                   eventfd as SCM_RIGHTS (in that order), or dpx_ctl_error
 * client -> server  dpx_ctl_route, any time after opened: the route Android
 *                   asked for (no answer)
 */
#ifndef DROIDPLEX_AUDIO_CTL_H
#define DROIDPLEX_AUDIO_CTL_H

#include <stddef.h>
#include <stdint.h>

#define DPX_OP_OPEN   1u
#define DPX_OP_OPENED 2u
#define DPX_OP_ERROR  3u
#define DPX_OP_ROUTE  4u

#define DPX_DIR_OUTPUT 1u /* the shim writes, the server plays */
#define DPX_DIR_INPUT  2u /* the server writes, the shim reads */

#define DPX_USAGE_MEDIA        1u
#define DPX_USAGE_VOICE        2u
#define DPX_USAGE_RING         3u
#define DPX_USAGE_ALARM        4u
#define DPX_USAGE_NOTIFICATION 5u

/* Error codes in dpx_ctl_error.code. */
#define DPX_ERR_INVALID     1u /* bad request values */
#define DPX_ERR_LIMIT       2u /* too many streams for the container */
#define DPX_ERR_UNSUPPORTED 3u /* not the device's format */
#define DPX_ERR_INTERNAL    4u

#define DPX_CTL_OPEN_SIZE     16u
#define DPX_CTL_OPENED_SIZE   32u
#define DPX_CTL_ERROR_MAX_LEN 200u
#define DPX_CTL_MAX_MSG_SIZE  (4u + DPX_CTL_ERROR_MAX_LEN)
#define DPX_CTL_ROUTE_SIZE    8u

struct dpx_ctl_open {
	uint8_t op;           /*  0 DPX_OP_OPEN */
	uint8_t dir;          /*  1 DPX_DIR_* */
	uint8_t usage;        /*  2 DPX_USAGE_* */
	uint8_t reserved;     /*  3 zero */
	uint32_t rate;        /*  4 */
	uint16_t channels;    /*  8 */
	uint16_t format;      /* 10 DPX_FORMAT_* (droidplex_ring.h) */
	uint32_t period_hint; /* 12 the shim's write size in frames, 0: none */
};

struct dpx_ctl_opened {
	uint8_t op;              /*  0 DPX_OP_OPENED */
	uint8_t reserved[3];     /*  1 */
	uint32_t id;             /*  4 stream id */
	uint32_t rate;           /*  8 */
	uint16_t channels;       /* 12 */
	uint16_t format;         /* 14 */
	uint32_t capacity;       /* 16 ring capacity in frames */
	uint32_t period;         /* 20 device period in frames */
	uint32_t size;           /* 24 ring (memfd) size in bytes */
	uint32_t reserved2;      /* 28 */
};

struct dpx_ctl_error {
	uint8_t op;       /* 0 DPX_OP_ERROR */
	uint8_t code;     /* 1 DPX_ERR_* */
	uint8_t len;      /* 2 length of text */
	uint8_t reserved; /* 3 */
	char text[DPX_CTL_ERROR_MAX_LEN]; /* 4 not NUL-terminated */
};

struct dpx_ctl_route {
	uint8_t op;          /* 0 DPX_OP_ROUTE */
	uint8_t reserved[3]; /* 1 */
	uint32_t devices;    /* 4 audio_devices_t of set_parameters("routing=N"); 0 withdraws */
};

_Static_assert(sizeof(struct dpx_ctl_route) == DPX_CTL_ROUTE_SIZE, "dpx_ctl_route size");
_Static_assert(sizeof(struct dpx_ctl_open) == DPX_CTL_OPEN_SIZE, "dpx_ctl_open size");
_Static_assert(sizeof(struct dpx_ctl_opened) == DPX_CTL_OPENED_SIZE, "dpx_ctl_opened size");
_Static_assert(sizeof(struct dpx_ctl_error) == DPX_CTL_MAX_MSG_SIZE, "dpx_ctl_error size");

#endif /* DROIDPLEX_AUDIO_CTL_H */

/*
 * dpx_hw.h - the HAL objects of audio.primary.droidplex.so, shared by the
 * device (audio_hw.c) and its streams (audio_streams.c).
 */
#ifndef DPX_HW_H
#define DPX_HW_H

#include <pthread.h>

#include "dpx_hal.h"
#include "dpx_stream.h"

/* dpx_dev is the audio_hw_device. */
struct dpx_dev {
	struct audio_hw_device dev; /* first: Android casts */
	pthread_mutex_t lock;
	audio_mode_t mode;
	bool mic_mute;
	char socket[108];
};

/* dpx_out is an output stream. */
struct dpx_out {
	struct audio_stream_out out; /* first */
	struct dpx_dev *dev;
	struct dpx_stream st;
	audio_devices_t devices;
	bool standby;
	uint64_t render_base; /* position when the stream last left standby; atomic */
};

/* dpx_in is an input stream. */
struct dpx_in {
	struct audio_stream_in in; /* first */
	struct dpx_dev *dev;
	struct dpx_stream st;
	audio_devices_t devices;
	audio_source_t source;
};

/* dpx_out_ops and dpx_in_ops fill in a stream's operations. */
void dpx_out_ops(struct dpx_out *o);
void dpx_in_ops(struct dpx_in *i);

#endif /* DPX_HW_H */

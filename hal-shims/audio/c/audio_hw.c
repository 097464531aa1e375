/*
 * audio_hw.c - audio.primary.droidplex.so: an Android legacy audio HAL
 * (device API 2.0) whose streams are audioproxyd streams. Every stream is
 * offered in the server's device format (48 kHz, stereo, s16), so Android's
 * mixer does all conversion and the server only sums. Streams survive a
 * server restart: they pace on a local clock while it is gone and
 * reconnect (dpx_stream.c). Routing arrives as set_parameters("routing=")
 * on the streams, as it does for every 2.0 HAL.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpx_hw.h"
#include "droidplex_audio_ctl.h"

/* ---- device ---- */

static struct dpx_dev *dev_of(const void *d) { return (struct dpx_dev *)d; }

static int adev_init_check(const struct audio_hw_device *d) { (void)d; return 0; }
/* No modem audio path inside a container: declined (legal). */
static int adev_set_voice_volume(struct audio_hw_device *d, float v) { (void)d; (void)v; return -ENOSYS; }
/* Master volume and mute are declined (legal): AudioFlinger applies them in
 * software; the server owns the container's volume. */
static int adev_set_master_volume(struct audio_hw_device *d, float v) { (void)d; (void)v; return -ENOSYS; }
static int adev_get_master_volume(struct audio_hw_device *d, float *v) { (void)d; (void)v; return -ENOSYS; }
static int adev_set_master_mute(struct audio_hw_device *d, bool m) { (void)d; (void)m; return -ENOSYS; }
static int adev_get_master_mute(struct audio_hw_device *d, bool *m) { (void)d; (void)m; return -ENOSYS; }

/* The highest audio_mode_t AudioFlinger sets: COMMUNICATION_REDIRECT
 * (Android 12), after CALL_SCREEN (4, Android 11) and CALL_REDIRECT (5).
 * A number, not the enum names, which older headers lack. The mode is only
 * reported (droidplex_mode): call audio follows the server's policy. */
#define DPX_AUDIO_MODE_MAX 6

static int adev_set_mode(struct audio_hw_device *d, audio_mode_t mode)
{
	if ((int)mode < AUDIO_MODE_NORMAL || (int)mode > DPX_AUDIO_MODE_MAX)
		return -EINVAL;
	pthread_mutex_lock(&dev_of(d)->lock);
	dev_of(d)->mode = mode;
	pthread_mutex_unlock(&dev_of(d)->lock);
	return 0;
}

static int adev_set_mic_mute(struct audio_hw_device *d, bool state)
{
	pthread_mutex_lock(&dev_of(d)->lock);
	dev_of(d)->mic_mute = state;
	pthread_mutex_unlock(&dev_of(d)->lock);
	return 0;
}

static int adev_get_mic_mute(const struct audio_hw_device *d, bool *state)
{
	if (!state)
		return -EINVAL;
	pthread_mutex_lock(&dev_of(d)->lock);
	*state = dev_of(d)->mic_mute;
	pthread_mutex_unlock(&dev_of(d)->lock);
	return 0;
}

static int adev_set_parameters(struct audio_hw_device *d, const char *kv) { (void)d; (void)kv; return 0; }

static char *adev_get_parameters(const struct audio_hw_device *d, const char *keys)
{
	char buf[32];
	pthread_mutex_lock(&dev_of(d)->lock);
	snprintf(buf, sizeof buf, "droidplex_mode=%d", (int)dev_of(d)->mode);
	pthread_mutex_unlock(&dev_of(d)->lock);
	return strdup(keys && strstr(keys, "droidplex_mode") ? buf : "");
}

static size_t adev_get_input_buffer_size(const struct audio_hw_device *d, const struct audio_config *c)
{
	(void)d;
	(void)c;
	return DPX_HAL_PERIOD_FRAMES * DPX_HAL_FRAME_BYTES;
}

/* check_config accepts the one format offered (0 means "any") and otherwise
 * writes it into c and returns -EINVAL, so AudioFlinger re-opens with it. */
static int check_config(struct audio_config *c, audio_channel_mask_t channels)
{
	int ok = (c->sample_rate == 0 || c->sample_rate == DPX_HAL_RATE) &&
	         (c->format == AUDIO_FORMAT_DEFAULT || c->format == DPX_HAL_FORMAT) &&
	         (c->channel_mask == AUDIO_CHANNEL_NONE || c->channel_mask == channels);
	c->sample_rate = DPX_HAL_RATE;
	c->format = DPX_HAL_FORMAT;
	c->channel_mask = channels;
	c->frame_count = DPX_HAL_PERIOD_FRAMES;
	return ok ? 0 : -EINVAL;
}

static struct dpx_stream_config stream_config(struct dpx_dev *d, uint8_t dir, uint8_t usage)
{
	struct dpx_stream_config c = {.path = d->socket, .dir = dir, .usage = usage, .rate = DPX_HAL_RATE,
	                              .channels = 2, .format = DPX_FORMAT_S16, .period = DPX_HAL_PERIOD_FRAMES};
	return c;
}

static int adev_open_output_stream(struct audio_hw_device *d, audio_io_handle_t handle, audio_devices_t devices,
                                   audio_output_flags_t flags, struct audio_config *config,
                                   struct audio_stream_out **stream_out, const char *address)
{
	(void)handle;
	(void)flags;
	(void)address;
	if (!config || !stream_out)
		return -EINVAL;
	*stream_out = NULL;
	int err = check_config(config, DPX_HAL_OUT_CHANNELS);
	if (err)
		return err;
	struct dpx_out *o = calloc(1, sizeof *o); /* members this shim leaves out stay NULL */
	if (!o)
		return -ENOMEM;
	struct dpx_stream_config sc = stream_config(dev_of(d), DPX_DIR_OUTPUT, DPX_USAGE_MEDIA);
	if ((err = dpx_stream_init(&o->st, &sc)) < 0) {
		free(o);
		return err;
	}
	o->dev = dev_of(d);
	o->devices = devices;
	o->standby = true;
	dpx_out_ops(o);
	*stream_out = &o->out;
	return 0;
}

static void adev_close_output_stream(struct audio_hw_device *d, struct audio_stream_out *s)
{
	(void)d;
	if (!s)
		return;
	dpx_stream_destroy(&((struct dpx_out *)s)->st);
	free(s);
}

static uint8_t input_usage(audio_source_t source)
{
	switch (source) {
	case AUDIO_SOURCE_VOICE_UPLINK:
	case AUDIO_SOURCE_VOICE_DOWNLINK:
	case AUDIO_SOURCE_VOICE_CALL:
	case AUDIO_SOURCE_VOICE_COMMUNICATION:
		return DPX_USAGE_VOICE;
	}
	return DPX_USAGE_MEDIA;
}

static int adev_open_input_stream(struct audio_hw_device *d, audio_io_handle_t handle, audio_devices_t devices,
                                  struct audio_config *config, struct audio_stream_in **stream_in,
                                  audio_input_flags_t flags, const char *address, audio_source_t source)
{
	(void)handle;
	(void)flags;
	(void)address;
	if (!config || !stream_in)
		return -EINVAL;
	*stream_in = NULL;
	int err = check_config(config, DPX_HAL_IN_CHANNELS);
	if (err)
		return err;
	struct dpx_in *i = calloc(1, sizeof *i);
	if (!i)
		return -ENOMEM;
	struct dpx_stream_config sc = stream_config(dev_of(d), DPX_DIR_INPUT, input_usage(source));
	if ((err = dpx_stream_init(&i->st, &sc)) < 0) {
		free(i);
		return err;
	}
	i->dev = dev_of(d);
	i->devices = devices;
	i->source = source;
	dpx_in_ops(i);
	*stream_in = &i->in;
	return 0;
}

static void adev_close_input_stream(struct audio_hw_device *d, struct audio_stream_in *s)
{
	(void)d;
	if (!s)
		return;
	dpx_stream_destroy(&((struct dpx_in *)s)->st);
	free(s);
}

static int adev_dump(const struct audio_hw_device *d, int fd) { (void)d; (void)fd; return 0; }

static int adev_close(struct hw_device_t *hw)
{
	struct dpx_dev *d = (struct dpx_dev *)hw;
	pthread_mutex_destroy(&d->lock);
	free(d);
	return 0;
}

static int adev_open(const struct hw_module_t *module, const char *name, struct hw_device_t **device)
{
	if (!name || strcmp(name, AUDIO_HARDWARE_INTERFACE) != 0 || !device)
		return -EINVAL;
	const char *path = getenv("DROIDPLEX_AUDIO_SOCKET");
	if (!path || !*path)
		path = DPX_HAL_DEFAULT_SOCKET;
	struct dpx_dev *d = calloc(1, sizeof *d);
	if (!d)
		return -ENOMEM;
	if (strlen(path) >= sizeof d->socket) {
		free(d);
		return -ENAMETOOLONG;
	}
	strcpy(d->socket, path);
	pthread_mutex_init(&d->lock, NULL);
	d->mode = AUDIO_MODE_NORMAL;
	d->dev.common.tag = HARDWARE_DEVICE_TAG;
	d->dev.common.version = AUDIO_DEVICE_API_VERSION_2_0;
	d->dev.common.module = (struct hw_module_t *)module;
	d->dev.common.close = adev_close;
	d->dev.init_check = adev_init_check;
	d->dev.set_voice_volume = adev_set_voice_volume;
	d->dev.set_master_volume = adev_set_master_volume;
	d->dev.get_master_volume = adev_get_master_volume;
	d->dev.set_mode = adev_set_mode;
	d->dev.set_mic_mute = adev_set_mic_mute;
	d->dev.get_mic_mute = adev_get_mic_mute;
	d->dev.set_parameters = adev_set_parameters;
	d->dev.get_parameters = adev_get_parameters;
	d->dev.get_input_buffer_size = adev_get_input_buffer_size;
	d->dev.open_output_stream = adev_open_output_stream;
	d->dev.close_output_stream = adev_close_output_stream;
	d->dev.open_input_stream = adev_open_input_stream;
	d->dev.close_input_stream = adev_close_input_stream;
	d->dev.dump = adev_dump;
	d->dev.set_master_mute = adev_set_master_mute;
	d->dev.get_master_mute = adev_get_master_mute;
	*device = &d->dev.common;
	return 0;
}

static struct hw_module_methods_t hal_module_methods = {.open = adev_open};

__attribute__((visibility("default"))) struct audio_module HAL_MODULE_INFO_SYM = {
	.common = {
		.tag = HARDWARE_MODULE_TAG,
		.module_api_version = AUDIO_MODULE_API_VERSION_0_1,
		.hal_api_version = HARDWARE_HAL_API_VERSION,
		.id = AUDIO_HARDWARE_MODULE_ID,
		.name = "droidplex audio HAL (audioproxyd client)",
		.author = "droidplex",
		.methods = &hal_module_methods,
	},
};

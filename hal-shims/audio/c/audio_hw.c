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

#include "dpx_hal.h"
#include "dpx_stream.h"
#include "droidplex_audio_ctl.h"

struct dpx_dev {
	struct audio_hw_device dev; /* first: Android casts */
	pthread_mutex_t lock;
	audio_mode_t mode;
	bool mic_mute;
	char socket[108];
};

struct dpx_out {
	struct audio_stream_out out; /* first */
	struct dpx_dev *dev;
	struct dpx_stream st;
	audio_devices_t devices;
	bool standby;
	uint64_t render_base; /* position when the stream last left standby */
};

struct dpx_in {
	struct audio_stream_in in; /* first */
	struct dpx_dev *dev;
	struct dpx_stream st;
	audio_devices_t devices;
	audio_source_t source;
};

/* ---- parameters ---- */

/* param_value finds key in a "k1=v1;k2=v2" string and copies its value. */
static int param_value(const char *kv, const char *key, char *val, size_t len)
{
	size_t kl = strlen(key);
	for (const char *p = kv; p && *p;) {
		const char *end = strchr(p, ';');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		if (n > kl && strncmp(p, key, kl) == 0 && p[kl] == '=') {
			size_t vl = n - kl - 1;
			if (vl >= len)
				return -1;
			memcpy(val, p + kl + 1, vl);
			val[vl] = 0;
			return 0;
		}
		p = end ? end + 1 : NULL;
	}
	return -1;
}

static int param_has(const char *keys, const char *key) { return keys && strstr(keys, key) != NULL; }

/* append adds "k=v" to a ';'-separated list in buf. */
static void append(char *buf, size_t len, const char *k, const char *v)
{
	size_t used = strlen(buf);
	snprintf(buf + used, len - used, "%s%s=%s", used ? ";" : "", k, v);
}

/* ---- common stream operations ---- */

static uint32_t st_get_sample_rate(const struct audio_stream *s) { (void)s; return DPX_HAL_RATE; }
static int st_set_sample_rate(struct audio_stream *s, uint32_t r) { (void)s; return r == DPX_HAL_RATE ? 0 : -ENOSYS; }
static audio_format_t st_get_format(const struct audio_stream *s) { (void)s; return DPX_HAL_FORMAT; }
static int st_set_format(struct audio_stream *s, audio_format_t f) { (void)s; return f == DPX_HAL_FORMAT ? 0 : -ENOSYS; }
static int st_dump(const struct audio_stream *s, int fd) { (void)s; (void)fd; return 0; }
static int st_add_effect(const struct audio_stream *s, effect_handle_t e) { (void)s; (void)e; return 0; }
static int st_remove_effect(const struct audio_stream *s, effect_handle_t e) { (void)s; (void)e; return 0; }

/* ---- output stream ---- */

static struct dpx_out *out_of(const void *s) { return (struct dpx_out *)s; }

static size_t out_get_buffer_size(const struct audio_stream *s) { (void)s; return DPX_HAL_PERIOD_FRAMES * DPX_HAL_FRAME_BYTES; }
static audio_channel_mask_t out_get_channels(const struct audio_stream *s) { (void)s; return DPX_HAL_OUT_CHANNELS; }
static audio_devices_t out_get_device(const struct audio_stream *s) { return out_of(s)->devices; }
static int out_set_device(struct audio_stream *s, audio_devices_t d) { out_of(s)->devices = d; return 0; }

static int out_standby(struct audio_stream *s)
{
	struct dpx_out *o = out_of(s);
	dpx_stream_standby(&o->st);
	o->standby = true;
	return 0;
}

static int out_set_parameters(struct audio_stream *s, const char *kv)
{
	char v[32];
	if (kv && param_value(kv, AUDIO_PARAMETER_STREAM_ROUTING, v, sizeof v) == 0) {
		char *end;
		unsigned long d = strtoul(v, &end, 0);
		if (end == v || *end)
			return -EINVAL;
		if (d != 0)
			out_of(s)->devices = (audio_devices_t)d;
	}
	return 0; /* unknown keys are ignored, as the contract allows */
}

/* stream_parameters answers get_parameters for a stream. Besides the
 * standard keys it knows "droidplex_connected" (1 while the server is
 * there), for diagnostics and the test harness. */
static char *stream_parameters(struct dpx_stream *st, const char *keys, audio_devices_t devices,
                               const char *channels)
{
	char buf[256] = "", dev[16];
	if (param_has(keys, "droidplex_connected"))
		append(buf, sizeof buf, "droidplex_connected", dpx_stream_connected(st) ? "1" : "0");
	if (param_has(keys, AUDIO_PARAMETER_STREAM_SUP_SAMPLING_RATES))
		append(buf, sizeof buf, AUDIO_PARAMETER_STREAM_SUP_SAMPLING_RATES, "48000");
	if (param_has(keys, AUDIO_PARAMETER_STREAM_SUP_FORMATS))
		append(buf, sizeof buf, AUDIO_PARAMETER_STREAM_SUP_FORMATS, "AUDIO_FORMAT_PCM_16_BIT");
	if (param_has(keys, AUDIO_PARAMETER_STREAM_SUP_CHANNELS))
		append(buf, sizeof buf, AUDIO_PARAMETER_STREAM_SUP_CHANNELS, channels);
	if (param_has(keys, AUDIO_PARAMETER_STREAM_ROUTING)) {
		snprintf(dev, sizeof dev, "%u", (unsigned)devices);
		append(buf, sizeof buf, AUDIO_PARAMETER_STREAM_ROUTING, dev);
	}
	return strdup(buf);
}

static char *out_get_parameters(const struct audio_stream *s, const char *keys)
{
	return stream_parameters(&out_of(s)->st, keys, out_of(s)->devices, "AUDIO_CHANNEL_OUT_STEREO");
}

static uint32_t out_get_latency(const struct audio_stream_out *s)
{
	return dpx_stream_latency_frames(&out_of(s)->st) * 1000u / DPX_HAL_RATE;
}

/* set_volume is declined: AudioFlinger then applies the volume itself. */
static int out_set_volume(struct audio_stream_out *s, float l, float r) { (void)s; (void)l; (void)r; return -ENOSYS; }

static ssize_t out_write(struct audio_stream_out *s, const void *buf, size_t bytes)
{
	struct dpx_out *o = out_of(s);
	if (o->standby) {
		int64_t ns;
		dpx_stream_position(&o->st, &o->render_base, &ns);
		o->standby = false;
	}
	return dpx_stream_write(&o->st, buf, bytes);
}

static int out_get_render_position(const struct audio_stream_out *s, uint32_t *dsp_frames)
{
	struct dpx_out *o = out_of(s);
	uint64_t f;
	int64_t ns;
	if (!dsp_frames)
		return -EINVAL;
	dpx_stream_position(&o->st, &f, &ns);
	*dsp_frames = (uint32_t)(f - o->render_base);
	return 0;
}

static int out_get_next_write_timestamp(const struct audio_stream_out *s, int64_t *t) { (void)s; (void)t; return -EINVAL; }

static int out_get_presentation_position(const struct audio_stream_out *s, uint64_t *frames, struct timespec *ts)
{
	uint64_t f;
	int64_t ns;
	if (!frames || !ts)
		return -EINVAL;
	dpx_stream_position(&out_of(s)->st, &f, &ns);
	*frames = f;
	ts->tv_sec = ns / 1000000000LL;
	ts->tv_nsec = ns % 1000000000LL;
	return 0;
}

/* ---- input stream ---- */

static struct dpx_in *in_of(const void *s) { return (struct dpx_in *)s; }

static size_t in_get_buffer_size(const struct audio_stream *s) { (void)s; return DPX_HAL_PERIOD_FRAMES * DPX_HAL_FRAME_BYTES; }
static audio_channel_mask_t in_get_channels(const struct audio_stream *s) { (void)s; return DPX_HAL_IN_CHANNELS; }
static audio_devices_t in_get_device(const struct audio_stream *s) { return in_of(s)->devices; }
static int in_set_device(struct audio_stream *s, audio_devices_t d) { in_of(s)->devices = d; return 0; }
static int in_standby(struct audio_stream *s) { (void)s; return 0; }
static int in_set_parameters(struct audio_stream *s, const char *kv) { (void)s; (void)kv; return 0; }

static char *in_get_parameters(const struct audio_stream *s, const char *keys)
{
	return stream_parameters(&in_of(s)->st, keys, in_of(s)->devices, "AUDIO_CHANNEL_IN_STEREO");
}

static int in_set_gain(struct audio_stream_in *s, float g) { (void)s; (void)g; return 0; }

static ssize_t in_read(struct audio_stream_in *s, void *buf, size_t bytes)
{
	struct dpx_in *i = in_of(s);
	ssize_t n = dpx_stream_read(&i->st, buf, bytes);
	pthread_mutex_lock(&i->dev->lock);
	bool mute = i->dev->mic_mute;
	pthread_mutex_unlock(&i->dev->lock);
	if (mute && n > 0)
		memset(buf, 0, (size_t)n);
	return n;
}

static uint32_t in_get_input_frames_lost(struct audio_stream_in *s) { (void)s; return 0; }

static int in_get_capture_position(const struct audio_stream_in *s, int64_t *frames, int64_t *time)
{
	uint64_t f;
	int64_t ns;
	if (!frames || !time)
		return -EINVAL;
	dpx_stream_position(&in_of(s)->st, &f, &ns);
	*frames = (int64_t)f;
	*time = ns;
	return 0;
}

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

static int adev_set_mode(struct audio_hw_device *d, audio_mode_t mode)
{
	if (mode < AUDIO_MODE_NORMAL || mode > AUDIO_MODE_IN_COMMUNICATION)
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
	(void)keys;
	char buf[32];
	pthread_mutex_lock(&dev_of(d)->lock);
	snprintf(buf, sizeof buf, "droidplex_mode=%d", (int)dev_of(d)->mode);
	pthread_mutex_unlock(&dev_of(d)->lock);
	return strdup(param_has(keys, "droidplex_mode") ? buf : "");
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
	struct audio_stream *c = &o->out.common;
	c->get_sample_rate = st_get_sample_rate;
	c->set_sample_rate = st_set_sample_rate;
	c->get_buffer_size = out_get_buffer_size;
	c->get_channels = out_get_channels;
	c->get_format = st_get_format;
	c->set_format = st_set_format;
	c->standby = out_standby;
	c->dump = st_dump;
	c->get_device = out_get_device;
	c->set_device = out_set_device;
	c->set_parameters = out_set_parameters;
	c->get_parameters = out_get_parameters;
	c->add_audio_effect = st_add_effect;
	c->remove_audio_effect = st_remove_effect;
	o->out.get_latency = out_get_latency;
	o->out.set_volume = out_set_volume;
	o->out.write = out_write;
	o->out.get_render_position = out_get_render_position;
	o->out.get_next_write_timestamp = out_get_next_write_timestamp;
	o->out.get_presentation_position = out_get_presentation_position;
	*stream_out = &o->out;
	return 0;
}

static void adev_close_output_stream(struct audio_hw_device *d, struct audio_stream_out *s)
{
	(void)d;
	if (!s)
		return;
	dpx_stream_destroy(&out_of(s)->st);
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
	struct audio_stream *c = &i->in.common;
	c->get_sample_rate = st_get_sample_rate;
	c->set_sample_rate = st_set_sample_rate;
	c->get_buffer_size = in_get_buffer_size;
	c->get_channels = in_get_channels;
	c->get_format = st_get_format;
	c->set_format = st_set_format;
	c->standby = in_standby;
	c->dump = st_dump;
	c->get_device = in_get_device;
	c->set_device = in_set_device;
	c->set_parameters = in_set_parameters;
	c->get_parameters = in_get_parameters;
	c->add_audio_effect = st_add_effect;
	c->remove_audio_effect = st_remove_effect;
	i->in.set_gain = in_set_gain;
	i->in.read = in_read;
	i->in.get_input_frames_lost = in_get_input_frames_lost;
	i->in.get_capture_position = in_get_capture_position;
	*stream_in = &i->in;
	return 0;
}

static void adev_close_input_stream(struct audio_hw_device *d, struct audio_stream_in *s)
{
	(void)d;
	if (!s)
		return;
	dpx_stream_destroy(&in_of(s)->st);
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

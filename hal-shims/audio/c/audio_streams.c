/*
 * audio_streams.c - the output and input streams of audio.primary.droidplex.so:
 * thin adapters from the Android stream operations to dpx_stream.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpx_hw.h"

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
/* devices is set on the playback thread (routing) and read on any: atomic. */
static audio_devices_t out_get_device(const struct audio_stream *s) { return __atomic_load_n(&out_of(s)->devices, __ATOMIC_RELAXED); }
static int out_set_device(struct audio_stream *s, audio_devices_t d) { __atomic_store_n(&out_of(s)->devices, d, __ATOMIC_RELAXED); return 0; }

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
		/* routing=0 is what AudioFlinger sends when it releases the
		 * stream's patch (HALs before audio patches), as a rule just
		 * before the next routing: not a wish, so it is not passed on
		 * as a withdrawal, which would flip the policy's route to its
		 * default and back. The container's wish stays until its next
		 * routing. */
		if (d != 0) {
			__atomic_store_n(&out_of(s)->devices, (audio_devices_t)d, __ATOMIC_RELAXED);
			dpx_stream_route(&out_of(s)->st, (uint32_t)d); /* the server's policy decides */
		}
	}
	return 0; /* unknown keys are ignored, as the contract allows */
}

/* stream_parameters answers get_parameters for a stream. Besides the
 * standard keys it knows "droidplex_connected" (1 while the server is
 * there) and "droidplex_waits" (how writes waited for room: "TIMED,POKED",
 * see dpx_stream.h), for diagnostics and the test harness. */
static char *stream_parameters(struct dpx_stream *st, const char *keys, audio_devices_t devices,
                               const char *channels)
{
	char buf[256] = "", dev[48];
	if (param_has(keys, "droidplex_connected"))
		append(buf, sizeof buf, "droidplex_connected", dpx_stream_connected(st) ? "1" : "0");
	if (param_has(keys, "droidplex_waits")) {
		snprintf(dev, sizeof dev, "%llu,%llu",
		         (unsigned long long)__atomic_load_n(&st->timed_waits, __ATOMIC_RELAXED),
		         (unsigned long long)__atomic_load_n(&st->poked_waits, __ATOMIC_RELAXED));
		append(buf, sizeof buf, "droidplex_waits", dev);
	}
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
	return stream_parameters(&out_of(s)->st, keys, out_get_device(s), "AUDIO_CHANNEL_OUT_STEREO");
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
		uint64_t f;
		int64_t ns;
		dpx_stream_position(&o->st, &f, &ns);
		__atomic_store_n(&o->render_base, f, __ATOMIC_RELAXED); /* get_render_position reads it on another thread */
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
	*dsp_frames = (uint32_t)(f - __atomic_load_n(&o->render_base, __ATOMIC_RELAXED));
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
static audio_devices_t in_get_device(const struct audio_stream *s) { return __atomic_load_n(&in_of(s)->devices, __ATOMIC_RELAXED); }
static int in_set_device(struct audio_stream *s, audio_devices_t d) { __atomic_store_n(&in_of(s)->devices, d, __ATOMIC_RELAXED); return 0; }
static int in_standby(struct audio_stream *s) { (void)s; return 0; }
static int in_set_parameters(struct audio_stream *s, const char *kv) { (void)s; (void)kv; return 0; }

static char *in_get_parameters(const struct audio_stream *s, const char *keys)
{
	return stream_parameters(&in_of(s)->st, keys, in_get_device(s), "AUDIO_CHANNEL_IN_STEREO");
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

void dpx_out_ops(struct dpx_out *o)
{
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
}

void dpx_in_ops(struct dpx_in *i)
{
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
}

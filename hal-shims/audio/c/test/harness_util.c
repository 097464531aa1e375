/*
 * harness_util.c - see harness.h.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

int failures;

int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

struct audio_hw_device *open_device(const char *so, void **handle)
{
	*handle = dlopen(so, RTLD_NOW | RTLD_LOCAL);
	if (!*handle) {
		printf("FAIL: dlopen %s: %s\n", so, dlerror());
		exit(1);
	}
	struct audio_module *m = dlsym(*handle, HAL_MODULE_INFO_SYM_AS_STR);
	if (!m) {
		printf("FAIL: no %s symbol\n", HAL_MODULE_INFO_SYM_AS_STR);
		exit(1);
	}
	CHECK(m->common.tag == HARDWARE_MODULE_TAG, "module tag %#x\n", m->common.tag);
	CHECK(strcmp(m->common.id, AUDIO_HARDWARE_MODULE_ID) == 0, "module id %s\n", m->common.id);
	struct hw_device_t *d = NULL;
	CHECK(m->common.methods->open(&m->common, "not_audio_hw_if", &d) == -EINVAL, "open with a wrong name accepted\n");
	if (m->common.methods->open(&m->common, AUDIO_HARDWARE_INTERFACE, &d) != 0 || !d) {
		printf("FAIL: open device\n");
		exit(1);
	}
	struct audio_hw_device *dev = (struct audio_hw_device *)d;
	CHECK(d->tag == HARDWARE_DEVICE_TAG, "device tag\n");
	CHECK(d->version == AUDIO_DEVICE_API_VERSION_2_0, "device version %#x\n", d->version);
	CHECK(dev->init_check(dev) == 0, "init_check\n");
	return dev;
}

void close_device(struct audio_hw_device *dev, void *handle)
{
	CHECK(dev->common.close(&dev->common) == 0, "close device\n");
	dlclose(handle);
}

struct audio_stream_out *open_output(struct audio_hw_device *dev)
{
	struct audio_config c;
	memset(&c, 0, sizeof c);
	c.sample_rate = 44100;
	c.channel_mask = AUDIO_CHANNEL_OUT_STEREO;
	c.format = AUDIO_FORMAT_PCM_16_BIT;
	struct audio_stream_out *out = NULL;
	/* Negotiation: a format it does not offer is refused with its proposal. */
	int r = dev->open_output_stream(dev, 1, AUDIO_DEVICE_OUT_SPEAKER, AUDIO_OUTPUT_FLAG_PRIMARY, &c, &out, "");
	CHECK(r == -EINVAL && out == NULL, "44.1 kHz output accepted (%d)\n", r);
	CHECK(c.sample_rate == 48000 && c.channel_mask == AUDIO_CHANNEL_OUT_STEREO && c.format == AUDIO_FORMAT_PCM_16_BIT,
	      "proposal %u Hz mask %#x format %#x\n", c.sample_rate, c.channel_mask, c.format);
	r = dev->open_output_stream(dev, 1, AUDIO_DEVICE_OUT_SPEAKER, AUDIO_OUTPUT_FLAG_PRIMARY, &c, &out, "");
	if (r != 0 || !out) {
		printf("FAIL: open output at 48 kHz stereo s16: %d\n", r);
		exit(1);
	}
	return out;
}

int connected(struct audio_stream *s)
{
	char *v = s->get_parameters(s, "droidplex_connected");
	int c = v && strcmp(v, "droidplex_connected=1") == 0;
	free(v);
	return c;
}

/* tone fills buf with frames of a 440 Hz sine at half scale, continuing at
 * *phase. */
void tone(int16_t *buf, size_t frames, uint64_t *phase)
{
	for (size_t i = 0; i < frames; i++, (*phase)++) {
		int16_t v = (int16_t)(16383.0 * sin(2 * M_PI * 440.0 * (double)*phase / 48000.0));
		buf[2 * i] = buf[2 * i + 1] = v;
	}
}

/* write_all writes the whole buffer as AudioFlinger does: a short write
 * (a slow server) is followed by a write of the rest. */
void write_all(struct audio_stream_out *out, const void *buf, size_t bytes)
{
	for (size_t done = 0; done < bytes;) {
		ssize_t n = out->write(out, (const char *)buf + done, bytes - done);
		if (n < 0 || (size_t)n > bytes - done || n % 4) {
			printf("FAIL: write returned %zd for %zu bytes\n", n, bytes - done);
			failures++;
			return;
		}
		done += (size_t)n;
	}
}

void position(struct audio_stream_out *out, uint64_t *f, int64_t *ns)
{
	struct timespec ts;
	CHECK(out->get_presentation_position(out, f, &ts) == 0, "get_presentation_position\n");
	*ns = (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* api_get fetches path from audioproxyd's HTTP API (socket $DPX_API_SOCKET)
 * into buf and returns the midpoint time of the request, 0 on failure. */
static int64_t api_get(const char *path, char *buf, size_t len)
{
	const char *sock = getenv("DPX_API_SOCKET");
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	if (!sock || strlen(sock) >= sizeof sa.sun_path || len == 0)
		return 0;
	strcpy(sa.sun_path, sock);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return 0;
	char req[256];
	snprintf(req, sizeof req, "GET %s HTTP/1.0\r\nHost: unix\r\n\r\n", path);
	size_t n = 0;
	int64_t t0 = now_ns();
	if (connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0 && write(fd, req, strlen(req)) == (ssize_t)strlen(req)) {
		ssize_t r;
		while (n < len - 1 && (r = read(fd, buf + n, len - 1 - n)) > 0)
			n += (size_t)r;
	}
	int64_t t1 = now_ns();
	close(fd);
	buf[n] = 0;
	return n ? t0 + (t1 - t0) / 2 : 0;
}

/* device_frames asks audioproxyd how many frames its device has played,
 * and when. Returns 0 if it cannot. */
int device_frames(uint64_t *frames, int64_t *ns)
{
	char buf[8192];
	int64_t t = api_get("/v1/status", buf, sizeof buf);
	char *p = strstr(buf, "\"frames_mixed\":");
	if (!t || !p)
		return 0;
	*frames = strtoull(p + strlen("\"frames_mixed\":"), NULL, 10);
	*ns = t;
	return 1;
}

/* policy_route waits (up to 5 s) until audioproxyd's policy says container
 * t asked for route, as the shim's set_parameters("routing=") told it. */
int policy_route(const char *route)
{
	char want[64], buf[8192];
	snprintf(want, sizeof want, "\"requested\":{\"t\":\"%s\"}", route);
	for (int i = 0; i < 500; i++) {
		if (api_get("/v1/policy", buf, sizeof buf) && strstr(buf, want))
			return 1;
		usleep(10000);
	}
	printf("policy status: %s\n", buf);
	return 0;
}

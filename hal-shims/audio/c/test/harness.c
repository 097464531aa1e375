/*
 * harness.c - drives audio.primary.droidplex.so the way AudioFlinger does:
 * dlopen, HAL_MODULE_INFO_SYM, open the device, open an output at 48 kHz
 * stereo s16, write in real time, query the presentation position, set the
 * call mode, standby, close; and read from an input stream.
 *
 *   harness SO play SECONDS
 *       checks the device and stream contracts, writes a 440 Hz tone for
 *       SECONDS and checks that the presentation position advances at the
 *       device rate within 1% and that writes are paced by the ring.
 *   harness SO reconnect STOP_CMD START_CMD
 *       writes while another thread kills the server (STOP_CMD) and starts
 *       it again (START_CMD). While the server is gone each write sleeps
 *       until at most one period after it began, on an absolute clock: the
 *       writes together take no longer than their periods plus one (late
 *       wake-ups are made up by the next write), and no single write comes
 *       near a blocking timeout (5 periods; on a shared VM the scheduler
 *       alone wakes a thread tens of ms late now and then). A stream opened
 *       then works the same way. The position never goes back, and the
 *       stream reconnects.
 *
 * Exit status 0 on success; every failed check prints "FAIL: ...".
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

#include "dpx_hal.h"

static int failures;

#define CHECK(cond, ...)                                   \
	do {                                               \
		if (!(cond)) {                             \
			printf("FAIL: " __VA_ARGS__);      \
			printf("  (%s:%d)\n", __FILE__, __LINE__); \
			failures++;                        \
		}                                          \
	} while (0)

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static struct audio_hw_device *open_device(const char *so, void **handle)
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

static void close_device(struct audio_hw_device *dev, void *handle)
{
	CHECK(dev->common.close(&dev->common) == 0, "close device\n");
	dlclose(handle);
}

static struct audio_stream_out *open_output(struct audio_hw_device *dev)
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

static int connected(struct audio_stream *s)
{
	char *v = s->get_parameters(s, "droidplex_connected");
	int c = v && strcmp(v, "droidplex_connected=1") == 0;
	free(v);
	return c;
}

/* tone fills buf with frames of a 440 Hz sine at half scale, continuing at
 * *phase. */
static void tone(int16_t *buf, size_t frames, uint64_t *phase)
{
	for (size_t i = 0; i < frames; i++, (*phase)++) {
		int16_t v = (int16_t)(16383.0 * sin(2 * M_PI * 440.0 * (double)*phase / 48000.0));
		buf[2 * i] = buf[2 * i + 1] = v;
	}
}

/* write_all writes the whole buffer as AudioFlinger does: a short write
 * (a slow server) is followed by a write of the rest. */
static void write_all(struct audio_stream_out *out, const void *buf, size_t bytes)
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

static void position(struct audio_stream_out *out, uint64_t *f, int64_t *ns)
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
static int device_frames(uint64_t *frames, int64_t *ns)
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
static int policy_route(const char *route)
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

static void device_contract(struct audio_hw_device *dev)
{
	float v;
	bool b;
	CHECK(dev->set_master_volume(dev, 0.5f) == -ENOSYS, "set_master_volume not declined\n");
	CHECK(dev->get_master_volume(dev, &v) == -ENOSYS, "get_master_volume not declined\n");
	CHECK(dev->set_master_mute(dev, true) == -ENOSYS, "set_master_mute not declined\n");
	CHECK(dev->set_voice_volume(dev, 1.0f) == -ENOSYS, "set_voice_volume not declined\n");
	CHECK(dev->set_mic_mute(dev, true) == 0 && dev->get_mic_mute(dev, &b) == 0 && b, "mic mute not kept\n");
	CHECK(dev->set_mic_mute(dev, false) == 0 && dev->get_mic_mute(dev, &b) == 0 && !b, "mic unmute not kept\n");
	CHECK(dev->set_parameters(dev, "screen_state=on;unknown=1") == 0, "device set_parameters\n");
	char *p = dev->get_parameters(dev, "whatever");
	CHECK(p != NULL, "device get_parameters returned NULL\n");
	free(p);
	CHECK(dev->set_mode(dev, 99) == -EINVAL, "bad mode accepted\n");
	CHECK(dev->get_input_buffer_size(dev, NULL) >= 48 * 20 * 4, "input buffer under 20 ms\n");
}

static int play(const char *so, double seconds)
{
	void *h;
	struct audio_hw_device *dev = open_device(so, &h);
	device_contract(dev);
	struct audio_stream_out *out = open_output(dev);
	struct audio_stream *c = &out->common;
	size_t bytes = c->get_buffer_size(c);
	CHECK(c->get_sample_rate(c) == 48000 && c->get_channels(c) == AUDIO_CHANNEL_OUT_STEREO &&
	          c->get_format(c) == AUDIO_FORMAT_PCM_16_BIT, "stream format\n");
	CHECK(bytes >= 48 * 20 * 4 && bytes % 64 == 0, "buffer of %zu bytes: want >= 20 ms, 16-frame multiple\n", bytes);
	CHECK(c->set_parameters(c, "routing=2") == 0, "set_parameters routing\n");
	CHECK(policy_route("speaker"), "the server's policy did not get routing=2 (speaker)\n");
	char *p = c->get_parameters(c, "routing");
	CHECK(p && strcmp(p, "routing=2") == 0, "get_parameters routing: %s\n", p ? p : "(null)");
	free(p);
	CHECK(connected(c), "stream not connected to audioproxyd\n");
	uint32_t lat = out->get_latency(out);
	CHECK(lat > 0 && lat < 200, "latency %u ms\n", lat);

	size_t frames = bytes / 4;
	int16_t *buf = malloc(bytes);
	uint64_t phase = 0, written = 0, f1 = 0, f2 = 0, last = 0, d1 = 0, d2 = 0;
	int64_t t1 = 0, t2 = 0, dt1 = 0, dt2 = 0, start = now_ns();
	while (now_ns() - start < (int64_t)(seconds * 1e9)) {
		tone(buf, frames, &phase);
		write_all(out, buf, bytes);
		written += frames;
		uint64_t f;
		int64_t t;
		position(out, &f, &t);
		CHECK(f >= last, "position went back: %llu after %llu\n", (unsigned long long)f, (unsigned long long)last);
		last = f;
		if (!t1 && now_ns() - start > 1000000000LL) { /* after the ring's prefill */
			f1 = f, t1 = t;
			CHECK(device_frames(&d1, &dt1), "no device position from audioproxyd's API\n");
		}
		f2 = f, t2 = t;
	}
	CHECK(device_frames(&d2, &dt2), "no device position from audioproxyd's API\n");
	/* The device's rate is what it really played over the same time: a null
	 * or WAV device paced by a timer falls behind 48000/s when the machine
	 * is overloaded, and the position must follow the device, not the label. */
	double rate = (double)(f2 - f1) / ((double)(t2 - t1) / 1e9);
	double drate = dt2 > dt1 ? (double)(d2 - d1) / ((double)(dt2 - dt1) / 1e9) : 0;
	printf("presentation position: %llu frames in %.3f s = %.1f frames/s; device played %.1f frames/s (nominal 48000)\n",
	       (unsigned long long)(f2 - f1), (double)(t2 - t1) / 1e9, rate, drate);
	CHECK(t2 > t1 && drate > 0 && fabs(rate - drate) / drate < 0.01, "position rate %.1f not within 1%% of the device's %.1f\n",
	      rate, drate);
	if (fabs(drate - 48000) / 48000 >= 0.01)
		printf("note: the device itself ran at %.1f frames/s (machine overloaded?)\n", drate);
	/* Pacing: write blocks, so what was written is never more than a ring ahead. */
	uint64_t ahead = written - last, limit = (uint64_t)lat * 48 + 2 * frames;
	printf("written %llu frames, presented %llu, %llu ahead (limit %llu)\n", (unsigned long long)written,
	       (unsigned long long)last, (unsigned long long)ahead, (unsigned long long)limit);
	CHECK(ahead <= limit, "writes not paced: %llu frames ahead\n", (unsigned long long)ahead);
	uint32_t rp = 0;
	CHECK(out->get_render_position(out, &rp) == 0 && rp > 0, "render position %u\n", rp);

	CHECK(dev->set_mode(dev, AUDIO_MODE_IN_CALL) == 0, "set_mode IN_CALL\n");
	CHECK(c->standby(c) == 0, "standby\n");
	uint64_t fs;
	int64_t ts;
	position(out, &fs, &ts);
	CHECK(fs >= last, "position reset by standby\n");
	dev->close_output_stream(dev, out);
	free(buf);

	/* Input: a read blocks for the audio's duration (silence or microphone). */
	struct audio_config ic;
	memset(&ic, 0, sizeof ic);
	ic.sample_rate = 48000;
	ic.channel_mask = AUDIO_CHANNEL_IN_STEREO;
	ic.format = AUDIO_FORMAT_PCM_16_BIT;
	struct audio_stream_in *in = NULL;
	int r = dev->open_input_stream(dev, 2, AUDIO_DEVICE_IN_BUILTIN_MIC, &ic, &in, 0, "", AUDIO_SOURCE_MIC);
	CHECK(r == 0 && in, "open input: %d\n", r);
	if (in) {
		size_t ib = in->common.get_buffer_size(&in->common);
		char *rb = malloc(ib);
		int64_t s0 = now_ns();
		for (int i = 0; i < 10; i++)
			CHECK(in->read(in, rb, ib) == (ssize_t)ib, "read\n");
		double took = (double)(now_ns() - s0) / 1e9, audio = 10.0 * (double)ib / 4 / 48000;
		printf("input: read %.3f s of audio in %.3f s\n", audio, took);
		CHECK(took > audio * 0.75, "reads not paced: %.3f s of audio in %.3f s\n", audio, took);
		CHECK(connected(&in->common), "input stream not connected\n");
		int64_t cf, ct;
		CHECK(in->get_capture_position(in, &cf, &ct) == 0 && cf > 0, "capture position\n");
		free(rb);
		dev->close_input_stream(dev, in);
	}
	CHECK(dev->set_mode(dev, AUDIO_MODE_NORMAL) == 0, "set_mode NORMAL\n");
	close_device(dev, h);
	return failures ? 1 : 0;
}

enum { UP, STOPPING, DOWN, STARTING, UP_AGAIN };
static volatile int phase_state = UP;
static const char *stop_cmd, *start_cmd;

static void *chaos(void *arg)
{
	(void)arg;
	usleep(1000000);
	__atomic_store_n(&phase_state, STOPPING, __ATOMIC_SEQ_CST);
	CHECK(system(stop_cmd) == 0, "stop command failed\n");
	__atomic_store_n(&phase_state, DOWN, __ATOMIC_SEQ_CST);
	usleep(1000000);
	__atomic_store_n(&phase_state, STARTING, __ATOMIC_SEQ_CST);
	CHECK(system(start_cmd) == 0, "start command failed\n");
	__atomic_store_n(&phase_state, UP_AGAIN, __ATOMIC_SEQ_CST);
	return NULL;
}

/* open_while_down opens a second output while the server is gone: it opens,
 * says it is not connected, and its writes are paced by the local clock. */
static void open_while_down(struct audio_hw_device *dev, int16_t *buf, size_t bytes, int64_t period)
{
	struct audio_stream_out *o = open_output(dev);
	CHECK(!connected(&o->common), "a stream opened with the server gone says it is connected\n");
	int64_t t0 = now_ns();
	for (int i = 0; i < 5; i++)
		write_all(o, buf, bytes);
	int64_t took = now_ns() - t0;
	printf("opened with the server gone: 5 writes in %.2f ms\n", (double)took / 1e6);
	CHECK(took <= 6 * period, "5 writes took %.2f ms\n", (double)took / 1e6);
	dev->close_output_stream(dev, o);
}

static int reconnect(const char *so)
{
	void *h;
	struct audio_hw_device *dev = open_device(so, &h);
	struct audio_stream_out *out = open_output(dev);
	struct audio_stream *c = &out->common;
	size_t bytes = c->get_buffer_size(c), frames = bytes / 4;
	int64_t period = (int64_t)frames * 1000000000LL / 48000, down_total = 0;
	int16_t *buf = malloc(bytes);
	uint64_t ph = 0, last = 0;
	int64_t worst = 0, again = 0;
	int was_up = connected(c), saw_down = 0, writes_down = 0, up_after = 0, opened_down = 0;
	CHECK(c->set_parameters(c, "routing=1") == 0, "set_parameters routing\n");
	CHECK(policy_route("earpiece"), "the server's policy did not get routing=1 (earpiece)\n");
	pthread_t t;
	pthread_create(&t, NULL, chaos, NULL);
	for (;;) {
		int state = __atomic_load_n(&phase_state, __ATOMIC_SEQ_CST);
		tone(buf, frames, &ph);
		int64_t t0 = now_ns();
		ssize_t n = out->write(out, buf, bytes); /* timed alone: a short write is fine here */
		int64_t took = now_ns() - t0;
		CHECK(n >= 0 && n <= (ssize_t)bytes, "write returned %zd\n", n);
		if (state == DOWN && __atomic_load_n(&phase_state, __ATOMIC_SEQ_CST) == DOWN) {
			writes_down++;
			down_total += took;
			worst = took > worst ? took : worst;
			if (getenv("HARNESS_VERBOSE"))
				printf("down write %.2f ms\n", (double)took / 1e6);
			saw_down |= !connected(c);
		}
		if (state == DOWN && !opened_down) {
			opened_down = 1;
			open_while_down(dev, buf, bytes, period);
		}
		uint64_t f;
		int64_t ns;
		position(out, &f, &ns);
		CHECK(f >= last, "position went back: %llu after %llu\n", (unsigned long long)f, (unsigned long long)last);
		last = f;
		if (state == UP_AGAIN) {
			if (!again)
				again = now_ns();
			if (connected(c) && ++up_after >= 25) /* half a second of audio on the new server */
				break;
			if (now_ns() - again > 5000000000LL)
				break;
		}
	}
	pthread_join(t, NULL);
	printf("server gone: %d writes in %.2f ms, longest %.2f ms (period %.2f ms)\n", writes_down,
	       (double)down_total / 1e6, (double)worst / 1e6, (double)period / 1e6);
	CHECK(was_up, "not connected before the server stopped\n");
	CHECK(writes_down > 10 && saw_down, "the stream never noticed the server was gone\n");
	CHECK(down_total <= (writes_down + 1) * period, "writes took %.2f ms with the server gone\n",
	      (double)down_total / 1e6);
	CHECK(worst < 5 * period, "a write blocked %.2f ms with the server gone\n", (double)worst / 1e6);
	CHECK(opened_down, "no stream opened while the server was gone\n");
	CHECK(up_after >= 25, "no reconnection within 5 s of the restart\n");
	CHECK(policy_route("earpiece"), "the route was not sent again to the restarted server\n");
	dev->close_output_stream(dev, out);
	free(buf);
	close_device(dev, h);
	return failures ? 1 : 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	/* Run like AudioFlinger's mixer threads: real-time priority when allowed
	 * (root, as CI runs), so that what is measured is the shim and not the
	 * scheduler of a busy machine. */
	struct sched_param sp = {.sched_priority = 2};
	if (sched_setscheduler(0, SCHED_FIFO, &sp) != 0)
		printf("note: no SCHED_FIFO (%s); timings include scheduling delays\n", strerror(errno));
	if (argc == 4 && strcmp(argv[2], "play") == 0)
		return play(argv[1], atof(argv[3]));
	if (argc == 5 && strcmp(argv[2], "reconnect") == 0) {
		stop_cmd = argv[3];
		start_cmd = argv[4];
		return reconnect(argv[1]);
	}
	fprintf(stderr, "usage: %s SO play SECONDS | %s SO reconnect STOP_CMD START_CMD\n", argv[0], argv[0]);
	return 2;
}

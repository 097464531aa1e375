/*
 * harness.c - drives audio.primary.droidplex.so the way AudioFlinger does:
 * dlopen, HAL_MODULE_INFO_SYM, open the device, open an output at 48 kHz
 * stereo s16, write in real time, query the presentation position, set the
 * call mode, standby, close; and read from an input stream.
 *
 *   harness SO play SECONDS
 *       checks the device and stream contracts, writes a 440 Hz tone for
 *       SECONDS and checks that the presentation position advances at the
 *       device rate within 1% and that writes are paced by the ring, and
 *       by the stream's own clock: at most 10% of the waits for room
 *       needed a wake-up from the server.
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

#include "harness.h"

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
	CHECK(dev->set_mode(dev, 7) == -EINVAL, "mode 7 accepted\n");
	/* Android 11's CALL_SCREEN (4) and Android 12's CALL_REDIRECT (5) and
	 * COMMUNICATION_REDIRECT (6) are modes AudioFlinger sets. */
	for (int m = 4; m <= 6; m++) {
		char want[32];
		snprintf(want, sizeof want, "droidplex_mode=%d", m);
		CHECK(dev->set_mode(dev, (audio_mode_t)m) == 0, "set_mode %d refused\n", m);
		p = dev->get_parameters(dev, "droidplex_mode");
		CHECK(p && strcmp(p, want) == 0, "after set_mode %d: %s\n", m, p ? p : "NULL");
		free(p);
	}
	CHECK(dev->set_mode(dev, AUDIO_MODE_NORMAL) == 0, "set_mode NORMAL\n");
	CHECK(dev->get_input_buffer_size(dev, NULL) >= 48 * 20 * 4, "input buffer under 20 ms\n");
}

/* paced_by_own_clock checks that a steady writer waited for room on its own
 * clock (predicted from the server's consumed_ns) and hardly ever asked the
 * server for a wake-up: at most 10% of the waits were pokes. */
static void paced_by_own_clock(struct audio_stream *c)
{
	unsigned long long timed = 0, poked = 0;
	char *p = c->get_parameters(c, "droidplex_waits");
	CHECK(p && sscanf(p, "droidplex_waits=%llu,%llu", &timed, &poked) == 2, "get_parameters droidplex_waits: %s\n",
	      p ? p : "(null)");
	free(p);
	printf("waits for room: %llu timed by the stream's clock, %llu poked by the server\n", timed, poked);
	CHECK(timed > 0, "no write waited on the stream's own clock\n");
	CHECK(poked * 10 <= timed + poked, "%llu of %llu waits needed a poke from the server (want <= 10%%)\n", poked,
	      timed + poked);
}

int play(const char *so, double seconds)
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
	paced_by_own_clock(c);

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
		return reconnect(argv[1], argv[3], argv[4]);
	}
	fprintf(stderr, "usage: %s SO play SECONDS | %s SO reconnect STOP_CMD START_CMD\n", argv[0], argv[0]);
	return 2;
}

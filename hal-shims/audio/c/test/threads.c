/*
 * threads.c - the HAL's entry points from two threads at once, as Android
 * calls them: the playback thread writes and goes to standby while another
 * thread asks for positions, latency, parameters and the device. Built with
 * -fsanitize=thread (make test), so any data race between them fails. No
 * server: the stream paces on its local clock.
 *
 *   threads SO     exit status 0 on success (ThreadSanitizer exits 66)
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "harness.h"

static int done;

static void *queries(void *arg)
{
	struct audio_stream_out *out = arg;
	struct audio_stream *c = &out->common;
	while (!__atomic_load_n(&done, __ATOMIC_ACQUIRE)) {
		uint32_t rp;
		uint64_t f;
		struct timespec ts;
		CHECK(out->get_render_position(out, &rp) == 0, "get_render_position\n");
		CHECK(out->get_presentation_position(out, &f, &ts) == 0, "get_presentation_position\n");
		CHECK(out->get_latency(out) > 0, "get_latency\n");
		free(c->get_parameters(c, "droidplex_connected;droidplex_waits;routing"));
		audio_devices_t d = c->get_device(c);
		CHECK(d == AUDIO_DEVICE_OUT_SPEAKER || d == AUDIO_DEVICE_OUT_WIRED_HEADSET, "get_device %#x\n", (unsigned)d);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc != 2) {
		fprintf(stderr, "usage: %s SO\n", argv[0]);
		return 2;
	}
	setenv("DROIDPLEX_AUDIO_SOCKET", "/nonexistent/dpx-threads.sock", 1);
	void *h;
	struct audio_hw_device *dev = open_device(argv[1], &h);
	struct audio_stream_out *out = open_output(dev);
	struct audio_stream *c = &out->common;
	size_t bytes = c->get_buffer_size(c) / 4; /* 5 ms writes: more standby exits */
	void *buf = calloc(1, bytes);
	pthread_t t;
	pthread_create(&t, NULL, queries, out);
	for (int i = 0; i < 40; i++) {
		write_all(out, buf, bytes);
		if (i % 2)
			CHECK(c->standby(c) == 0, "standby\n");
		/* AudioFlinger routes on its playback thread, and reads back anywhere */
		CHECK(c->set_parameters(c, i % 2 ? "routing=4" : "routing=2") == 0, "routing\n");
	}
	__atomic_store_n(&done, 1, __ATOMIC_RELEASE);
	pthread_join(t, NULL);
	dev->close_output_stream(dev, out);
	free(buf);
	close_device(dev, h);
	printf("threads: %s\n", failures ? "FAIL" : "ok");
	return failures ? 1 : 0;
}

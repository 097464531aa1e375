/*
 * reconnect.c - the harness's reconnect scenario: the server is killed and
 * started again while the shim writes (see harness.c for the contract).
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

int reconnect(const char *so, const char *stop, const char *start)
{
	stop_cmd = stop;
	start_cmd = start;
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

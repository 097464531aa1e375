/*
 * hostile_storm.c - opening a stream on a server that accepts and never
 * answers, while signals keep interrupting the wait for its reply (a HAL
 * process gets them: profilers, debuggerd, its own timers). The open must
 * still give up at its own timeout, not restart it at every signal.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "droidplex_audio_ctl.h"
#include "hostile.h"

static void on_signal(int sig) { (void)sig; }

struct storm {
	pthread_t target;
	volatile int stop;
};

/* storm signals the target thread every 20 ms for at most 3 s. */
static void *storm(void *arg)
{
	struct storm *st = arg;
	struct timespec ts = {.tv_nsec = 20 * 1000000L};
	for (int i = 0; i < 150 && !st->stop; i++) {
		pthread_kill(st->target, SIGUSR1);
		nanosleep(&ts, NULL);
	}
	return NULL;
}

void run_storm(const char *path)
{
	int before = count_fds();
	unlink(path);
	int lfd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	strcpy(sa.sun_path, path);
	if (bind(lfd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(lfd, 4) < 0) {
		printf("FAIL: listen %s: %s\n", path, strerror(errno));
		failures++;
		return;
	}
	/* no SA_RESTART: each signal ends the shim's recvmsg with EINTR */
	struct sigaction act = {.sa_handler = on_signal}, old;
	sigemptyset(&act.sa_mask);
	sigaction(SIGUSR1, &act, &old);
	struct storm st = {.target = pthread_self()};
	pthread_t t;
	pthread_create(&t, NULL, storm, &st);

	struct dpx_stream s;
	struct dpx_stream_config cfg = {.path = path, .dir = DPX_DIR_OUTPUT, .usage = DPX_USAGE_MEDIA, .rate = 48000,
	                                .channels = 2, .format = DPX_FORMAT_S16, .period = 960,
	                                .reconnect_ns = 3600 * 1000000000LL};
	int64_t t0 = dpx_now_ns();
	CHECK(dpx_stream_init(&s, &cfg) == 0, "signal storm: init\n");
	int64_t took = dpx_now_ns() - t0;
	st.stop = 1;
	pthread_join(t, NULL);
	sigaction(SIGUSR1, &old, NULL);
	/* The open's own bound is 500 ms; the storm lasts 3 s. */
	CHECK(took < 1500000000LL, "signal storm: opening on a silent server took %.0f ms\n", (double)took / 1e6);
	CHECK(!dpx_stream_connected(&s), "signal storm: connected to a server that never answered\n");
	dpx_stream_destroy(&s);
	close(lfd); /* the unanswered connection was the shim's; it closed it */
	unlink(path);
	CHECK(count_fds() == before, "signal storm: %d descriptors leaked\n", count_fds() - before);
	printf("signal storm while opening on a silent server: ok (gave up after %.0f ms)\n", (double)took / 1e6);
}

/*
 * hostile.c - the shim's stream code (dpx_stream.c, dpx_connect.c) against
 * a fake audioproxyd that lies: error replies, a memfd shorter than
 * announced or not sealed against shrinking (then shrunk under the shim's
 * mapping), a foreign format, a missing descriptor, a blocking eventfd
 * (also one made blocking after the open), a read position beyond what
 * was written, a stream the server gives up, a server that stops
 * consuming (also with an eventfd that stays readable); and
 * (hostile_clock.c) a server that consumes but lies about its clock; and
 * (hostile_storm.c) one that never answers while signals rain.
 * In every case the shim must not crash (no SIGBUS), must not leak
 * descriptors, must not spin, must keep writes paced and the position
 * monotonic.
 *
 *   hostile        exit status 0 on success; failed checks print "FAIL: ..."
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "droidplex_audio_ctl.h"
#include "dpx_stream.h"
#include "hostile.h"

int failures;

enum scenario {
	ERROR_REPLY, SHORT_MEMFD, FOREIGN_FORMAT, ONE_FD, LYING_READ_POS, CLOSED_FLAG, STALLED, READABLE_EFD, BLOCKING_EFD, UNSEALED, NONBLOCK_CLEARED, INPUT_HUGE, NSCEN
};
static const char *names[] = {"error reply", "memfd shorter than announced", "foreign format", "one descriptor",
                              "read position beyond the writes", "stream closed by the server", "server stops consuming",
                              "eventfd that stays readable, no consuming", "blocking eventfd",
                              "memfd not sealed against shrinking", "eventfd made blocking after the open",
                              "input: huge consumed count, no capture"};

int count_fds(void)
{
	int n = 0;
	DIR *d = opendir("/proc/self/fd");
	for (struct dirent *e; d && (e = readdir(d));)
		n += e->d_name[0] != '.';
	if (d)
		closedir(d);
	return n;
}

int64_t thread_cpu_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void send_fds(int conn, const void *msg, size_t len, const int *fds, int n)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int) * 2)];
	} ctl;
	memset(&ctl, 0, sizeof ctl);
	struct iovec iov = {.iov_base = (void *)msg, .iov_len = len};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
	if (n > 0) {
		mh.msg_control = ctl.buf;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)n);
		struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)n);
		memcpy(CMSG_DATA(c), fds, sizeof(int) * (size_t)n);
	}
	sendmsg(conn, &mh, MSG_NOSIGNAL);
}

/* serve answers one Open the way the scenario says. */
static void *serve(void *arg)
{
	struct fake *f = arg;
	f->conn = accept4(f->lfd, NULL, NULL, SOCK_CLOEXEC);
	struct dpx_ctl_open o;
	if (f->conn < 0 || recv(f->conn, &o, sizeof o, 0) != sizeof o)
		return NULL;
	if (f->sc == ERROR_REPLY) {
		struct dpx_ctl_error e = {.op = DPX_OP_ERROR, .code = DPX_ERR_UNSUPPORTED, .len = 3};
		memcpy(e.text, "no!", 3);
		send(f->conn, &e, 4 + e.len, MSG_NOSIGNAL);
		return NULL;
	}
	f->size = DPX_RING_HEADER_SIZE + CAP * FB;
	f->memfd = memfd_create("hostile", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	/* A blocking eventfd: a read after poll blocks if the server drains the count in between. */
	f->efd = eventfd(0, EFD_CLOEXEC | (f->sc == BLOCKING_EFD ? 0 : EFD_NONBLOCK) |
	                        (f->sc == READABLE_EFD ? EFD_SEMAPHORE : 0));
	uint64_t many = 1ull << 62; /* a semaphore eventfd with this count stays readable */
	if (f->sc == READABLE_EFD && write(f->efd, &many, sizeof many) < 0)
		return NULL;
	if (ftruncate(f->memfd, f->sc == SHORT_MEMFD ? 4096 : (off_t)f->size) < 0)
		return NULL;
	if (f->sc != UNSEALED && fcntl(f->memfd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW) < 0)
		return NULL; /* as audioproxyd seals it */
	if (f->sc != SHORT_MEMFD) {
		f->hdr = mmap(NULL, f->size, PROT_READ | PROT_WRITE, MAP_SHARED, f->memfd, 0);
		*f->hdr = (struct dpx_ring_header){.magic = DPX_RING_MAGIC, .version = DPX_RING_VERSION,
		                                   .header_bytes = DPX_RING_HEADER_SIZE, .capacity_frames = CAP, .frame_bytes = FB,
		                                   .rate = 48000, .channels = 2, .format = DPX_FORMAT_S16, .period_frames = PERIOD};
		if (f->sc == INPUT_HUGE) { /* claims to have captured almost 2^64 frames */
			f->hdr->consumed = ~0ull - 5;
			f->hdr->consumed_ns = dpx_now_ns();
		}
	}
	struct dpx_ctl_opened m = {.op = DPX_OP_OPENED, .id = 1, .rate = f->sc == FOREIGN_FORMAT ? 44100 : 48000,
	                           .channels = 2, .format = DPX_FORMAT_S16, .capacity = CAP, .period = PERIOD,
	                           .size = (uint32_t)f->size};
	int fds[2] = {f->memfd, f->efd};
	send_fds(f->conn, &m, sizeof m, fds, f->sc == ONE_FD ? 1 : 2);
	return NULL;
}

void fake_open(struct fake *f, int sc, const char *path, struct dpx_stream *s)
{
	*f = (struct fake){.sc = sc, .conn = -1, .memfd = -1, .efd = -1};
	unlink(path);
	f->lfd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	strcpy(sa.sun_path, path);
	if (bind(f->lfd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(f->lfd, 4) < 0) {
		printf("FAIL: listen %s: %s\n", path, strerror(errno));
		exit(1);
	}
	pthread_t t;
	pthread_create(&t, NULL, serve, f);
	struct dpx_stream_config cfg = {.path = path, .dir = sc == INPUT_HUGE ? DPX_DIR_INPUT : DPX_DIR_OUTPUT, .usage = DPX_USAGE_MEDIA, .rate = 48000,
	                                .channels = 2, .format = DPX_FORMAT_S16, .period = 960,
	                                .reconnect_ns = 3600 * 1000000000LL /* no reconnection during the test */};
	CHECK(dpx_stream_init(s, &cfg) == 0, "init\n");
	pthread_join(t, NULL);
}

void fake_close(struct fake *f, const char *path)
{
	if (f->hdr)
		munmap(f->hdr, f->size);
	int fds[] = {f->conn, f->memfd, f->efd, f->lfd};
	for (int i = 0; i < 4; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	unlink(path);
}

static void run(enum scenario sc, const char *path)
{
	int before = count_fds();
	struct fake f;
	struct dpx_stream s;
	fake_open(&f, sc, path, &s);
	if (sc == UNSEALED && ftruncate(f.memfd, 0) < 0) /* a shim that mapped it now gets SIGBUS */
		printf("note: ftruncate: %s\n", strerror(errno));
	uint64_t one = 1; /* the shared file: the shim's next read of it could block */
	if (sc == NONBLOCK_CLEARED && (fcntl(f.efd, F_SETFL, 0) < 0 || write(f.efd, &one, sizeof one) < 0))
		printf("note: eventfd: %s\n", strerror(errno));
	int given_up = sc == LYING_READ_POS || sc == CLOSED_FLAG || sc == STALLED || sc == READABLE_EFD ||
	               sc == NONBLOCK_CLEARED || sc == INPUT_HUGE,
	    want = given_up;
	CHECK(dpx_stream_connected(&s) == want, "%s: connected %d, want %d\n", names[sc], dpx_stream_connected(&s), want);

	static char buf[960 * FB];
	uint64_t last = 0, fr, done = 0;
	int64_t ns, worst = 0, wall0 = dpx_now_ns(), cpu0 = thread_cpu_ns();
	/* A server that never consumed is given up after 2 s (a device may
	 * start late): write for longer than that. */
	int writes = sc == STALLED || sc == READABLE_EFD ? 120 : 40;
	for (int i = 0; i < writes; i++) {
		if (i == 5 && f.hdr) {
			if (sc == LYING_READ_POS)
				__atomic_store_n(&f.hdr->read_pos, 1000000, __ATOMIC_SEQ_CST);
			if (sc == CLOSED_FLAG)
				__atomic_or_fetch(&f.hdr->flags, DPX_FLAG_CLOSED, __ATOMIC_SEQ_CST);
		}
		int64_t t0 = dpx_now_ns();
		ssize_t n = sc == INPUT_HUGE ? dpx_stream_read(&s, buf, sizeof buf) : dpx_stream_write(&s, buf, sizeof buf);
		int64_t took = dpx_now_ns() - t0;
		CHECK(n >= 0 && n <= (ssize_t)sizeof buf && n % FB == 0, "%s: write returned %zd\n", names[sc], n);
		worst = took > worst ? took : worst;
		dpx_stream_position(&s, &fr, &ns);
		CHECK(fr >= last, "%s: position went back\n", names[sc]);
		done += n > 0 ? (uint64_t)n / FB : 0; /* a position past that (and, capturing, the ring) is a lie */
		CHECK(fr <= done + (sc == INPUT_HUGE ? CAP : 0), "%s: position %llu beyond the %llu frames done\n",
		      names[sc], (unsigned long long)fr, (unsigned long long)done);
		last = fr;
	}
	/* 20 ms writes; a server that does not consume costs two device
	 * periods more. The bound only catches real blocking (a 500 ms stall
	 * timeout, a connect timeout): on a shared VM the scheduler alone adds
	 * tens of milliseconds now and then. */
	int64_t wall = dpx_now_ns() - wall0, cpu = thread_cpu_ns() - cpu0;
	CHECK(worst < 100000000, "%s: a write took %.1f ms\n", names[sc], (double)worst / 1e6);
	CHECK(cpu * 4 < wall, "%s: the writer spun: %.1f ms of CPU in %.1f ms\n", names[sc], (double)cpu / 1e6,
	      (double)wall / 1e6);
	if (given_up)
		CHECK(!dpx_stream_connected(&s), "%s: still connected to a broken server\n", names[sc]);
	dpx_stream_destroy(&s);
	fake_close(&f, path);
	CHECK(count_fds() == before, "%s: %d descriptors leaked\n", names[sc], count_fds() - before);
	printf("%s: ok (longest write %.1f ms, position %llu)\n", names[sc], (double)worst / 1e6, (unsigned long long)last);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	/* As AudioFlinger's threads (and harness.c): real-time when allowed. */
	struct sched_param sp = {.sched_priority = 2};
	if (sched_setscheduler(0, SCHED_FIFO, &sp) != 0)
		printf("note: no SCHED_FIFO (%s); timings include scheduling delays\n", strerror(errno));
	char path[64];
	snprintf(path, sizeof path, "/tmp/dpx-hostile-%d.sock", (int)getpid());
	for (int sc = 0; sc < NSCEN; sc++)
		run((enum scenario)sc, path);
	for (int lie = 0; lie < NLIES; lie++)
		run_clock(lie, path);
	run_storm(path);
	return failures ? 1 : 0;
}

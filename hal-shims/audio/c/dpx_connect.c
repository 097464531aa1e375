/*
 * dpx_connect.c - opening a stream on audioproxyd's control socket: send
 * Open, receive Opened with the ring memfd and the eventfd, check both and
 * map the ring. Nothing the server sends is trusted further than it is
 * checked: the reply's geometry must equal what was asked, the memfd must be
 * as large as announced and sealed against shrinking before it is mapped
 * (no SIGBUS), the eventfd non-blocking (as the Go shim wants it), and the
 * ring header must repeat the geometry.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "droidplex_audio_ctl.h"
#include "dpx_stream.h"

/* recv_reply receives one packet and up to two descriptors; extra
 * descriptors are closed. A signal ends the socket's SO_RCVTIMEO wait
 * early, and a retry would start it over: a retry waits only until
 * deadline (CLOCK_MONOTONIC ns), so signals cannot keep it waiting.
 * Returns the packet length or -errno (-EAGAIN at the deadline, as the
 * timeout itself gives). */
static ssize_t recv_reply(int sock, void *buf, size_t len, int fds[2], int *nfds, int64_t deadline)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int) * 8)];
	} ctl;
	struct iovec iov = {.iov_base = buf, .iov_len = len};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf, .msg_controllen = sizeof ctl.buf};
	ssize_t n;
	while ((n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR) {
		int64_t left = deadline - dpx_now_ns();
		if (left <= 0)
			return -EAGAIN;
		left = (left + 999) / 1000; /* µs, rounded up: never 0, which would mean no timeout */
		struct timeval tv = {.tv_sec = left / 1000000, .tv_usec = left % 1000000};
		setsockopt(sock, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	}
	if (n < 0)
		return -errno;
	*nfds = 0;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		int k = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
		for (int i = 0; i < k; i++) {
			int fd;
			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
			if (*nfds < 2)
				fds[(*nfds)++] = fd;
			else
				close(fd);
		}
	}
	if (mh.msg_flags & (MSG_CTRUNC | MSG_TRUNC))
		return -EPROTO;
	return n;
}

static int error_code(uint8_t code)
{
	switch (code) {
	case DPX_ERR_INVALID:
		return -EINVAL;
	case DPX_ERR_LIMIT:
		return -EBUSY;
	case DPX_ERR_UNSUPPORTED:
		return -EOPNOTSUPP;
	}
	return -EIO;
}

/* check_reply validates the Opened message and the memfd and eventfd it
 * came with. */
static int check_reply(struct dpx_stream *s, const struct dpx_ctl_opened *m, int memfd, int efd)
{
	const struct dpx_stream_config *c = &s->cfg;
	if (m->rate != c->rate || m->channels != c->channels || m->format != c->format)
		return -EPROTO;
	if (m->capacity == 0 || m->capacity > DPX_RING_MAX_CAPACITY || m->period == 0 || m->period > m->capacity)
		return -EPROTO;
	if ((uint64_t)m->size < DPX_RING_HEADER_SIZE + (uint64_t)m->capacity * s->frame_bytes)
		return -EPROTO;
	struct stat st;
	if (fstat(memfd, &st) < 0 || st.st_size < (off_t)m->size)
		return -EPROTO; /* mapping past the end would SIGBUS us */
	int seals = fcntl(memfd, F_GET_SEALS);
	if (seals < 0 || !(seals & F_SEAL_SHRINK))
		return -EPROTO; /* the server could shrink it under our mapping: SIGBUS */
	int fl = fcntl(efd, F_GETFL);
	if (fl < 0 || !(fl & O_NONBLOCK))
		return -EPROTO; /* a read after poll would block if the server drained it meanwhile */
	return 0;
}

/* dpx_send_route sends the remembered route on the connection, without
 * blocking; the caller holds s->lock. A full socket loses it (the server
 * keeps the last one it got). */
void dpx_send_route(struct dpx_stream *s)
{
	struct dpx_ctl_route m = {.op = DPX_OP_ROUTE, .devices = s->route};
	if (s->sock >= 0)
		(void)send(s->sock, &m, sizeof m, MSG_DONTWAIT | MSG_NOSIGNAL);
}

int dpx_stream_connect(struct dpx_stream *s, long timeout_us)
{
	int fds[2] = {-1, -1}, nfds = 0, err;
	void *mem = MAP_FAILED;
	size_t size = 0;
	int64_t start = dpx_now_ns();
	int sock = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (sock < 0)
		return -errno;
	struct timeval tv = {.tv_sec = timeout_us / 1000000, .tv_usec = timeout_us % 1000000};
	setsockopt(sock, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	setsockopt(sock, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	memcpy(sa.sun_path, s->path, sizeof s->path);
	if (connect(sock, (struct sockaddr *)&sa, sizeof sa) < 0) {
		err = -errno;
		goto fail;
	}
	struct dpx_ctl_open o = {.op = DPX_OP_OPEN, .dir = s->cfg.dir, .usage = s->cfg.usage, .rate = s->cfg.rate,
	                         .channels = s->cfg.channels, .format = s->cfg.format,
	                         /* three writes' worth (60 ms): room for the next write while
	                          * one plays, and for a device that catches up in a burst
	                          * after a stall (the null and WAV devices do, up to 50 ms) */
	                         .period_hint = 3 * s->cfg.period};
	if (send(sock, &o, sizeof o, MSG_NOSIGNAL) != (ssize_t)sizeof o) {
		err = errno ? -errno : -EIO;
		goto fail;
	}
	union {
		struct dpx_ctl_opened ok;
		struct dpx_ctl_error e;
		uint8_t raw[DPX_CTL_MAX_MSG_SIZE + 1];
	} m;
	memset(&m, 0, sizeof m);
	ssize_t n = recv_reply(sock, &m, sizeof m, fds, &nfds, start + (int64_t)timeout_us * 1000);
	if (n < 0) {
		err = (int)n;
		goto fail;
	}
	if (n >= 4 && m.raw[0] == DPX_OP_ERROR) {
		err = error_code(m.e.code);
		goto fail;
	}
	if (n != DPX_CTL_OPENED_SIZE || m.raw[0] != DPX_OP_OPENED || nfds != 2) {
		err = -EPROTO;
		goto fail;
	}
	if ((err = check_reply(s, &m.ok, fds[0], fds[1])) < 0)
		goto fail;
	size = m.ok.size;
	mem = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fds[0], 0);
	if (mem == MAP_FAILED) {
		err = -errno;
		goto fail;
	}
	struct dpx_ring_header *h = mem;
	if (h->magic != DPX_RING_MAGIC || h->version != DPX_RING_VERSION || h->header_bytes != DPX_RING_HEADER_SIZE ||
	    h->capacity_frames != m.ok.capacity || h->frame_bytes != s->frame_bytes) {
		err = -EPROTO;
		goto fail;
	}
	close(fds[0]);
	pthread_mutex_lock(&s->lock);
	s->sock = sock;
	s->efd = fds[1];
	s->hdr = h;
	s->data = (uint8_t *)mem + DPX_RING_HEADER_SIZE;
	s->map_size = size;
	s->capacity = m.ok.capacity;
	s->dev_period = m.ok.period;
	s->pos = s->cfg.dir == DPX_DIR_INPUT ? __atomic_load_n(&h->write_pos, __ATOMIC_ACQUIRE) : 0;
	s->seen_ns = 0;
	s->conn_seen = 0;
	s->conn_ns = start;
	if (s->route_set)
		dpx_send_route(s);
	pthread_mutex_unlock(&s->lock);
	s->last_error = 0;
	return 0;
fail:
	if (mem != MAP_FAILED)
		munmap(mem, size);
	for (int i = 0; i < nfds; i++)
		close(fds[i]);
	close(sock);
	s->last_error = -err;
	return err;
}

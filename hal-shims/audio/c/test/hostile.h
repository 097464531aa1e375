/*
 * hostile.h - the fake audioproxyd shared by hostile.c (a server that lies
 * when opening a stream or about its positions) and hostile_clock.c (one
 * that consumes honestly but lies about its clock).
 */
#ifndef DPX_HOSTILE_H
#define DPX_HOSTILE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dpx_stream.h"
#include "check.h"

/* The fake's ring: 2880 frames of s16 stereo, 240-frame (5 ms) periods. */
#define CAP 2880u
#define FB 4u
#define PERIOD 240u

struct fake {
	int lfd;
	int sc; /* hostile.c's scenario; any other value opens a good stream */
	int conn, memfd, efd;
	struct dpx_ring_header *hdr;
	size_t size;
};

/* fake_open listens on path, opens s (20 ms writes, no reconnection) and
 * answers its Open as f->sc says. fake_close frees what it made. */
void fake_open(struct fake *f, int sc, const char *path, struct dpx_stream *s);
void fake_close(struct fake *f, const char *path);

/* count_fds counts this process's open descriptors; thread_cpu_ns is the
 * calling thread's CPU time. */
int count_fds(void);
int64_t thread_cpu_ns(void);

/* run_storm opens a stream on a silent server under a signal storm
 * (hostile_storm.c). */
void run_storm(const char *path);

/* run_clock runs lie number lie of hostile_clock.c's NLIES. */
#define NLIES 9
void run_clock(int lie, const char *path);

#endif /* DPX_HOSTILE_H */

/*
 * dpxplay - plays a file to audioproxyd through the shim's stream code (like
 * pacat for PulseAudio), for benchmarks and diagnostics.
 *
 *   dpxplay [-n FRAMES_PER_WRITE] [-u USAGE] SOCKET FILE
 *
 * FILE is raw s16le stereo 48 kHz, or a .wav file with a 44-byte PCM
 * header (skipped; recognised by its RIFF/WAVE magic). It is played in
 * FRAMES_PER_WRITE-frame writes (default 240, 5 ms), looping, until SIGTERM
 * or SIGINT; then one line goes to stderr:
 *
 *   dpxplay: frames=N timed_waits=A poked_waits=B reconnects=C
 *
 * frames is what the writes took; timed_waits and poked_waits say how the
 * writes waited for room (on the stream's own clock, or by asking the
 * server for a wake-up: dpx_wait.c). Exit status 0, 1 if the file or the
 * stream cannot be set up, 2 for bad arguments.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "droidplex_audio_ctl.h"
#include "dpx_stream.h"

#define FRAME_BYTES 4u /* s16 stereo */
#define MAX_WRITE_FRAMES 16384u /* the ring asked for holds three writes, at most 65536 frames */
#define WAV_HEADER 44u

static volatile sig_atomic_t stop;

static void on_signal(int sig) { (void)sig; stop = 1; }

static void usage(FILE *f)
{
	fprintf(f, "usage: dpxplay [-n FRAMES_PER_WRITE] [-u USAGE] SOCKET FILE\n"
	           "  plays FILE (raw s16le stereo 48 kHz, or a 44-byte-header PCM .wav) to audioproxyd's\n"
	           "  stream socket SOCKET, looping, until SIGTERM/SIGINT; then prints to stderr\n"
	           "  dpxplay: frames=N timed_waits=A poked_waits=B reconnects=C\n"
	           "  -n FRAMES_PER_WRITE  frames per write, 1..%u (default 240)\n"
	           "  -u USAGE             media (default), voice, ring, alarm or notification\n",
	        MAX_WRITE_FRAMES);
}

static int parse_usage(const char *s)
{
	static const char *names[] = {"media", "voice", "ring", "alarm", "notification"};
	static const uint8_t values[] = {DPX_USAGE_MEDIA, DPX_USAGE_VOICE, DPX_USAGE_RING, DPX_USAGE_ALARM,
	                                 DPX_USAGE_NOTIFICATION};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(s, names[i]) == 0)
			return values[i];
	return -1;
}

/* load maps FILE and returns its PCM frames (after a WAV header), NULL with
 * a message if there is not one whole frame. */
static const uint8_t *load(const char *path, size_t *frames, void **map, size_t *map_len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0) {
		fprintf(stderr, "dpxplay: %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	size_t len = st.st_size > 0 ? (size_t)st.st_size : 0;
	void *m = len ? mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0) : MAP_FAILED;
	close(fd);
	if (m == MAP_FAILED) {
		fprintf(stderr, "dpxplay: %s: %s\n", path, len ? strerror(errno) : "empty file");
		return NULL;
	}
	const uint8_t *p = m;
	size_t skip = len >= WAV_HEADER && memcmp(p, "RIFF", 4) == 0 && memcmp(p + 8, "WAVE", 4) == 0 ? WAV_HEADER : 0;
	*frames = (len - skip) / FRAME_BYTES;
	if (*frames == 0) {
		fprintf(stderr, "dpxplay: %s: no audio in it\n", path);
		munmap(m, len);
		return NULL;
	}
	*map = m;
	*map_len = len;
	return p + skip;
}

/* fill copies n frames of the looping file from *at into buf. */
static void fill(uint8_t *buf, const uint8_t *pcm, size_t frames, size_t *at, size_t n)
{
	while (n > 0) {
		size_t k = frames - *at < n ? frames - *at : n;
		memcpy(buf, pcm + *at * FRAME_BYTES, k * FRAME_BYTES);
		buf += k * FRAME_BYTES;
		n -= k;
		*at = (*at + k) % frames;
	}
}

int main(int argc, char **argv)
{
	unsigned long n = 240;
	int use = DPX_USAGE_MEDIA, c;
	char *end;
	while ((c = getopt(argc, argv, "hn:u:")) != -1) {
		switch (c) {
		case 'h':
			usage(stdout);
			return 0;
		case 'n':
			errno = 0;
			n = strtoul(optarg, &end, 10);
			if (errno || end == optarg || *end || n == 0 || n > MAX_WRITE_FRAMES) {
				fprintf(stderr, "dpxplay: -n %s: want 1..%u frames\n", optarg, MAX_WRITE_FRAMES);
				usage(stderr);
				return 2;
			}
			break;
		case 'u':
			if ((use = parse_usage(optarg)) < 0) {
				fprintf(stderr, "dpxplay: -u %s: unknown usage\n", optarg);
				usage(stderr);
				return 2;
			}
			break;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (argc - optind != 2) {
		usage(stderr);
		return 2;
	}
	const char *sock = argv[optind], *file = argv[optind + 1];
	size_t frames = 0, map_len = 0, at = 0;
	void *map = NULL;
	const uint8_t *pcm = load(file, &frames, &map, &map_len);
	if (!pcm)
		return 1;
	uint8_t *buf = malloc(n * FRAME_BYTES);
	struct dpx_stream s;
	struct dpx_stream_config cfg = {.path = sock, .dir = DPX_DIR_OUTPUT, .usage = (uint8_t)use, .rate = 48000,
	                                .channels = 2, .format = DPX_FORMAT_S16, .period = (uint32_t)n};
	int err = buf ? dpx_stream_init(&s, &cfg) : -ENOMEM;
	if (err < 0) {
		fprintf(stderr, "dpxplay: %s: %s\n", sock, strerror(-err));
		free(buf);
		munmap(map, map_len);
		return 1;
	}
	if (!dpx_stream_connected(&s))
		fprintf(stderr, "dpxplay: %s: not connected (%s); pacing locally and reconnecting\n", sock,
		        strerror(s.last_error));

	struct sigaction sa = {.sa_handler = on_signal}; /* no SA_RESTART: end waits early */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	uint64_t played = 0;
	while (!stop) {
		fill(buf, pcm, frames, &at, n);
		/* A short write (a slow server) is followed by the rest, as
		 * AudioFlinger does; each write returns within about a period. */
		for (size_t done = 0; done < n * FRAME_BYTES && !stop;) {
			ssize_t w = dpx_stream_write(&s, buf + done, n * FRAME_BYTES - done);
			if (w < 0) {
				fprintf(stderr, "dpxplay: write: %s\n", strerror((int)-w));
				stop = 1;
				break;
			}
			done += (size_t)w;
			played += (uint64_t)w / FRAME_BYTES;
		}
	}
	dpx_stream_standby(&s); /* the ring drains now: not an underrun */
	fprintf(stderr, "dpxplay: frames=%llu timed_waits=%llu poked_waits=%llu reconnects=%llu\n",
	        (unsigned long long)played, (unsigned long long)s.timed_waits, (unsigned long long)s.poked_waits,
	        (unsigned long long)s.reconnects);
	dpx_stream_destroy(&s);
	free(buf);
	munmap(map, map_len);
	return 0;
}

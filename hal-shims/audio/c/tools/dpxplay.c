/*
 * dpxplay - plays a file to audioproxyd through the shim's stream code (like
 * pacat for PulseAudio), for benchmarks and diagnostics.
 *
 *   dpxplay [-n FRAMES_PER_WRITE] [-u USAGE] SOCKET FILE
 *
 * FILE is a WAV file (RIFF/WAVE: PCM or WAVE_FORMAT_EXTENSIBLE PCM, 2
 * channels, 48000 Hz, 16 bits; only its data chunk is played, other chunks
 * are skipped) or, without a RIFF header, raw s16le stereo 48 kHz. A WAV
 * in any other format is refused. It is played in FRAMES_PER_WRITE-frame
 * writes (default 240, 5 ms), looping, until SIGTERM or SIGINT; then one
 * line goes to stderr:
 *
 *   dpxplay: frames=N timed_waits=A poked_waits=B reconnects=C connected=D
 *
 * frames is what the writes took; timed_waits and poked_waits say how the
 * writes waited for room (on the stream's own clock, or by asking the
 * server for a wake-up: dpx_wait.c); connected is 1 if the stream ever
 * reached the server (0: it only paced locally). Exit status 0 (also after
 * a signal), 1 if the file or the stream cannot be set up, 2 for bad
 * arguments.
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

static volatile sig_atomic_t stop;

static void on_signal(int sig) { (void)sig; stop = 1; }

static void usage(FILE *f)
{
	fprintf(f, "usage: dpxplay [-n FRAMES_PER_WRITE] [-u USAGE] SOCKET FILE\n"
	           "  plays FILE (a 16-bit stereo 48 kHz PCM .wav, or raw s16le stereo 48 kHz) to\n"
	           "  audioproxyd's stream socket SOCKET, looping, until SIGTERM/SIGINT; then prints\n"
	           "  to stderr dpxplay: frames=N timed_waits=A poked_waits=B reconnects=C connected=D\n"
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

static uint32_t le32(const uint8_t *p) { return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24; }
static uint16_t le16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }

/* fmt_error says why a WAV "fmt " chunk of len bytes is not 16-bit stereo
 * 48 kHz PCM, NULL if it is. */
static const char *fmt_error(const uint8_t *f, size_t len)
{
	static const uint8_t pcm_guid[16] = {1, 0, 0, 0, 0, 0, 0x10, 0, 0x80, 0, 0, 0xaa, 0, 0x38, 0x9b, 0x71};
	if (len < 16)
		return "a fmt chunk too short";
	uint16_t tag = le16(f);
	if (tag == 0xfffe && (len < 40 || le16(f + 16) < 22 || memcmp(f + 24, pcm_guid, 16) != 0))
		return "WAVE_FORMAT_EXTENSIBLE that is not PCM";
	if (tag != 1 && tag != 0xfffe)
		return "not PCM";
	static char why[96];
	if (le16(f + 2) != 2 || le32(f + 4) != 48000 || le16(f + 14) != 16 || le16(f + 12) != 4) {
		snprintf(why, sizeof why, "%u channels, %u Hz, %u bits", le16(f + 2), le32(f + 4), le16(f + 14));
		return why;
	}
	return NULL;
}

/* wav_data finds the data chunk of a RIFF/WAVE file of len bytes at p: 1
 * and its offset and length (cut to the file), 0 if p is not RIFF (raw
 * PCM), -1 with a message if it is not a WAV this can play. */
static int wav_data(const char *path, const uint8_t *p, size_t len, size_t *off, size_t *n)
{
	if (len < 4 || memcmp(p, "RIFF", 4) != 0)
		return 0;
	const char *why = len < 12 || memcmp(p + 8, "WAVE", 4) != 0 ? "a RIFF file that is not WAVE" : NULL;
	int have_fmt = 0;
	for (size_t at = 12; !why && len - at >= 8;) {
		size_t size = le32(p + at + 4), body = at + 8, left = len - body;
		if (memcmp(p + at, "fmt ", 4) == 0) {
			why = size > left ? "a fmt chunk cut short" : fmt_error(p + body, size);
			have_fmt = 1;
		} else if (memcmp(p + at, "data", 4) == 0) {
			if (!have_fmt)
				break;
			*off = body;
			*n = size < left ? size : left; /* a streamed WAV's size may be unset */
			return 1;
		}
		if (size + (size & 1) >= left)
			break;
		at = body + size + (size & 1); /* chunks are padded to even sizes */
	}
	if (!why)
		why = have_fmt ? "no data chunk" : "no fmt chunk before the data";
	fprintf(stderr, "dpxplay: %s: %s; want a PCM WAV of 2 channels, 48000 Hz, 16 bits\n", path, why);
	return -1;
}

/* load maps FILE and returns its PCM frames (a WAV's data chunk, or the
 * whole of a raw file), NULL with a message if it is a WAV this cannot
 * play or there is not one whole frame. */
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
	size_t skip = 0, n = len;
	int wav = wav_data(path, p, len, &skip, &n);
	*frames = n / FRAME_BYTES;
	if (wav < 0 || *frames == 0) {
		if (wav >= 0)
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
	/* Before the stream: a signal while it connects still ends in the
	 * summary. A stop takes effect when the current write returns: the
	 * stream code retries a call the signal interrupts (or checks the
	 * ring and waits again), so a write is not cut short but is bounded
	 * anyway (its audio plus two periods; 500 ms for a stalled server).
	 * A connect the signal interrupts fails: the stream then paces
	 * locally, and the loop below does not start. */
	struct sigaction sa = {.sa_handler = on_signal};
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
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
	int connected = dpx_stream_connected(&s);
	if (!connected)
		fprintf(stderr, "dpxplay: %s: not connected (%s); pacing locally and reconnecting\n", sock,
		        strerror(s.last_error));
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
	connected = connected || s.reconnects > 0; /* every later connection counts as a reconnect */
	fprintf(stderr, "dpxplay: frames=%llu timed_waits=%llu poked_waits=%llu reconnects=%llu connected=%d\n",
	        (unsigned long long)played, (unsigned long long)s.timed_waits, (unsigned long long)s.poked_waits,
	        (unsigned long long)s.reconnects, connected);
	dpx_stream_destroy(&s);
	free(buf);
	munmap(map, map_len);
	return 0;
}

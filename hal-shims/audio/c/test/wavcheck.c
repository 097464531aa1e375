/*
 * wavcheck.c - checks that a 16-bit stereo WAV file (audioproxyd's wav:
 * device output) holds at least MIN_SECONDS of a tone of FREQ Hz (within
 * 2%) in its left channel: the proof that what the harness wrote reached
 * the mix.
 *
 *   wavcheck FILE FREQ MIN_SECONDS
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t le32(const unsigned char *p) { return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24; }
static uint16_t le16(const unsigned char *p) { return (uint16_t)(p[0] | p[1] << 8); }

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: %s FILE FREQ MIN_SECONDS\n", argv[0]);
		return 2;
	}
	FILE *f = fopen(argv[1], "rb");
	if (!f) {
		printf("FAIL: open %s\n", argv[1]);
		return 1;
	}
	fseek(f, 0, SEEK_END);
	long size = ftell(f);
	fseek(f, 0, SEEK_SET);
	unsigned char *b = malloc((size_t)size);
	if (!b || fread(b, 1, (size_t)size, f) != (size_t)size || size < 44 || memcmp(b, "RIFF", 4) ||
	    memcmp(b + 8, "WAVE", 4)) {
		printf("FAIL: %s is not a WAV file\n", argv[1]);
		return 1;
	}
	fclose(f);
	uint32_t rate = 0, channels = 0, bits = 0;
	const unsigned char *data = NULL;
	size_t n = 0;
	for (long off = 12; off + 8 <= size;) {
		uint32_t len = le32(b + off + 4);
		const unsigned char *body = b + off + 8;
		long avail = size - off - 8;
		if (memcmp(b + off, "fmt ", 4) == 0 && avail >= 16) {
			channels = le16(body + 2);
			rate = le32(body + 4);
			bits = le16(body + 14);
		} else if (memcmp(b + off, "data", 4) == 0) {
			data = body;
			n = (len == 0 || len == 0xFFFFFFFFu || len > (uint32_t)avail) ? (size_t)avail : len;
			break;
		}
		off += 8 + (long)len + (len & 1);
	}
	if (!data || channels != 2 || bits != 16 || rate == 0) {
		printf("FAIL: want 16-bit stereo PCM, got %u channels %u bits\n", channels, bits);
		return 1;
	}
	size_t frames = n / 4, first = frames, lastnz = 0, loud = 0, crossings = 0, nonzero = 0;
	int prev = 0;
	double sum = 0;
	for (size_t i = 0; i < frames; i++) {
		int16_t v = (int16_t)le16(data + 4 * i);
		if (v != 0) {
			nonzero++;
			if (first == frames)
				first = i;
			lastnz = i;
		}
		if (abs(v) > 1000)
			loud++;
		int sign = v > 0 ? 1 : v < 0 ? -1 : 0;
		if (sign && prev && sign != prev)
			crossings++;
		if (sign)
			prev = sign;
		sum += (double)v * v;
	}
	if (first == frames) {
		printf("FAIL: %s is silent (%zu frames)\n", argv[1], frames);
		return 1;
	}
	/* Gaps (underruns) are exact zeros: leave them out of the tone's duration. */
	double dur = (double)(lastnz - first + 1) / rate, freq = crossings / 2.0 / ((double)nonzero / rate);
	double want = atof(argv[2]), min = atof(argv[3]);
	printf("wav: %zu frames, sound for %.3f s, %.1f Hz, %.3f s above -30 dBFS, rms %.0f\n", frames, dur, freq,
	       (double)loud / rate, sqrt(sum / (double)(lastnz - first + 1)));
	int ok = 1;
	if (fabs(freq - want) / want > 0.02) {
		printf("FAIL: tone at %.1f Hz, want %.0f\n", freq, want);
		ok = 0;
	}
	if ((double)loud / rate < min) {
		printf("FAIL: %.3f s of tone, want at least %.3f\n", (double)loud / rate, min);
		ok = 0;
	}
	free(b);
	return ok ? 0 : 1;
}

/*
 * harness.h - helpers shared by the harness's scenarios (harness.c,
 * reconnect.c): loading the HAL, opening streams, a tone, positions, and
 * audioproxyd's HTTP API.
 */
#ifndef DPX_HARNESS_H
#define DPX_HARNESS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dpx_hal.h"
#include "check.h"

int64_t now_ns(void);
struct audio_hw_device *open_device(const char *so, void **handle);
void close_device(struct audio_hw_device *dev, void *handle);
struct audio_stream_out *open_output(struct audio_hw_device *dev);
int connected(struct audio_stream *s);
void tone(int16_t *buf, size_t frames, uint64_t *phase);
void write_all(struct audio_stream_out *out, const void *buf, size_t bytes);
void position(struct audio_stream_out *out, uint64_t *f, int64_t *ns);
int device_frames(uint64_t *frames, int64_t *ns);
int policy_route(const char *route);

/* the scenarios */
int play(const char *so, double seconds);
int reconnect(const char *so, const char *stop_cmd, const char *start_cmd);

#endif /* DPX_HARNESS_H */

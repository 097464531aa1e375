/*
 * dpx_hal.h - where the Android HAL declarations come from: the real AOSP
 * headers inside an AOSP tree (Android.bp defines DPX_AOSP_HEADERS), else
 * droidplex's own ABI-compatible declarations in hal/.
 */
#ifndef DPX_HAL_H
#define DPX_HAL_H

#ifdef DPX_AOSP_HEADERS
#include <hardware/audio.h>
#include <hardware/hardware.h>
#include <system/audio.h>
#else
#include "hal/audio.h"
#endif

/* The one format the shim offers: the server's device format. Android's own
 * mixer converts everything else to it. */
#define DPX_HAL_RATE 48000u
#define DPX_HAL_OUT_CHANNELS AUDIO_CHANNEL_OUT_STEREO
#define DPX_HAL_IN_CHANNELS AUDIO_CHANNEL_IN_STEREO
#define DPX_HAL_FORMAT AUDIO_FORMAT_PCM_16_BIT
#define DPX_HAL_FRAME_BYTES 4u
/* 20 ms writes: at least AudioFlinger's normal mixer period, so no FastMixer. */
#define DPX_HAL_PERIOD_FRAMES 960u

/* Where the container's audio socket is unless DROIDPLEX_AUDIO_SOCKET says. */
#define DPX_HAL_DEFAULT_SOCKET "/dev/socket/audio"

#endif /* DPX_HAL_H */

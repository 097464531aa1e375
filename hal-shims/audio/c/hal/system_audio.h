/*
 * system_audio.h - droidplex's own declarations of the Android audio types
 * and constants the audio HAL shim uses (a subset of system/audio.h).
 *
 * Follows: AOSP system/media/audio/include/system/audio.h as of
 * android-10.0.0_r1. Values are the ABI's; written here, not copied. Only
 * what the shim and its harness need is declared. Inside an AOSP tree the
 * real header is used instead.
 */
#ifndef DPX_HAL_SYSTEM_AUDIO_H
#define DPX_HAL_SYSTEM_AUDIO_H

#include <stdbool.h>
#include <stdint.h>

typedef int audio_io_handle_t;
typedef uint32_t audio_devices_t;
typedef uint32_t audio_channel_mask_t;
typedef int audio_mode_t;
typedef int audio_source_t;
typedef int audio_output_flags_t;
typedef int audio_input_flags_t;
typedef int audio_stream_type_t;
typedef int audio_usage_t;
typedef uint32_t audio_format_t;
typedef int audio_drain_type_t;
typedef int audio_microphone_direction_t;
typedef void *effect_handle_t;

/* audio_format_t */
#define AUDIO_FORMAT_DEFAULT 0x0u
#define AUDIO_FORMAT_PCM_16_BIT 0x1u
#define AUDIO_FORMAT_PCM_FLOAT 0x5u

/* audio_channel_mask_t */
#define AUDIO_CHANNEL_NONE 0x0u
#define AUDIO_CHANNEL_OUT_FRONT_LEFT 0x1u
#define AUDIO_CHANNEL_OUT_FRONT_RIGHT 0x2u
#define AUDIO_CHANNEL_OUT_STEREO (AUDIO_CHANNEL_OUT_FRONT_LEFT | AUDIO_CHANNEL_OUT_FRONT_RIGHT)
#define AUDIO_CHANNEL_IN_LEFT 0x4u
#define AUDIO_CHANNEL_IN_RIGHT 0x8u
#define AUDIO_CHANNEL_IN_FRONT 0x10u
#define AUDIO_CHANNEL_IN_MONO AUDIO_CHANNEL_IN_FRONT
#define AUDIO_CHANNEL_IN_STEREO (AUDIO_CHANNEL_IN_LEFT | AUDIO_CHANNEL_IN_RIGHT)

/* audio_mode_t */
#define AUDIO_MODE_NORMAL 0
#define AUDIO_MODE_RINGTONE 1
#define AUDIO_MODE_IN_CALL 2
#define AUDIO_MODE_IN_COMMUNICATION 3

/* audio_devices_t, output */
#define AUDIO_DEVICE_NONE 0x0u
#define AUDIO_DEVICE_OUT_EARPIECE 0x1u
#define AUDIO_DEVICE_OUT_SPEAKER 0x2u
#define AUDIO_DEVICE_OUT_WIRED_HEADSET 0x4u
#define AUDIO_DEVICE_OUT_WIRED_HEADPHONE 0x8u
/* audio_devices_t, input */
#define AUDIO_DEVICE_BIT_IN 0x80000000u
#define AUDIO_DEVICE_IN_BUILTIN_MIC (AUDIO_DEVICE_BIT_IN | 0x4u)

/* audio_source_t */
#define AUDIO_SOURCE_DEFAULT 0
#define AUDIO_SOURCE_MIC 1
#define AUDIO_SOURCE_VOICE_UPLINK 2
#define AUDIO_SOURCE_VOICE_DOWNLINK 3
#define AUDIO_SOURCE_VOICE_CALL 4
#define AUDIO_SOURCE_CAMCORDER 5
#define AUDIO_SOURCE_VOICE_RECOGNITION 6
#define AUDIO_SOURCE_VOICE_COMMUNICATION 7

/* audio_output_flags_t */
#define AUDIO_OUTPUT_FLAG_NONE 0x0
#define AUDIO_OUTPUT_FLAG_PRIMARY 0x2

/* Stream parameter keys (set_parameters / get_parameters). */
#define AUDIO_PARAMETER_STREAM_ROUTING "routing"
#define AUDIO_PARAMETER_STREAM_SUP_FORMATS "sup_formats"
#define AUDIO_PARAMETER_STREAM_SUP_CHANNELS "sup_channels"
#define AUDIO_PARAMETER_STREAM_SUP_SAMPLING_RATES "sup_sampling_rates"

/* audio_offload_info_t: compressed offload parameters (unused by the shim,
 * but part of audio_config's layout). */
typedef struct {
	uint16_t version;
	uint16_t size;
	uint32_t sample_rate;
	audio_channel_mask_t channel_mask;
	audio_format_t format;
	audio_stream_type_t stream_type;
	uint32_t bit_rate;
	int64_t duration_us;
	bool has_video;
	bool is_streaming;
	uint32_t bit_width;
	uint32_t offload_buffer_size;
	audio_usage_t usage;
} audio_offload_info_t;

/* audio_config: what open_*_stream asks for; the HAL writes its proposal
 * back when it refuses. */
struct audio_config {
	uint32_t sample_rate;
	audio_channel_mask_t channel_mask;
	audio_format_t format;
	audio_offload_info_t offload_info;
	uint32_t frame_count;
};
typedef struct audio_config audio_config_t;

#endif /* DPX_HAL_SYSTEM_AUDIO_H */

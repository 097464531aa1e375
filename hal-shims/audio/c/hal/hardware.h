/*
 * hardware.h - droidplex's own declarations of the Android hardware module
 * ABI (the hw_module_t / hw_device_t contract), so the audio HAL shim builds
 * with a plain gcc outside an AOSP tree.
 *
 * Follows: AOSP hardware/libhardware/include/hardware/hardware.h as of
 * android-10.0.0_r1 (the layout has been stable since Android 4.x).
 * Written here from the documented contract; member order, types and sizes
 * are what the ABI requires, nothing else is taken over. Inside an AOSP tree
 * (Android.bp defines DPX_AOSP_HEADERS) the real header is used instead.
 */
#ifndef DPX_HAL_HARDWARE_H
#define DPX_HAL_HARDWARE_H

#include <stdint.h>

#define MAKE_TAG_CONSTANT(A, B, C, D) (((A) << 24) | ((B) << 16) | ((C) << 8) | (D))
#define HARDWARE_MODULE_TAG MAKE_TAG_CONSTANT('H', 'W', 'M', 'T')
#define HARDWARE_DEVICE_TAG MAKE_TAG_CONSTANT('H', 'W', 'D', 'T')

#define HARDWARE_MAKE_API_VERSION(maj, min) ((((maj) & 0xff) << 8) | ((min) & 0xff))
#define HARDWARE_MODULE_API_VERSION(maj, min) HARDWARE_MAKE_API_VERSION(maj, min)
#define HARDWARE_DEVICE_API_VERSION(maj, min) HARDWARE_MAKE_API_VERSION(maj, min)
#define HARDWARE_HAL_API_VERSION HARDWARE_MAKE_API_VERSION(1, 0)

/* The symbol every HAL library exports, and its name for dlsym. */
#define HAL_MODULE_INFO_SYM HMI
#define HAL_MODULE_INFO_SYM_AS_STR "HMI"

struct hw_module_t;
struct hw_device_t;

/* hw_module_methods_t: one entry point that opens a device of the module. */
typedef struct hw_module_methods_t {
	int (*open)(const struct hw_module_t *module, const char *id, struct hw_device_t **device);
} hw_module_methods_t;

/* hw_module_t: the first member of every HAL module structure. */
typedef struct hw_module_t {
	uint32_t tag;                /* HARDWARE_MODULE_TAG */
	uint16_t module_api_version; /* the module's own version */
	uint16_t hal_api_version;    /* HARDWARE_HAL_API_VERSION */
	const char *id;
	const char *name;
	const char *author;
	struct hw_module_methods_t *methods;
	void *dso; /* set by the loader */
#ifdef __LP64__
	uint64_t reserved[32 - 7];
#else
	uint32_t reserved[32 - 7];
#endif
} hw_module_t;

/* hw_device_t: the first member of every HAL device structure. */
typedef struct hw_device_t {
	uint32_t tag;     /* HARDWARE_DEVICE_TAG */
	uint32_t version; /* the device API version the device implements */
	struct hw_module_t *module;
#ifdef __LP64__
	uint64_t reserved[12];
#else
	uint32_t reserved[12];
#endif
	int (*close)(struct hw_device_t *device);
} hw_device_t;

#endif /* DPX_HAL_HARDWARE_H */

/*
 * check.h - the C tests' one assertion: CHECK(cond, printf-args) reports a
 * failure with its place and counts it in failures (each test program
 * defines it and exits non-zero when it is not 0).
 */
#ifndef DPX_CHECK_H
#define DPX_CHECK_H

#include <stdio.h>

extern int failures;

#define CHECK(cond, ...)                                           \
	do {                                                       \
		if (!(cond)) {                                     \
			printf("FAIL: " __VA_ARGS__);              \
			printf("  (%s:%d)\n", __FILE__, __LINE__); \
			failures++;                                \
		}                                                  \
	} while (0)

#endif

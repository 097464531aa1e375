package wire

import (
	"strconv"
	"testing"

	"droidplex/internal/testutil"
)

func TestMain(m *testing.M) { testutil.Main(m) }

// TestCHeaderMatchesGo compiles a program that prints the C header's sizes,
// offsets and constants and compares them with the Go definitions.
func TestCHeaderMatchesGo(t *testing.T) {
	testutil.RequireCmd(t, "gcc")
	src := `#include <stdio.h>
#include "droidplex_ring.h"
#define F(n) printf(#n " %zu\n", offsetof(struct dpx_ring_header, n))
int main(void) {
	printf("size %zu\n", sizeof(struct dpx_ring_header));
	F(magic); F(version); F(header_bytes); F(capacity_frames); F(frame_bytes); F(rate);
	F(channels); F(format); F(period_frames); F(flags); F(underruns); F(clock_seq); F(wake_frames);
	F(write_pos); F(read_pos); F(consumed); F(consumed_ns);
	printf("MAGIC %u\nVERSION %u\nHEADER %u\nMAXCAP %u\nS16 %u\nF32 %u\n",
		DPX_RING_MAGIC, DPX_RING_VERSION, DPX_RING_HEADER_SIZE, DPX_RING_MAX_CAPACITY, DPX_FORMAT_S16, DPX_FORMAT_F32);
	printf("RUNNING %u\nWAITING %u\nBROKEN %u\nCLOSED %u\n", DPX_FLAG_RUNNING, DPX_FLAG_WAITING, DPX_FLAG_BROKEN, DPX_FLAG_CLOSED);
	return 0;
}
`
	got := map[string]int{}
	for k, v := range runC(t, src) {
		n, err := strconv.Atoi(v)
		if err != nil {
			t.Fatalf("bad value %q for %s", v, k)
		}
		got[k] = n
	}
	want := map[string]int{
		"size": HeaderSize, "magic": OffMagic, "version": OffVersion, "header_bytes": OffHeaderSize,
		"capacity_frames": OffCapacity, "frame_bytes": OffFrameBytes, "rate": OffRate, "channels": OffChannels,
		"format": OffFormat, "period_frames": OffPeriod, "flags": OffFlags, "underruns": OffUnderruns,
		"clock_seq": OffClockSeq, "wake_frames": OffWakeFrames, "write_pos": OffWritePos, "read_pos": OffReadPos, "consumed": OffConsumed,
		"consumed_ns": OffConsumedNs, "MAGIC": RingMagic, "VERSION": RingVersion, "HEADER": HeaderSize,
		"MAXCAP": MaxCapacity, "S16": int(FormatS16), "F32": int(FormatF32),
		"RUNNING": FlagRunning, "WAITING": FlagWaiting, "BROKEN": FlagBroken, "CLOSED": FlagClosed,
	}
	if len(got) != len(want) {
		t.Errorf("C program printed %d values, want %d", len(got), len(want))
	}
	for k, w := range want {
		if g, ok := got[k]; !ok || g != w {
			t.Errorf("%s: C says %d (present %v), Go says %d", k, g, ok, w)
		}
	}
}

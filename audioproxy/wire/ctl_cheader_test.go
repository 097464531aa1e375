package wire

import (
	"encoding/hex"
	"fmt"
	"strconv"
	"testing"

	"droidplex/internal/testutil"
)

// TestCtlCHeaderMatchesGo compiles a program that fills the C control
// message structs of droidplex_audio_ctl.h and prints their bytes and the
// header's constants, and compares them with what the Go codec produces for
// the same values.
func TestCtlCHeaderMatchesGo(t *testing.T) {
	testutil.RequireCmd(t, "gcc")
	src := `#include <stdio.h>
#include <string.h>
#include "droidplex_ring.h"
#include "droidplex_audio_ctl.h"
static void hex(const char *name, const void *p, size_t n) {
	printf("%s ", name);
	for (size_t i = 0; i < n; i++) printf("%02x", ((const unsigned char *)p)[i]);
	printf("\n");
}
int main(void) {
	struct dpx_ctl_open o;
	memset(&o, 0, sizeof o);
	o.op = DPX_OP_OPEN; o.dir = DPX_DIR_INPUT; o.usage = DPX_USAGE_VOICE;
	o.rate = 48000; o.channels = 2; o.format = DPX_FORMAT_S16; o.period_hint = 960;
	hex("open", &o, sizeof o);
	struct dpx_ctl_opened r;
	memset(&r, 0, sizeof r);
	r.op = DPX_OP_OPENED; r.id = 7; r.rate = 44100; r.channels = 1; r.format = DPX_FORMAT_F32;
	r.capacity = 1920; r.period = 240; r.size = 8192;
	hex("opened", &r, sizeof r);
	struct dpx_ctl_error e;
	memset(&e, 0, sizeof e);
	e.op = DPX_OP_ERROR; e.code = DPX_ERR_LIMIT; e.len = 4; memcpy(e.text, "full", 4);
	hex("error", &e, 4 + e.len);
	struct dpx_ctl_route rt;
	memset(&rt, 0, sizeof rt);
	rt.op = DPX_OP_ROUTE; rt.devices = 0x4000002;
	hex("route", &rt, sizeof rt);
	printf("OUTPUT %u\nINPUT %u\nMEDIA %u\nVOICE %u\nRING %u\nALARM %u\nNOTIFICATION %u\n",
		DPX_DIR_OUTPUT, DPX_DIR_INPUT, DPX_USAGE_MEDIA, DPX_USAGE_VOICE, DPX_USAGE_RING,
		DPX_USAGE_ALARM, DPX_USAGE_NOTIFICATION);
	printf("EINVAL %u\nELIMIT %u\nEUNSUPPORTED %u\nEINTERNAL %u\n",
		DPX_ERR_INVALID, DPX_ERR_LIMIT, DPX_ERR_UNSUPPORTED, DPX_ERR_INTERNAL);
	printf("OPENSIZE %u\nOPENEDSIZE %u\nERRMAX %u\nMAXMSG %u\nROUTESIZE %u\n",
		DPX_CTL_OPEN_SIZE, DPX_CTL_OPENED_SIZE, DPX_CTL_ERROR_MAX_LEN, DPX_CTL_MAX_MSG_SIZE, DPX_CTL_ROUTE_SIZE);
	return 0;
}
`
	got := runC(t, src)
	open := AppendOpen(nil, Open{Dir: Input, Usage: UsageVoice,
		Params: Params{Rate: 48000, Channels: 2, Format: FormatS16}, PeriodHint: 960})
	opened := AppendOpened(nil, Opened{ID: 7, Size: 8192, Geometry: Geometry{Capacity: 1920, Period: 240,
		Params: Params{Rate: 44100, Channels: 1, Format: FormatF32}}})
	errPkt := AppendError(nil, fmt.Errorf("%w: full", ErrLimit))
	want := map[string]string{
		"open": hex.EncodeToString(open), "opened": hex.EncodeToString(opened), "error": hex.EncodeToString(errPkt),
		"route": hex.EncodeToString(AppendRoute(nil, Route{Devices: 0x4000002})),
	}
	for k, v := range map[string]int{
		"OUTPUT": int(Output), "INPUT": int(Input), "MEDIA": int(UsageMedia), "VOICE": int(UsageVoice),
		"RING": int(UsageRing), "ALARM": int(UsageAlarm), "NOTIFICATION": int(UsageNotification),
		"OPENSIZE": OpenSize, "OPENEDSIZE": OpenedSize, "ERRMAX": ErrorMaxLen, "MAXMSG": MaxMsgSize,
		"ROUTESIZE": RouteSize,
	} {
		want[k] = strconv.Itoa(v)
	}
	for i, e := range codeErrs[1:] {
		name := map[error]string{ErrInvalid: "EINVAL", ErrLimit: "ELIMIT", ErrUnsupported: "EUNSUPPORTED", ErrInternal: "EINTERNAL"}[e]
		want[name] = strconv.Itoa(i + 1)
	}
	if len(got) != len(want) {
		t.Errorf("C program printed %d values, want %d", len(got), len(want))
	}
	for k, w := range want {
		if g, ok := got[k]; !ok || g != w {
			t.Errorf("%s: C says %q (present %v), Go says %q", k, g, ok, w)
		}
	}
}

package rilproxy

import (
	"slices"
	"testing"

	"droidplex/container/wire"
	"droidplex/rilproxy/parcel"
	"droidplex/rilproxy/policy"
	"droidplex/rilproxy/rilproxytest"
)

// Regression tests for bugs found in review; each failed before its fix.

// With ring-all, the container that lost the race to answer stops seeing
// the call; its call-state follower (audioproxy's policy) must hear that
// the call ended for it, or it keeps a ringing call forever.
func TestRingAllLoserHearsCallEnded(t *testing.T) {
	cm := newCallModem()
	r := startRig(t, cfgWith(func(c *policy.Config) { c.Ring = policy.RingAll }), cm.Modem)
	p, w := r.dial("personal"), r.dial("work")
	cm.set(parcel.Call{Index: 1, State: parcel.CallIncoming, IsMT: true, Number: parcel.Str("+1999")})
	for range 2 {
		if e := nextEvent(t, r.m); e.State != wire.CallIncoming {
			t.Fatalf("event %+v", e)
		}
	}
	for _, c := range []*rilproxytest.Client{p, w} {
		if _, err := c.WaitUnsol(parcel.UnsolCallStateChanged); err != nil {
			t.Fatal(err)
		}
	}
	wantErr(t, do(t, w, parcel.ReqAnswer, nil), parcel.Success)
	cm.set(parcel.Call{Index: 1, State: parcel.CallActive, IsMT: true, Number: parcel.Str("+1999")})
	var evs []wire.CallState
	for {
		e := nextEvent(t, r.m)
		evs = append(evs, e)
		if e.Container == "work" && e.State == wire.CallActive {
			break
		}
	}
	want := wire.CallState{Container: "personal", Index: 1, State: wire.CallEnded, Direction: "mt", Number: "+1999"}
	if !slices.Contains(evs, want) {
		t.Fatalf("events after work answered: %+v; want one %+v", evs, want)
	}
}

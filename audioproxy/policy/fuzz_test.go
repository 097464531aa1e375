package policy

import (
	"testing"

	"droidplex/audioproxy/wire"
)

func FuzzRoutingParameter(f *testing.F) {
	for _, s := range []string{"routing=2", "a=b;routing=0x4", "routing=", ";;;", "routing=1;routing=2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, kv string) {
		r, ok := RoutingParameter(kv)
		if ok != r.Valid() {
			t.Fatalf("RoutingParameter(%q) = %q, %v", kv, r, ok)
		}
	})
}

// FuzzDecide builds an input from arbitrary bytes and checks the decision's
// invariants: one decision per stream, gains in [0, 1], the microphone only
// for capture streams of one known container, Capture exactly when some
// stream has the mic, and a valid route.
func FuzzDecide(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, uint8(0))
	f.Add([]byte{1, 1, 1, 0, 2, 0, 3, 1}, uint8(3))
	f.Fuzz(func(t *testing.T, b []byte, flags uint8) {
		names := []string{"a", "b", "c", "x"}
		states := []string{CallActive, CallDialing, CallAlerting, CallHolding, CallIncoming, CallWaiting, CallEnded, "bogus"}
		routes := []Route{RouteSpeaker, RouteEarpiece, RouteHeadset, RouteBluetooth, "", "loud"}
		next := func() int {
			if len(b) == 0 {
				return 0
			}
			v := int(b[0])
			b = b[1:]
			return v
		}
		x := Input{Containers: names[:3], Foreground: names[next()%4],
			Headset: flags&1 != 0, Bluetooth: flags&2 != 0, Requested: map[string]Route{}}
		for range next() % 4 {
			x.Calls = append(x.Calls, Call{Container: names[next()%4], State: states[next()%len(states)]})
		}
		for range next() % 3 {
			x.Requested[names[next()%4]] = routes[next()%len(routes)]
		}
		for i := range next() % 8 {
			dir := wire.Output
			if next()%2 == 1 {
				dir = wire.Input
			}
			x.Streams = append(x.Streams, Stream{ID: uint32(i), Container: names[next()%4], Dir: dir, Usage: wire.Usage(next() % 7)})
		}
		d := Decide(x)
		if len(d.Streams) != len(x.Streams) || !d.Route.Valid() {
			t.Fatalf("bad decision %+v for %+v", d, x)
		}
		mics, owner := 0, ""
		for i, s := range d.Streams {
			if s.ID != x.Streams[i].ID || s.Gain < 0 || s.Gain > 1 {
				t.Fatalf("stream %d: %+v", i, s)
			}
			if s.Mic {
				mics++
				if x.Streams[i].Dir != wire.Input || owner != "" && owner != x.Streams[i].Container {
					t.Fatalf("mic for %+v (owner %q)", x.Streams[i], owner)
				}
				owner = x.Streams[i].Container
			}
		}
		if d.Capture != (mics > 0) {
			t.Fatalf("capture %v with %d mics", d.Capture, mics)
		}
		if x.Headset && d.Route != RouteHeadset {
			t.Fatalf("headset present, route %s", d.Route)
		}
	})
}

package wire

import (
	"bytes"
	"errors"
	"fmt"
	"testing"
)

func TestRouteRoundTrip(t *testing.T) {
	for _, d := range []uint32{0, 1, 2, 0x4000000, 0xffffffff} {
		p := AppendRoute(nil, Route{Devices: d})
		if len(p) != RouteSize {
			t.Fatalf("%d bytes", len(p))
		}
		m, err := DecodeRoute(p)
		if err != nil || m.Devices != d {
			t.Fatalf("round trip of %#x: %+v %v", d, m, err)
		}
	}
	for _, bad := range [][]byte{nil, {OpRoute}, {OpOpen, 0, 0, 0, 1, 0, 0, 0}, append(AppendRoute(nil, Route{}), 0)} {
		if _, err := DecodeRoute(bad); !errors.Is(err, ErrMalformed) {
			t.Errorf("DecodeRoute(%v) = %v", bad, err)
		}
	}
}

func FuzzDecodeRoute(f *testing.F) {
	f.Add(AppendRoute(nil, Route{Devices: 2}))
	f.Add([]byte{OpRoute, 1, 2})
	f.Fuzz(func(t *testing.T, p []byte) {
		m, err := DecodeRoute(p)
		if err != nil {
			return
		}
		if q := AppendRoute(nil, m); !bytes.Equal(q[4:], p[4:]) {
			t.Fatalf("re-encoding %v gave %v", p, q)
		}
	})
}

func ExampleAppendRoute() {
	p := AppendRoute(nil, Route{Devices: 0x2}) // AUDIO_DEVICE_OUT_SPEAKER
	m, _ := DecodeRoute(p)
	fmt.Printf("% x -> %#x\n", p, m.Devices)
	// Output: 04 00 00 00 02 00 00 00 -> 0x2
}

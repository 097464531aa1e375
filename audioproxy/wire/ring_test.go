package wire

import (
	"errors"
	"testing"
)

func testGeo() Geometry {
	return Geometry{Capacity: 8, Params: Params{Rate: 48000, Channels: 2, Format: FormatS16}, Period: 4}
}

func TestRingInitAttach(t *testing.T) {
	g := testGeo()
	mem := make([]byte, g.Size())
	r, err := Init(mem, g)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Attach(mem, g); err != nil {
		t.Fatalf("attach: %v", err)
	}
	r.SetWritePos(5)
	r.SetReadPos(3)
	if r.WritePos() != 5 || r.ReadPos() != 3 {
		t.Fatal("positions not stored")
	}
	r.SetConsumed(3, 12345)
	if f, ns, ok := r.Consumed(); !ok || f != 3 || ns != 12345 {
		t.Fatalf("consumed = %d %d %v", f, ns, ok)
	}
	r.SetFlags(FlagRunning | FlagWaiting)
	if old := r.ClearFlags(FlagWaiting); old != FlagRunning|FlagWaiting || r.Flags() != FlagRunning {
		t.Fatalf("flags %b", r.Flags())
	}

	bad := []struct {
		name string
		mut  func(m []byte)
	}{
		{"magic", func(m []byte) { m[0] = 0 }},
		{"version", func(m []byte) { m[OffVersion] = 9 }},
		{"capacity", func(m []byte) { m[OffCapacity] = 16 }},
	}
	for _, tc := range bad {
		m := append([]byte(nil), mem...)
		tc.mut(m)
		if _, err := Attach(m, g); !errors.Is(err, ErrBadRing) {
			t.Errorf("%s: err = %v", tc.name, err)
		}
	}
	if _, err := Attach(mem[:g.Size()-1], g); !errors.Is(err, ErrBadRing) {
		t.Errorf("short mapping: %v", err)
	}
}

func TestGeometryValidate(t *testing.T) {
	for _, tc := range []struct {
		g  Geometry
		ok bool
	}{
		{testGeo(), true},
		{Geometry{Capacity: 6, Params: testGeo().Params, Period: 4}, true},
		{Geometry{Capacity: 0, Params: testGeo().Params, Period: 0}, false},
		{Geometry{Capacity: MaxCapacity * 2, Params: testGeo().Params, Period: 4}, false},
		{Geometry{Capacity: 8, Params: testGeo().Params, Period: 9}, false},
		{Geometry{Capacity: 8, Params: Params{Rate: 48000, Channels: 0, Format: FormatS16}, Period: 4}, false},
	} {
		if err := tc.g.Validate(); (err == nil) != tc.ok {
			t.Errorf("%+v: %v", tc.g, err)
		}
	}
}

func TestSpanWrapsAndClamps(t *testing.T) {
	g := testGeo() // 8 frames of 4 bytes
	r, err := Init(make([]byte, g.Size()), g)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		pos    uint64
		n      uint32
		la, lb int
	}{
		{0, 8, 32, 0},
		{6, 4, 8, 8},
		{7, 1, 4, 0},
		{1 << 62, 3, 12, 0},
		{^uint64(0), 1 << 31, 4, 28}, // lying count: clamped to capacity
	} {
		a, b := r.Span(tc.pos, tc.n)
		if len(a) != tc.la || len(b) != tc.lb {
			t.Errorf("Span(%d,%d) = %d+%d bytes, want %d+%d", tc.pos, tc.n, len(a), len(b), tc.la, tc.lb)
		}
	}
}

package wire

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestOpenRoundTrip(t *testing.T) {
	m := Open{Dir: Output, Usage: UsageMedia, Params: Params{Rate: 48000, Channels: 2, Format: FormatS16}, PeriodHint: 960}
	p := AppendOpen(nil, m)
	if len(p) != OpenSize {
		t.Fatalf("len %d", len(p))
	}
	got, err := DecodeOpen(p)
	if err != nil || got != m {
		t.Fatalf("got %+v, %v", got, err)
	}
	if err := got.Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestOpenValidate(t *testing.T) {
	good := Open{Dir: Output, Usage: UsageVoice, Params: Params{Rate: 48000, Channels: 2, Format: FormatF32}}
	for _, tc := range []struct {
		name string
		mut  func(*Open)
	}{
		{"direction", func(o *Open) { o.Dir = 7 }},
		{"usage", func(o *Open) { o.Usage = 0 }},
		{"rate", func(o *Open) { o.Params.Rate = 1 }},
		{"channels", func(o *Open) { o.Params.Channels = 99 }},
		{"format", func(o *Open) { o.Params.Format = 9 }},
		{"period", func(o *Open) { o.PeriodHint = 1 << 30 }},
	} {
		o := good
		tc.mut(&o)
		if err := o.Validate(); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
}

func TestReplies(t *testing.T) {
	g := Geometry{Capacity: 1024, Params: Params{Rate: 48000, Channels: 2, Format: FormatS16}, Period: 240}
	m := Opened{ID: 7, Geometry: g, Size: uint32(g.Size())}
	got, err := DecodeReply(AppendOpened(nil, m))
	if err != nil || got != m {
		t.Fatalf("opened: %+v %v", got, err)
	}
	for _, e := range []error{ErrLimit, ErrInvalid, ErrUnsupported, fmt.Errorf("x: %w", ErrLimit), errors.New("other")} {
		_, err := DecodeReply(AppendError(nil, e))
		want := e
		if errors.Unwrap(e) != nil {
			want = errors.Unwrap(e)
		} else if e.Error() == "other" {
			want = ErrInternal
		}
		if !errors.Is(err, want) || !strings.HasSuffix(err.Error(), strings.TrimPrefix(e.Error(), "x: ")) {
			t.Errorf("%v → %v", e, err)
		}
	}
	long := AppendError(nil, errors.New(strings.Repeat("x", 500)))
	if len(long) > MaxMsgSize {
		t.Errorf("error packet %d bytes", len(long))
	}
	for _, p := range [][]byte{nil, {OpError}, {OpError, 9, 0, 0}, {OpError, 1, 50, 0, 'a'}, {OpOpened}, make([]byte, OpenedSize)} {
		if _, err := DecodeReply(p); err == nil {
			t.Errorf("%v decoded", p)
		}
	}
	bad := AppendOpened(nil, Opened{ID: 1, Geometry: g, Size: 10})
	if _, err := DecodeReply(bad); !errors.Is(err, ErrMalformed) {
		t.Errorf("short size: %v", err)
	}
}

func FuzzDecode(f *testing.F) {
	g := Geometry{Capacity: 1024, Params: Params{Rate: 48000, Channels: 2, Format: FormatS16}, Period: 240}
	f.Add(AppendOpen(nil, Open{Dir: Output, Usage: UsageMedia, Params: g.Params}))
	f.Add(AppendOpened(nil, Opened{ID: 1, Geometry: g, Size: uint32(g.Size())}))
	f.Add(AppendError(nil, ErrLimit))
	f.Fuzz(func(t *testing.T, p []byte) {
		if m, err := DecodeOpen(p); err == nil {
			_ = m.Validate()
			if q := AppendOpen(nil, m); len(q) != OpenSize {
				t.Fatal("re-encode size")
			}
		}
		if m, err := DecodeReply(p); err == nil {
			mem := make([]byte, m.Geometry.Size())
			r, err := Init(mem, m.Geometry)
			if err != nil {
				t.Fatalf("validated geometry refused: %v", err)
			}
			r.Span(uint64(len(p))*7919, uint32(len(p))<<20)
		}
	})
}

// FuzzRingSpan checks that no position or count reaches outside the data.
func FuzzRingSpan(f *testing.F) {
	f.Add(uint64(0), uint32(0), uint8(3))
	f.Add(^uint64(0), ^uint32(0), uint8(16))
	f.Fuzz(func(t *testing.T, pos uint64, n uint32, capLog uint8) {
		g := Geometry{Capacity: uint32(capLog)%200 + 1, Params: Params{Rate: 48000, Channels: 1, Format: FormatS16}, Period: 1}
		r, err := Init(make([]byte, g.Size()), g)
		if err != nil {
			t.Fatal(err)
		}
		a, b := r.Span(pos, n)
		if len(a)+len(b) > int(g.Capacity)*2 {
			t.Fatalf("span %d+%d beyond capacity", len(a), len(b))
		}
	})
}

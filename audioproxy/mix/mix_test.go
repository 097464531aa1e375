package mix

import (
	"math"
	"slices"
	"testing"

	"droidplex/internal/testutil"
)

func TestMain(m *testing.M) { testutil.Main(m) }

func TestAddS16(t *testing.T) {
	for _, tc := range []struct {
		name string
		src  []int16
		gain float32
		want []float32
	}{
		{"unity", []int16{16384, -16384}, 1, []float32{0.5, -0.5}},
		{"half", []int16{16384, -32768}, 0.5, []float32{0.25, -0.5}},
		{"muted", []int16{16384, 100}, 0, []float32{0, 0}},
	} {
		acc := make([]float32, 2)
		g := NewRamp(tc.gain)
		AddS16(acc, tc.src, 2, &g)
		for i := range acc {
			if math.Abs(float64(acc[i]-tc.want[i])) > 1e-6 {
				t.Errorf("%s: acc = %v, want %v", tc.name, acc, tc.want)
				break
			}
		}
	}
}

func TestRampIsLinearAndEnds(t *testing.T) {
	g := NewRamp(0)
	g.Set(1, 4)
	acc := make([]float32, 6) // 6 mono frames
	src := []int16{32767, 32767, 32767, 32767, 32767, 32767}
	AddS16(acc, src, 1, &g)
	want := []float32{0.25, 0.5, 0.75, 1, 1, 1}
	for i := range want {
		if math.Abs(float64(acc[i]-want[i]*32767/32768)) > 1e-4 {
			t.Fatalf("ramp = %v, want ≈ %v", acc, want)
		}
	}
	if g.Gain() != 1 || g.Silent() {
		t.Fatalf("gain %v", g.Gain())
	}
	g.Set(0, 2)
	g.Skip(5)
	if !g.Silent() {
		t.Fatalf("not silent after skip: %v", g.Gain())
	}
	g.Set(0.5, 0)
	if g.Gain() != 0.5 {
		t.Fatalf("jump: %v", g.Gain())
	}
}

func TestClip(t *testing.T) {
	acc := []float32{0, 0.5, -0.5, 2, -2, float32(math.NaN()), 32767.0 / 32768}
	s := make([]int16, len(acc))
	ClipS16(s, acc)
	wantS := []int16{0, 16384, -16384, 32767, -32768, 0, 32767}
	for i := range s {
		if s[i] != wantS[i] {
			t.Fatalf("s16 = %v, want %v", s, wantS)
		}
	}
	f := make([]float32, len(acc))
	ClipF32(f, acc)
	wantF := []float32{0, 0.5, -0.5, 1, -1, 0, 32767.0 / 32768}
	for i := range f {
		if f[i] != wantF[i] {
			t.Fatalf("f32 = %v, want %v", f, wantF)
		}
	}
}

func TestAddF32AndViews(t *testing.T) {
	b := make([]byte, 8)
	v := F32(b)
	v[0], v[1] = 0.25, -1
	acc := []float32{0.5, 0.5}
	g := NewRamp(2)
	AddF32(acc, F32(b), 2, &g)
	if acc[0] != 1 || acc[1] != -1.5 {
		t.Fatalf("acc = %v", acc)
	}
	if len(S16(b[:5])) != 2 || S16(b[:1]) != nil || F32(b[:3]) != nil {
		t.Fatal("views")
	}
	// Beyond full scale, infinite or NaN: held to [-1, 1], NaN silent, so
	// the gain still applies.
	src := []float32{1.5, float32(math.Inf(-1)), float32(math.NaN()), math.MaxFloat32}
	acc = make([]float32, 4)
	g = NewRamp(0.5)
	AddF32(acc, src, 2, &g)
	if want := []float32{0.5, -0.5, 0, 0.5}; !slices.Equal(acc, want) {
		t.Fatalf("acc = %v, want %v", acc, want)
	}
}

// FuzzMix feeds arbitrary bytes as s16 and f32 streams: nothing may panic and
// clipped output stays in range.
func FuzzMix(f *testing.F) {
	f.Add([]byte{0xff, 0x7f, 0, 0x80}, uint8(2), float32(1), uint16(3))
	f.Fuzz(func(t *testing.T, b []byte, ch uint8, gain float32, ramp uint16) {
		c := int(ch%8) + 1
		acc := make([]float32, 64)
		g := NewRamp(0)
		g.Set(gain, int(ramp))
		AddS16(acc, S16(b), c, &g)
		AddF32(acc, F32(b), c, &g)
		out := make([]float32, len(acc))
		ClipF32(out, acc)
		for _, v := range out {
			if v > 1 || v < -1 || v != v {
				t.Fatalf("out of range %v", v)
			}
		}
		ClipS16(make([]int16, len(acc)), acc)
	})
}

package audioproxy

import (
	"math"
	"testing"

	"droidplex/audioproxy/audioproxytest"
	"droidplex/audioproxy/mix"
	"droidplex/audioproxy/wire"
)

// TestNonFiniteF32StreamCannotSilenceOthers: on a float device, a stream
// that plays NaN, infinities or huge values is held to full scale like an
// s16 one, so its container's volume still tames it and another
// container's audio is still heard (a NaN used to zero the whole mix, an
// infinity to pin it at full scale, whatever the hostile container's
// volume).
func TestNonFiniteF32StreamCannotSilenceOthers(t *testing.T) {
	dev := Device{Params: wire.Params{Rate: 48000, Channels: 2, Format: wire.FormatF32}, Period: 240}
	g := wire.Geometry{Capacity: 960, Params: dev.Params, Period: dev.Period}
	for _, bad := range []float32{float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1)), math.MaxFloat32} {
		e, err := NewEngine(dev, 4)
		if err != nil {
			t.Fatal(err)
		}
		a, b := e.Container("personal"), e.Container("work")
		b.SetVolume(0.01) // the operator turned the offender down
		ra, rb := audioproxytest.NewRing(t, g), audioproxytest.NewRing(t, g)
		var wa, wb audioproxytest.Waker
		if _, err := e.Attach(a, ra, wire.Output, wire.UsageMedia, &wa); err != nil {
			t.Fatal(err)
		}
		if _, err := e.Attach(b, rb, wire.Output, wire.UsageMedia, &wb); err != nil {
			t.Fatal(err)
		}
		ta := &audioproxytest.Tone{Freq: 440, Amp: 0.4}
		fill := func() {
			ta.Fill(ra)
			w := rb.WritePos()
			free := uint64(g.Capacity) - (w - rb.ReadPos())
			x, y := rb.Span(w, uint32(free))
			for _, p := range [][]float32{mix.F32(x), mix.F32(y)} {
				for i := range p {
					p[i] = bad
				}
			}
			rb.SetWritePos(w + free)
		}
		buf := make([]byte, int(dev.Period)*dev.FrameBytes())
		var out []float32
		for range 100 {
			fill()
			e.Process(buf, int(dev.Period))
			out = append(out, mix.F32(buf)...)
		}
		steady := make([]int16, len(out)/2)
		for i := range steady {
			steady[i] = int16(out[len(out)/2+i] * 32767)
		}
		if l := audioproxytest.ToneLevel(steady, 2, 48000, 440); math.Abs(l-0.4) > 0.02 {
			t.Errorf("with a stream of %v at volume 0.01: the other container's 440 Hz at %.3f, want 0.4", bad, l)
		}
	}
}

package audioproxy

import (
	"fmt"
	"math"
	"os/exec"
	"strconv"
	"strings"

	"droidplex/audioproxy/mix"
	"droidplex/audioproxy/sink"
	"droidplex/audioproxy/wire"
)

// toneSource is a capture device that hears a steady sine tone, paced by
// the same clock as the null sink: the stand-in microphone of kernel-less
// tests and demos ("tone:440").
type toneSource struct {
	clock sink.Sink
	cfg   sink.Config
	step  float64
	phase float64
}

// NewToneSource returns a capture device in format c that delivers a sine
// of freq Hz at half scale on every channel, one period at a time.
func NewToneSource(c sink.Config, freq float64) (Source, error) {
	if !(freq > 0 && freq < float64(c.Rate)/2) { // NaN too
		return nil, fmt.Errorf("tone source: %v Hz outside 0..%d", freq, c.Rate/2)
	}
	clock, err := sink.NewNull(c)
	if err != nil {
		return nil, fmt.Errorf("tone source: %w", err)
	}
	return &toneSource{clock: clock, cfg: c, step: 2 * math.Pi * freq / float64(c.Rate)}, nil
}

func (t *toneSource) Start(deliver func(in []byte, frames int)) error {
	return t.clock.Start(func(buf []byte, frames int) {
		t.fill(buf, frames)
		deliver(buf, frames)
	})
}

func (t *toneSource) fill(buf []byte, frames int) {
	ch := int(t.cfg.Channels)
	switch t.cfg.Format {
	case wire.FormatS16:
		s := mix.S16(buf)
		for i := range min(frames, len(s)/ch) {
			v := int16(16383 * math.Sin(t.phase))
			for c := range ch {
				s[i*ch+c] = v
			}
			t.phase = math.Mod(t.phase+t.step, 2*math.Pi)
		}
	case wire.FormatF32:
		s := mix.F32(buf)
		for i := range min(frames, len(s)/ch) {
			v := float32(0.5 * math.Sin(t.phase))
			for c := range ch {
				s[i*ch+c] = v
			}
			t.phase = math.Mod(t.phase+t.step, 2*math.Pi)
		}
	}
}

func (t *toneSource) Stop() error  { return t.clock.Stop() }
func (t *toneSource) Close() error { return t.clock.Close() }

// sourceOpener returns the opener for a capture device name: "none" (no
// microphone: nil), "tone:FREQ", "pulse" or "pulse:SOURCE" (PulseAudio
// through parec), or any other name through open (the daemon's real
// devices; nil if it has none).
func sourceOpener(name string, open func(string, sink.Config) (Source, error)) (SourceOpener, error) {
	switch {
	case name == "" || name == "none":
		return nil, nil
	case strings.HasPrefix(name, "tone:"):
		f, err := strconv.ParseFloat(strings.TrimPrefix(name, "tone:"), 64)
		if err != nil || !(f > 0) || math.IsInf(f, 0) { // NaN too
			return nil, fmt.Errorf("capture device %q: want tone:FREQUENCY", name)
		}
		return func(c sink.Config) (Source, error) { return NewToneSource(c, f) }, nil
	case name == "pulse" || strings.HasPrefix(name, "pulse:"):
		dev := strings.TrimPrefix(strings.TrimPrefix(name, "pulse"), ":")
		if _, err := exec.LookPath("parec"); err != nil {
			return nil, fmt.Errorf("capture device %q: %w (install pulseaudio-utils)", name, err)
		}
		return func(c sink.Config) (Source, error) { return NewPulseSource(c, dev) }, nil
	case open != nil:
		return func(c sink.Config) (Source, error) { return open(name, c) }, nil
	}
	return nil, fmt.Errorf("capture device %q: unknown (want none, tone:FREQUENCY, pulse or pulse:SOURCE)", name)
}

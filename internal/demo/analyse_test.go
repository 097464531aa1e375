package demo

import (
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"testing"

	"droidplex/audioproxy/sink"
	"droidplex/audioproxy/wire"
)

// writeTones writes a stereo s16 WAV at 48 kHz: 440 Hz from 0 to 3 s,
// 660 Hz from 1 s to 2.5 s, a 10 ms gap of silence at 1.5 s.
func writeTones(t *testing.T, amp float64) string { return writeMix(t, amp, amp) }

// writeMix is writeTones with 660 Hz at amp660 (0: missing).
func writeMix(t *testing.T, amp, amp660 float64) string {
	const rate = 48000
	p := wire.Params{Rate: rate, Channels: 2, Format: wire.FormatS16}
	frames := 3 * rate
	data := make([]byte, 0, frames*4)
	for i := range frames {
		x := amp * math.Sin(2*math.Pi*440*float64(i)/rate)
		if i >= rate && i < rate*5/2 {
			x += amp660 * math.Sin(2*math.Pi*660*float64(i)/rate)
		}
		if i >= rate*3/2 && i < rate*3/2+480 {
			x = 0
		}
		v := uint16(int16(x * 32767))
		data = binary.LittleEndian.AppendUint16(data, v)
		data = binary.LittleEndian.AppendUint16(data, v)
	}
	path := filepath.Join(t.TempDir(), "mix.wav")
	b := sink.AppendWAVHeader(nil, p, uint32(len(data)))
	if err := os.WriteFile(path, append(b, data...), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestMeasureFindsBothTonesTogether(t *testing.T) {
	m, err := measure(writeTones(t, 0.25), DefaultTones, 0.125)
	if err != nil {
		t.Fatal(err)
	}
	// 1.0–2.5 s both play; the window holding the 10 ms gap still measures
	// both (Goertzel over 100 ms), so the stretch is about 1.5 s.
	if m.together < 1.3 || m.together > 1.6 {
		t.Errorf("together %.1f s, want about 1.5", m.together)
	}
	for name, l := range m.levels {
		if math.Abs(l-0.25) > 0.02 {
			t.Errorf("%s level %.3f, want 0.25", name, l)
		}
	}
	if m.ducked["personal"] != 0 || m.ducked["work"] != 0 {
		t.Errorf("ducked %v in a mix with no ducking", m.ducked)
	}
	if m.dropouts != 1 || math.Abs(m.secs-3) > 0.01 {
		t.Errorf("dropouts %d, secs %.2f", m.dropouts, m.secs)
	}
}

func TestMeasureOneToneOnly(t *testing.T) {
	m, err := measure(writeTones(t, 0.25), map[string]float64{"a": 440, "c": 880}, 0.125)
	if err != nil {
		t.Fatal(err)
	}
	if m.together != 0 {
		t.Fatalf("together %.1f s with a tone that never plays", m.together)
	}
}

// A tone that drops to a fifth while the other plays on counts as ducked.
func TestMeasureSeesDucking(t *testing.T) {
	const rate = 48000
	p := wire.Params{Rate: rate, Channels: 1, Format: wire.FormatS16}
	var data []byte
	for i := range 2 * rate {
		a := 0.25
		if i >= rate { // second half: 440 ducked to 0.05
			a = 0.05
		}
		x := a*math.Sin(2*math.Pi*440*float64(i)/rate) + 0.25*math.Sin(2*math.Pi*660*float64(i)/rate)
		data = binary.LittleEndian.AppendUint16(data, uint16(int16(x*32767)))
	}
	path := filepath.Join(t.TempDir(), "d.wav")
	os.WriteFile(path, append(sink.AppendWAVHeader(nil, p, uint32(len(data))), data...), 0o644)
	m, err := measure(path, DefaultTones, 0.125)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(m.ducked["personal"]-1) > 0.15 || m.ducked["work"] != 0 || math.Abs(m.together-1) > 0.15 {
		t.Fatalf("ducked %v, together %.1f", m.ducked, m.together)
	}
}

// The "both tones are in the mix" step passes on a mix of both tones and
// fails when one is missing or too weak, whatever the other does.
func TestBothHeardNeedsBothTones(t *testing.T) {
	for _, tc := range []struct {
		name   string
		amp660 float64
		ok     bool
	}{
		{"both", 0.25, true},
		{"work's tone missing", 0, false},
		{"work's tone weak", 0.05, false},
	} {
		m, err := measure(writeMix(t, 0.25, tc.amp660), DefaultTones, toneAmp/2)
		if err != nil {
			t.Fatal(err)
		}
		err = m.bothHeard(DefaultTones, toneAmp/2)
		if (err == nil) != tc.ok {
			t.Errorf("%s: bothHeard = %v", tc.name, err)
		}
	}
	// Levels alone (a measurement with no window of both) do not pass.
	if err := (measurement{together: 2}).bothHeard(DefaultTones, toneAmp/2); err == nil {
		t.Error("a measurement without levels passed")
	}
}

package demo

import (
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"droidplex/audioproxy/audioproxytest"
	"droidplex/audioproxy/sink"
)

// toneAmp is the amplitude each stand-in plays (--amp of play-tone).
const toneAmp = 0.25

// analyse measures both tones in the recorded mix and draws its
// spectrogram.
func (s *story) analyse() {
	s.n.step("both tones are in the mix", func() (string, error) {
		levels, secs, err := toneLevels(s.mixWAV, s.cfg.Tones)
		if err != nil {
			return "", err
		}
		detail := fmt.Sprintf("%.1f s recorded from the %s: personal %g Hz at %.3f, work %g Hz at %.3f (each played at %.2f)",
			secs, s.device, s.cfg.Tones["personal"], levels["personal"], s.cfg.Tones["work"], levels["work"], toneAmp)
		for name, l := range levels {
			if l < toneAmp/2 {
				return detail, fmt.Errorf("%s's tone is missing or weak", name)
			}
		}
		return detail, nil
	})
	png := filepath.Join(s.cfg.OutDir, "mix.png")
	if _, err := exec.LookPath("sox"); err == nil {
		out, err := exec.Command("sox", s.mixWAV, "-n", "remix", "1", "spectrogram", "-o", png,
			"-t", "droidplex demo: personal 440 Hz + work 660 Hz").CombinedOutput()
		if err != nil {
			s.n.say("spectrogram not drawn: %v %s", err, out)
		} else {
			s.n.say("mix: %s, spectrogram: %s", s.mixWAV, png)
		}
	}
}

// toneLevels reads a 16-bit WAV file and measures each tone's amplitude in
// the middle half of the part that is not silent.
func toneLevels(path string, tones map[string]float64) (map[string]float64, float64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	p, data, err := sink.ReadWAV(f)
	if err != nil {
		return nil, 0, fmt.Errorf("read %s: %w", path, err)
	}
	ch := int(p.Channels)
	samples := make([]int16, len(data)/2)
	for i := range samples {
		samples[i] = int16(binary.LittleEndian.Uint16(data[2*i:]))
	}
	first, last := -1, -1
	for i, v := range samples {
		if v > 64 || v < -64 {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if first < 0 {
		return nil, 0, fmt.Errorf("%s is silent", path)
	}
	first -= first % ch
	active := samples[first : last+1-(last+1-first)%ch]
	q := len(active) / ch / 4 * ch
	mid := active[q : len(active)-q]
	out := map[string]float64{}
	for name, hz := range tones {
		out[name] = audioproxytest.ToneLevel(mid, ch, int(p.Rate), hz)
	}
	return out, float64(len(active)/ch) / float64(p.Rate), nil
}

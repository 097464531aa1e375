package demo

import (
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"time"

	"droidplex/audioproxy/audioproxytest"
	"droidplex/audioproxy/sink"
)

// toneAmp is the amplitude each stand-in plays (--amp of play-tone).
const toneAmp = 0.25

// analyse measures both tones in the recorded mix and draws its
// spectrogram.
func (s *story) analyse() {
	s.n.step("both tones are in the mix", func() (string, error) {
		// The middle of the two seconds both played with no call, counted
		// from the first sound (an idle null sink's monitor records nothing,
		// so the recording starts about when the first tone does).
		from := s.together[0].Sub(s.firstStream) + 500*time.Millisecond
		to := s.together[1].Sub(s.firstStream) - 500*time.Millisecond
		m, err := measure(s.mixWAV, s.cfg.Tones, from, to)
		if err != nil {
			return "", err
		}
		levels := m.levels
		detail := fmt.Sprintf("%.1f s of sound recorded from the %s; in %.1f–%.1f s: personal %g Hz at %.3f, work %g Hz at %.3f "+
			"(each played at %.2f; median of 100 ms windows); %d underruns in audioproxyd, %d dropouts ≥ 1 ms in the mix",
			m.secs, s.device, from.Seconds(), to.Seconds(), s.cfg.Tones["personal"], levels["personal"],
			s.cfg.Tones["work"], levels["work"], toneAmp, s.underruns, m.dropouts)
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

// measurement is what the demo learns from the mix.
type measurement struct {
	levels   map[string]float64 // each tone's amplitude
	secs     float64            // seconds from the first sound to the end
	dropouts int                // runs of ≥ 1 ms of exact silence after the first sound
}

// measure reads a 16-bit WAV file and measures each tone's amplitude
// between from and to, counted from the first sound: the median over
// 100 ms windows, so one click or gap cannot decide it.
func measure(path string, tones map[string]float64, from, to time.Duration) (measurement, error) {
	var m measurement
	f, err := os.Open(path)
	if err != nil {
		return m, err
	}
	defer f.Close()
	p, data, err := sink.ReadWAV(f)
	if err != nil {
		return m, fmt.Errorf("read %s: %w", path, err)
	}
	ch, rate := int(p.Channels), int(p.Rate)
	samples := make([]int16, len(data)/2)
	for i := range samples {
		samples[i] = int16(binary.LittleEndian.Uint16(data[2*i:]))
	}
	first := slices.IndexFunc(samples, func(v int16) bool { return v > 64 || v < -64 })
	if first < 0 {
		return m, fmt.Errorf("%s is silent", path)
	}
	samples = samples[first-first%ch:]
	frames := len(samples) / ch
	m.secs = float64(frames) / float64(rate)
	run := 0
	for i := 0; i < frames; i++ {
		if samples[i*ch] == 0 {
			run++
			continue
		}
		if run >= rate/1000 {
			m.dropouts++
		}
		run = 0
	}
	lo, hi := max(int(from.Seconds()*float64(rate)), 0), min(int(to.Seconds()*float64(rate)), frames)
	win := rate / 10
	if hi-lo < win {
		return m, fmt.Errorf("%s: %.1f s of sound recorded; the window %v–%v is not in it", path, m.secs, from, to)
	}
	m.levels = map[string]float64{}
	for name, hz := range tones {
		var ls []float64
		for at := lo; at+win <= hi; at += win {
			ls = append(ls, audioproxytest.ToneLevel(samples[at*ch:(at+win)*ch], ch, rate, hz))
		}
		slices.Sort(ls)
		m.levels[name] = ls[len(ls)/2]
	}
	return m, nil
}

package demo

import (
	"context"
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"

	"droidplex/audioproxy/audioproxytest"
	"droidplex/audioproxy/sink"
)

// toneAmp is the amplitude each stand-in plays (--amp of play-tone).
const toneAmp = 0.25

// analyse measures both tones in the recorded mix and draws its
// spectrogram.
func (s *story) analyse(ctx context.Context) {
	ran := s.n.step(ctx, "both tones are in the mix", func() (string, error) {
		m, err := measure(s.mixWAV, s.cfg.Tones, toneAmp/2)
		if err != nil {
			return "", err
		}
		detail := fmt.Sprintf("%.1f s of sound recorded from the %s; both tones together for %.1f s: personal %g Hz at %.3f, "+
			"work %g Hz at %.3f (each played at %.2f; medians of 100 ms windows); %d underruns in audioproxyd, "+
			"%d dropouts ≥ 1 ms in the mix", m.secs, s.device, m.together, s.cfg.Tones["personal"], m.levels["personal"],
			s.cfg.Tones["work"], m.levels["work"], toneAmp, s.underruns, m.dropouts)
		detail += fmt.Sprintf("; during calls (policy ducking) personal was ducked for %.1f s and work for %.1f s",
			m.ducked["personal"], m.ducked["work"])
		return detail, m.bothHeard(s.cfg.Tones, toneAmp/2)
	})
	if _, err := os.Stat(s.mixWAV); err != nil || s.n.skip != "" {
		return
	}
	png := filepath.Join(s.cfg.OutDir, "mix.png")
	if _, err := exec.LookPath("sox"); err == nil {
		out, err := exec.CommandContext(ctx, "sox", s.mixWAV, "-n", "remix", "1", "spectrogram", "-o", png,
			"-t", "droidplex demo: personal 440 Hz + work 660 Hz").CombinedOutput()
		if err != nil {
			s.n.say("spectrogram not drawn: %v %s", err, out)
		} else if ran {
			s.n.say("mix: %s, spectrogram: %s", s.mixWAV, png)
		}
	}
}

// bothHeard is the verdict of the "both tones" step: every tone was heard
// at least floor loud, all at the same time, for a second or more.
func (m measurement) bothHeard(tones map[string]float64, floor float64) error {
	if m.together < 1 {
		return fmt.Errorf("the tones were heard together for %.1f s, less than a second", m.together)
	}
	for name := range tones {
		if l, ok := m.levels[name]; !ok || l < floor {
			return fmt.Errorf("%s's tone is missing or weak", name)
		}
	}
	return nil
}

// measurement is what the demo learns from the mix.
type measurement struct {
	levels   map[string]float64 // each tone's amplitude while all were heard together
	together float64            // seconds in which all tones were heard together
	ducked   map[string]float64 // seconds a tone was still audible but ducked while the others played on
	secs     float64            // seconds from the first sound to the end
	dropouts int                // runs of ≥ 1 ms of exact silence after the first sound
}

// measure reads a 16-bit WAV file and measures each tone in 100 ms windows
// (Goertzel). It counts the windows in which every tone is at least floor,
// and reports each tone's median level in them, so a click, a gap or a tone
// starting late cannot decide it.
func measure(path string, tones map[string]float64, floor float64) (measurement, error) {
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
	m.dropouts = dropouts(samples, ch, rate/1000)

	win := rate / 10
	per := map[string][]float64{} // level of each tone per window
	for at := 0; at+win <= frames; at += win {
		for name, hz := range tones {
			per[name] = append(per[name], audioproxytest.ToneLevel(samples[at*ch:(at+win)*ch], ch, rate, hz))
		}
	}
	// The windows in which every tone is heard. They need not be
	// contiguous: a recorder that drops a few milliseconds under load does
	// not mean the tones stopped playing together.
	var both []int
	for w := 0; w < frames/win; w++ {
		all := true
		for name := range tones {
			all = all && per[name][w] >= floor
		}
		if all {
			both = append(both, w)
		}
	}
	m.together = float64(len(both)) / 10
	m.ducked = map[string]float64{}
	for w := 0; w < frames/win; w++ {
		for name := range tones {
			others := true
			for o := range tones {
				others = others && (o == name || per[o][w] >= floor)
			}
			if l := per[name][w]; others && l < floor/2 && l > floor/20 {
				m.ducked[name] += 0.1
			}
		}
	}
	m.levels = map[string]float64{}
	if len(both) == 0 {
		return m, nil
	}
	for name := range tones {
		ls := make([]float64, len(both))
		for i, w := range both {
			ls[i] = per[name][w]
		}
		slices.Sort(ls)
		m.levels[name] = ls[len(ls)/2]
	}
	return m, nil
}

// dropouts counts runs of at least minRun frames of exact silence.
func dropouts(samples []int16, ch, minRun int) int {
	n, run := 0, 0
	for i := 0; i < len(samples)/ch; i++ {
		if samples[i*ch] == 0 {
			run++
			continue
		}
		if run >= minRun {
			n++
		}
		run = 0
	}
	return n
}

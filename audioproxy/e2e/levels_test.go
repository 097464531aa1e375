package e2e

import (
	"math"
	"testing"

	"droidplex/audioproxy/audioproxytest"
)

// twoTones synthesises secs of 440 Hz at a1 plus 660 Hz at a2, stereo s16
// at 48 kHz. With gaps it is played as a stalled null sink plays it (a
// monitor recording of a run that failed had 125 such gaps in 2.25 s, and
// a quarter of its 20 ms windows clean): in three windows out of four the
// sink inserts 120-600 frames of silence and skips as many frames of input.
func twoTones(secs, a1, a2 float64, gaps bool) []int16 {
	var s []int16
	for in, g := 0, 0; in < int(secs*48000); in++ {
		if o := len(s) / 2; gaps && o%(win/2) == 240 && (o/(win/2))%4 != 0 {
			n := 60 * (2 + g%9)
			g++
			s = append(s, make([]int16, 2*n)...)
			in += n
		}
		t := float64(in) / 48000
		v := int16(32767 * (a1*math.Sin(2*math.Pi*440*t) + a2*math.Sin(2*math.Pi*660*t)))
		s = append(s, v, v)
	}
	return s
}

// The level measurement sees through the silence a stalled sink inserts,
// where a median over every window does not, and still measures: other
// levels come out as other levels, and with no clean window the level is
// 0, which fails the tests.
func TestLevelsSeeThroughInsertedSilence(t *testing.T) {
	for _, c := range []struct {
		name   string
		a1, a2 float64
		gaps   bool
	}{
		{"clean", 0.3, 0.2, false},
		{"gaps", 0.3, 0.2, true},
		{"other levels, gaps", 0.25, 0.1, true},
	} {
		s := twoTones(2, c.a1, c.a2, c.gaps)
		secs, l1, l2 := together(s, 440, 660)
		if secs < 1.5 || math.Abs(l1-c.a1) > 0.04 || math.Abs(l2-c.a2) > 0.04 {
			t.Errorf("%s: %.2f s, levels %.3f %.3f, want %.2f %.2f", c.name, secs, l1, l2, c.a1, c.a2)
		}
		var all []float64
		for i := 0; i+win <= len(s); i += win {
			all = append(all, audioproxytest.ToneLevel(s[i:i+win], 2, 48000, 440))
		}
		if sag := math.Abs(median(all) - c.a1); c.gaps && sag <= 0.04 {
			t.Errorf("%s: the gaps are too mild to matter (a median over every window is off by only %.3f)", c.name, sag)
		}
	}
	s := twoTones(2, 0.3, 0.2, false)
	for i := 0; i+win <= len(s); i += win { // a gap in every window
		clear(s[i : i+60])
	}
	if _, l1, l2 := together(s, 440, 660); l1 != 0 || l2 != 0 {
		t.Errorf("with a gap in every window, levels %.3f %.3f, want none", l1, l2)
	}
}

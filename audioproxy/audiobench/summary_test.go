package main

import (
	"bytes"
	"math"
	"strings"
	"testing"
)

func TestMedian(t *testing.T) {
	for _, c := range []struct {
		in   []float64
		want float64
	}{
		{nil, 0},
		{[]float64{3}, 3},
		{[]float64{9, 1, 5}, 5},
		{[]float64{4, 1, 3, 2}, 2.5},
	} {
		in := append([]float64(nil), c.in...)
		if got := median(c.in); got != c.want {
			t.Errorf("median(%v) = %v, want %v", c.in, got, c.want)
		}
		for i := range in {
			if in[i] != c.in[i] {
				t.Errorf("median reordered its input: %v", c.in)
			}
		}
	}
}

func TestSummarize(t *testing.T) {
	systems := []string{"audioproxy", "pulseaudio", "pipewire"}
	samples := []sample{
		// round 1
		{10, 8, "audioproxy", 30}, {10, 8, "pulseaudio", 400}, {10, 8, "pipewire", 100},
		// round 2: audioproxy had a bad round
		{10, 8, "audioproxy", 50}, {10, 8, "pulseaudio", 400}, {10, 8, "pipewire", 120},
		// round 3
		{10, 8, "audioproxy", 32}, {10, 8, "pulseaudio", 320}, {10, 8, "pipewire", 110},
		// another case, PipeWire failed in its only round
		{20, 32, "audioproxy", 45}, {20, 32, "pulseaudio", 450},
	}
	got := summarize(samples, systems)
	if len(got) != 2 || got[0].latencyMs != 10 || got[1].streams != 32 {
		t.Fatalf("cases: %+v", got)
	}
	a := got[0]
	if a.median["audioproxy"] != 32 || a.median["pulseaudio"] != 400 || a.median["pipewire"] != 110 {
		t.Errorf("medians %v", a.median)
	}
	if len(a.ratios) != 2 || a.ratios[0].against != "pulseaudio" || a.ratios[1].against != "pipewire" {
		t.Fatalf("ratios %+v", a.ratios)
	}
	pa := a.ratios[0]
	near := func(x, y float64) bool { return math.Abs(x-y) < 1e-9 }
	if !near(pa.ofMedians, 32.0/400) || !near(pa.lowest, 30.0/400) || !near(pa.highest, 50.0/400) {
		t.Errorf("against PulseAudio %+v", pa)
	}
	if b := got[1]; len(b.ratios) != 1 || !near(b.ratios[0].ofMedians, 0.1) {
		t.Errorf("a case without PipeWire: %+v", b)
	}
	var out bytes.Buffer
	printSummary(&out, got, systems, 3)
	for _, want := range []string{
		"| 10 ms | 8 | 32.0 | 400.0 | 110.0 | pulseaudio 8.0 % (7.5–12.5 %); pipewire 29.1 % (29.1–41.7 %) |",
		"| 20 ms | 32 | 45.0 | 450.0 | failed | pulseaudio 10.0 % (10.0–10.0 %) |",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, out.String())
		}
	}
}

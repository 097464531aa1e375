package main

import (
	"fmt"
	"io"
	"slices"
)

// sample is one measured case: a system's total CPU (ms per second of
// audio) for a number of streams at a latency, in one round.
type sample struct {
	latencyMs, streams int
	system             string
	total              float64
}

// summary is what the rounds of one case give: each system's median total
// and, for audioproxy against every other system measured, the ratio of
// the medians and the lowest and highest ratio of a single round.
type summary struct {
	latencyMs, streams int
	median             map[string]float64
	ratios             []ratio
}

type ratio struct {
	against         string
	ofMedians       float64
	lowest, highest float64 // over the rounds in which both were measured
}

// summarize groups samples by case, in the order the cases first appear,
// and compares audioproxy with every other system of that case. A round in
// which one of the two failed (no sample) counts for neither range.
func summarize(samples []sample, systems []string) []summary {
	type key struct{ l, n int }
	var order []key
	byCase := map[key]map[string][]float64{}
	for _, s := range samples {
		k := key{s.latencyMs, s.streams}
		if byCase[k] == nil {
			byCase[k] = map[string][]float64{}
			order = append(order, k)
		}
		byCase[k][s.system] = append(byCase[k][s.system], s.total)
	}
	var out []summary
	for _, k := range order {
		sum := summary{latencyMs: k.l, streams: k.n, median: map[string]float64{}}
		for sys, v := range byCase[k] {
			sum.median[sys] = median(v)
		}
		ap, ok := byCase[k]["audioproxy"]
		for _, other := range systems {
			ov, have := byCase[k][other]
			if other == "audioproxy" || !ok || !have || sum.median[other] == 0 {
				continue
			}
			r := ratio{against: other, ofMedians: sum.median["audioproxy"] / sum.median[other], lowest: -1}
			for i := range min(len(ap), len(ov)) {
				if ov[i] == 0 {
					continue
				}
				x := ap[i] / ov[i]
				if r.lowest < 0 || x < r.lowest {
					r.lowest = x
				}
				r.highest = max(r.highest, x)
			}
			sum.ratios = append(sum.ratios, r)
		}
		out = append(out, sum)
	}
	return out
}

// median of v (the mean of the middle two for an even count); v is not
// changed.
func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Clone(v)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// printSummary writes the summaries as a Markdown table.
func printSummary(w io.Writer, sums []summary, systems []string, rounds int) {
	fmt.Fprintf(w, "\nmedians of %d alternating rounds (total CPU, ms per second of audio)\n\n", rounds)
	fmt.Fprint(w, "| latency | streams |")
	for _, s := range systems {
		fmt.Fprintf(w, " %s |", s)
	}
	fmt.Fprintln(w, " audioproxy against the others: ratio of medians (single rounds) |")
	fmt.Fprint(w, "|---|---|")
	for range systems {
		fmt.Fprint(w, "---|")
	}
	fmt.Fprintln(w, "---|")
	for _, s := range sums {
		fmt.Fprintf(w, "| %d ms | %d |", s.latencyMs, s.streams)
		for _, sys := range systems {
			if m, ok := s.median[sys]; ok {
				fmt.Fprintf(w, " %.1f |", m)
			} else {
				fmt.Fprint(w, " failed |")
			}
		}
		sep := ""
		fmt.Fprint(w, " ")
		for _, r := range s.ratios {
			fmt.Fprintf(w, "%s%s %.1f %% (%.1f–%.1f %%)", sep, r.against, 100*r.ofMedians, 100*r.lowest, 100*r.highest)
			sep = "; "
		}
		fmt.Fprintln(w, " |")
	}
}

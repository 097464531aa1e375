package kernel

import (
	"fmt"
	"io"
	"strings"
)

// Missing returns the features mode requires that results show missing. A
// group (binder) is missing only when none of its members is OK.
func Missing(results []Result, mode Mode) []Feature {
	groupOK := map[string]bool{}
	for _, r := range results {
		if r.Feature.Group != "" && r.OK {
			groupOK[r.Feature.Group] = true
		}
	}
	var out []Feature
	for _, r := range results {
		f := r.Feature
		if r.OK || !f.RequiredFor(mode) || (f.Group != "" && groupOK[f.Group]) {
			continue
		}
		out = append(out, f)
	}
	return out
}

// Report writes the table `droidplex check` prints and returns the features
// mode requires that are missing.
func Report(w io.Writer, results []Result, mode Mode) []Feature {
	missing := Missing(results, mode)
	req := map[string]bool{}
	for _, f := range missing {
		req[f.Name] = true
	}
	fmt.Fprintf(w, "droidplex kernel check (mode %s)\n", mode)
	for _, r := range results {
		status := "OK"
		note := r.Detail
		if !r.OK {
			status = "missing"
			note = r.Feature.Fix
			if r.Detail != "" {
				note += " [" + r.Detail + "]"
			}
		}
		mark := " "
		switch {
		case req[r.Feature.Name]:
			mark = "!"
		case r.Feature.RequiredFor(mode):
			mark = "*"
		}
		fmt.Fprintf(w, "%s %-26s %-8s %s\n", mark, r.Feature.Name, status, note)
	}
	fmt.Fprintln(w, "(* required for this mode, ! required and missing)")
	if len(missing) == 0 {
		fmt.Fprintf(w, "Everything mode %s needs is present.\n", mode)
	} else {
		names := make([]string, len(missing))
		for i, f := range missing {
			names[i] = f.Name
		}
		fmt.Fprintf(w, "Mode %s cannot run: missing %s.\n", mode, strings.Join(names, ", "))
	}
	return missing
}

// ParseMode turns a mode name into a Mode.
func ParseMode(s string) (Mode, error) {
	for _, m := range Modes {
		if string(m) == s {
			return m, nil
		}
	}
	return "", fmt.Errorf("unknown mode %q (want one of kernel-less, lxc, android)", s)
}

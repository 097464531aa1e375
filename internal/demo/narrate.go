package demo

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// Step is one line of the summary: what was expected and what happened.
type Step struct {
	Name   string
	OK     bool
	Detail string
}

// narrator prints progress as the story runs and keeps the steps for the
// summary.
type narrator struct {
	w     io.Writer
	start time.Time
	steps []Step
	n     int
}

func newNarrator(w io.Writer) *narrator { return &narrator{w: w, start: time.Now()} }

// say prints a line of narration.
func (n *narrator) say(format string, args ...any) {
	fmt.Fprintf(n.w, "[%5.1fs] %s\n", time.Since(n.start).Seconds(), fmt.Sprintf(format, args...))
}

// step runs fn as a numbered step and records whether it worked; the
// story goes on after a failed step so the summary shows everything.
func (n *narrator) step(name string, fn func() (string, error)) bool {
	n.n++
	n.say("step %d: %s ...", n.n, name)
	detail, err := fn()
	st := Step{Name: name, OK: err == nil, Detail: detail}
	if err != nil {
		st.Detail = strings.TrimSpace(detail + " " + err.Error())
		n.say("step %d: FAILED: %s", n.n, st.Detail)
	} else {
		n.say("step %d: ok: %s", n.n, detail)
	}
	n.steps = append(n.steps, st)
	return err == nil
}

// Failed reports whether any step failed.
func Failed(steps []Step) bool {
	for _, s := range steps {
		if !s.OK {
			return true
		}
	}
	return len(steps) == 0
}

// WriteSummary prints the steps as a table.
func WriteSummary(w io.Writer, steps []Step) {
	width := len("step")
	for _, s := range steps {
		width = max(width, len(s.Name))
	}
	line := strings.Repeat("-", width+2) + "+--------+" + strings.Repeat("-", 50)
	fmt.Fprintf(w, "\n %-*s | %-6s | %s\n%s\n", width, "step", "result", "what was seen", line)
	for _, s := range steps {
		res := "ok"
		if !s.OK {
			res = "FAILED"
		}
		fmt.Fprintf(w, " %-*s | %-6s | %s\n", width, s.Name, res, s.Detail)
	}
	ok := 0
	for _, s := range steps {
		if s.OK {
			ok++
		}
	}
	fmt.Fprintf(w, "%s\n%d passed, %d failed\n", line, ok, len(steps)-ok)
}

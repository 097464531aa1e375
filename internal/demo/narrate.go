package demo

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"
)

// Step is one line of the summary: what was expected and what happened.
// A step that did not run (set-up failed, or the demo was interrupted
// before it) has NotRun set and is not OK.
type Step struct {
	Name   string
	OK     bool
	NotRun bool
	Detail string
}

// narrator prints progress as the story runs and keeps the steps for the
// summary.
type narrator struct {
	w     io.Writer
	start time.Time
	steps []Step
	n     int
	skip  string // why the remaining steps do not run; "" while they do
}

func newNarrator(w io.Writer) *narrator { return &narrator{w: w, start: time.Now()} }

// say prints a line of narration.
func (n *narrator) say(format string, args ...any) {
	fmt.Fprintf(n.w, "[%5.1fs] %s\n", time.Since(n.start).Seconds(), fmt.Sprintf(format, args...))
}

// step runs fn as a numbered step and records whether it worked; the
// story goes on after a failed step so the summary shows everything. Once
// ctx ends, or set-up has failed (skipAll), steps are recorded as not run.
func (n *narrator) step(ctx context.Context, name string, fn func() (string, error)) bool {
	n.n++
	if n.skip == "" && ctx.Err() != nil {
		n.skip = "interrupted"
	}
	if n.skip != "" {
		n.say("step %d: %s: not run (%s)", n.n, name, n.skip)
		n.steps = append(n.steps, Step{Name: name, NotRun: true, Detail: n.skip})
		return false
	}
	n.say("step %d: %s ...", n.n, name)
	detail, err := fn()
	if err != nil && ctx.Err() != nil {
		n.skip = "interrupted"
		err = fmt.Errorf("interrupted: %w", err)
	}
	st := Step{Name: name, OK: err == nil, Detail: detail}
	if err != nil {
		st.Detail = strings.Join(strings.Fields(detail+" "+err.Error()), " ") // one line in the table
		n.say("step %d: FAILED: %s", n.n, st.Detail)
	} else {
		n.say("step %d: ok: %s", n.n, detail)
	}
	n.steps = append(n.steps, st)
	return err == nil
}

// skipAll records why the remaining steps do not run.
func (n *narrator) skipAll(why string) {
	if n.skip == "" {
		n.skip = why
	}
}

// pause waits d while the steps run, less if ctx ends.
func (n *narrator) pause(ctx context.Context, d time.Duration) {
	if n.skip != "" {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
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
	line := strings.Repeat("-", width+2) + "+---------+" + strings.Repeat("-", 50)
	fmt.Fprintf(w, "\n %-*s | %-7s | %s\n%s\n", width, "step", "result", "what was seen", line)
	for _, s := range steps {
		res := "ok"
		switch {
		case s.NotRun:
			res = "not run"
		case !s.OK:
			res = "FAILED"
		}
		fmt.Fprintf(w, " %-*s | %-7s | %s\n", width, s.Name, res, s.Detail)
	}
	ok, notRun := 0, 0
	for _, s := range steps {
		switch {
		case s.OK:
			ok++
		case s.NotRun:
			notRun++
		}
	}
	fmt.Fprintf(w, "%s\n%d passed, %d failed, %d not run\n", line, ok, len(steps)-ok-notRun, notRun)
}

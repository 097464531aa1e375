package demo

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"droidplex/internal/testutil"
)

func TestMain(m *testing.M) { testutil.Main(m) }

// buildAll builds every command into a fresh directory.
func buildAll(t *testing.T) string {
	bin := t.TempDir()
	build := exec.Command("go", "build", "-o", bin+"/", "./cmd/...")
	build.Dir = testutil.Path(t, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// leftovers lists the processes whose command line mentions any of dirs.
func leftovers(dirs ...string) []string {
	ents, _ := os.ReadDir("/proc")
	var out []string
	for _, e := range ents {
		b, err := os.ReadFile("/proc/" + e.Name() + "/cmdline")
		if err != nil || len(b) == 0 {
			continue
		}
		cmd := strings.ReplaceAll(string(b), "\x00", " ")
		for _, d := range dirs {
			if strings.Contains(cmd, d) {
				out = append(out, e.Name()+": "+cmd)
				break
			}
		}
	}
	return out
}

// TestStory is the end-to-end test: the same story `make demo` tells, with
// real oFono clients, PulseAudio as the device, droidplexd's proc runtime,
// rilproxyd and audioproxyd as the binaries users run.
func TestStory(t *testing.T) {
	testutil.RequireRoot(t)
	testutil.RequireCmd(t, "ofonod", "dbus-daemon", "pulseaudio", "parec", "sox")
	bin := buildAll(t)
	var narration bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	out, scratch := t.TempDir(), t.TempDir()
	steps, err := Run(ctx, Config{Bin: bin, OutDir: out, Scratch: scratch, Output: &narration})
	var summary bytes.Buffer
	WriteSummary(&summary, steps)
	if err != nil || Failed(steps) {
		t.Fatalf("demo failed: %v\n%s%s\nlogs: %s/logs", err, narration.String(), summary.String(), out)
	}
	for _, want := range []string{"both tones are in the mix", "rings the new foreground (work)", "SMS reaches"} {
		if !strings.Contains(summary.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, summary.String())
		}
	}
	if left := leftovers(bin, scratch); len(left) > 0 {
		t.Errorf("processes left running: %v", left)
	}
	if b, err := os.ReadFile(filepath.Join(out, "summary.txt")); err != nil || !bytes.Equal(b, summary.Bytes()) {
		t.Errorf("summary.txt: %v\n%s", err, b)
	}
	t.Log("\n" + summary.String())
}

// cancelOn cancels when a line of narration contains at.
type cancelOn struct {
	bytes.Buffer
	at     string
	cancel context.CancelFunc
}

func (c *cancelOn) Write(p []byte) (int, error) {
	if strings.Contains(string(p), c.at) {
		c.cancel()
	}
	return c.Buffer.Write(p)
}

// The demo interrupted (Ctrl-C, SIGTERM) at any step stops everything it
// started, fails, and reports the steps it did not reach as not run. It
// used to go on and pass when interrupted after the last call step.
func TestInterruptedStoryFails(t *testing.T) {
	testutil.RequireRoot(t)
	testutil.RequireCmd(t, "ofonod", "dbus-daemon", "pulseaudio", "parec", "sox")
	bin := buildAll(t)
	for _, tc := range []struct {
		at      string // the narration at which the demo is interrupted
		notRun  int
		skipped string // a step reported as not run
	}{
		{"droidplex autostart started", 8, "both containers play different tones at once"},
		{"step 8: ok", 1, "both tones are in the mix"},
	} {
		ctx, cancel := context.WithCancel(context.Background())
		guard := time.AfterFunc(3*time.Minute, cancel)
		w := &cancelOn{at: tc.at, cancel: cancel}
		out, scratch := t.TempDir(), t.TempDir()
		steps, err := Run(ctx, Config{Bin: bin, OutDir: out, Scratch: scratch, Output: w})
		guard.Stop()
		cancel()
		var summary bytes.Buffer
		WriteSummary(&summary, steps)
		if !errors.Is(err, ErrInterrupted) || !Failed(steps) {
			t.Errorf("at %q: err %v, failed %v\n%s%s", tc.at, err, Failed(steps), w.String(), summary.String())
		}
		notRun := 0
		for _, s := range steps {
			if s.NotRun {
				notRun++
				if s.Name == tc.skipped {
					tc.skipped = ""
				}
			}
		}
		if notRun != tc.notRun || tc.skipped != "" {
			t.Errorf("at %q: %d not run, want %d, %q among them\n%s", tc.at, notRun, tc.notRun, tc.skipped, summary.String())
		}
		if left := leftovers(bin, scratch); len(left) > 0 {
			t.Errorf("at %q: processes left running: %v", tc.at, left)
		}
	}
}

func TestSummaryCountsFailures(t *testing.T) {
	var b bytes.Buffer
	steps := []Step{{Name: "a", OK: true, Detail: "x"}, {Name: "bb", OK: false, Detail: "y"}}
	WriteSummary(&b, steps)
	if !Failed(steps) || !strings.Contains(b.String(), "FAILED") || !strings.Contains(b.String(), "1 passed, 1 failed, 0 not run") {
		t.Fatalf("summary:\n%s", b.String())
	}
	if Failed([]Step{{OK: true}}) || !Failed(nil) || !Failed([]Step{{OK: true}, {Name: "c", NotRun: true}}) {
		t.Fatal("Failed is wrong")
	}
	b.Reset()
	WriteSummary(&b, []Step{{Name: "a", OK: true}, {Name: "c", NotRun: true, Detail: "interrupted"}})
	if !strings.Contains(b.String(), "not run ") || !strings.Contains(b.String(), "1 passed, 0 failed, 1 not run") {
		t.Fatalf("summary:\n%s", b.String())
	}
}

// A daemon that exits at start is reported at once, with its log's last
// line, in the set-up step; every other step is not run and the demo
// fails. It used to be "nothing listening ... after 10s".
func TestDaemonThatDoesNotStartIsReported(t *testing.T) {
	testutil.RequireRoot(t)
	testutil.RequireCmd(t, "ofonod", "dbus-daemon")
	bin := buildAll(t)
	fake := "#!/bin/sh\necho 'rilproxyd: cannot open the modem' >&2\nexit 1\n"
	if err := os.WriteFile(filepath.Join(bin, "rilproxyd"), []byte(fake), 0o755); err != nil {
		t.Fatal(err)
	}
	var narration bytes.Buffer
	out, scratch := t.TempDir(), t.TempDir()
	steps, err := Run(context.Background(), Config{Bin: bin, OutDir: out, Scratch: scratch, Output: &narration})
	if err != nil {
		t.Fatal(err)
	}
	var summary bytes.Buffer
	WriteSummary(&summary, steps)
	if len(steps) == 0 || steps[0].OK || !strings.Contains(steps[0].Detail, "rilproxyd exited") ||
		!strings.Contains(steps[0].Detail, "cannot open the modem") || !strings.Contains(summary.String(), "0 passed, 1 failed, 8 not run") {
		t.Fatalf("summary:\n%s\nnarration:\n%s", summary.String(), narration.String())
	}
	if left := leftovers(bin, scratch); len(left) > 0 {
		t.Errorf("processes left running: %v", left)
	}
}

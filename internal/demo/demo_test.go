package demo

import (
	"bytes"
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"

	"droidplex/internal/testutil"
)

func TestMain(m *testing.M) { testutil.Main(m) }

// TestStory is the end-to-end test: the same story `make demo` tells, with
// real oFono clients, PulseAudio as the device, droidplexd's proc runtime,
// rilproxyd and audioproxyd as the binaries users run.
func TestStory(t *testing.T) {
	testutil.RequireRoot(t)
	testutil.RequireCmd(t, "ofonod", "dbus-daemon", "pulseaudio", "parec", "sox")
	bin := t.TempDir()
	build := exec.Command("go", "build", "-o", bin+"/", "./cmd/...")
	build.Dir = testutil.Path(t, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	var narration bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	out := t.TempDir()
	steps, err := Run(ctx, Config{Bin: bin, OutDir: out, Output: &narration})
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
	t.Log("\n" + summary.String())
}

func TestSummaryCountsFailures(t *testing.T) {
	var b bytes.Buffer
	steps := []Step{{Name: "a", OK: true, Detail: "x"}, {Name: "bb", OK: false, Detail: "y"}}
	WriteSummary(&b, steps)
	if !Failed(steps) || !strings.Contains(b.String(), "FAILED") || !strings.Contains(b.String(), "1 passed, 1 failed") {
		t.Fatalf("summary:\n%s", b.String())
	}
	if Failed([]Step{{OK: true}}) || !Failed(nil) {
		t.Fatal("Failed is wrong")
	}
}

package main

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"droidplex/internal/testutil"
)

func TestMain(m *testing.M) { testutil.Main(m) }

// TestHelpAndVersion builds the daemon and checks that --version and --help
// work and that a bad configuration is refused with a clear message.
func TestHelpAndVersion(t *testing.T) {
	testutil.RequireCmd(t, "go")
	bin := filepath.Join(t.TempDir(), "audioproxyd")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "--version").Output()
	if err != nil || !strings.HasPrefix(string(out), "droidplex ") {
		t.Fatalf("--version: %q %v", out, err)
	}
	out, _ = exec.Command(bin, "--help").CombinedOutput()
	for _, want := range []string{"Usage: audioproxyd", "-device", "-containers", "-config"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("--help lacks %q", want)
		}
	}
	out, err = exec.Command(bin, "--containers", "../x", "--runtime-dir", t.TempDir(), "--api-socket", filepath.Join(t.TempDir(), "a.sock")).CombinedOutput()
	if err == nil || !strings.Contains(string(out), "bad or repeated container name") {
		t.Fatalf("bad container name: %q %v", out, err)
	}
}

// Package cmd_test checks that every droidplex binary builds and answers
// --help and --version, and that every daemon refuses a stray argument.
package cmd_test

import (
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"droidplex/internal/testutil"
)

func TestMain(m *testing.M) { testutil.Main(m) }

var binaries = []string{"droidplex", "droidplexd", "audioproxyd", "rilproxyd", "inputproxyd"}

func TestHelpAndVersion(t *testing.T) {
	dir := t.TempDir()
	build := exec.Command("go", "build", "-o", dir+"/", "./cmd/...")
	build.Dir = testutil.Path(t, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	for _, b := range binaries {
		t.Run(b, func(t *testing.T) {
			out, err := exec.Command(filepath.Join(dir, b), "--version").CombinedOutput()
			if err != nil || !strings.HasPrefix(string(out), "droidplex ") {
				t.Fatalf("--version: %v %q", err, out)
			}
			out, err = exec.Command(filepath.Join(dir, b), "--help").CombinedOutput()
			if err != nil || !strings.Contains(string(out), "Usage") {
				t.Fatalf("--help: %v\n%s", err, out)
			}
			if b == "droidplex" {
				return
			}
			// A stray argument ends flag parsing, and the flags after it
			// would be ignored without a word: a daemon refuses it (exit 2).
			// Had it not, --version makes it print and exit, not serve.
			out, err = exec.Command(filepath.Join(dir, b), "--version", "stray", "--debug").CombinedOutput()
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != 2 || !strings.Contains(string(out), "unexpected argument") || !strings.Contains(string(out), "stray") {
				t.Fatalf("a stray argument: %v\n%s", err, out)
			}
		})
	}
}

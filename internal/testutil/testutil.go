// Package testutil holds droidplex's test helpers: skips that become
// failures in strict mode (CI), a short temporary runtime directory, a
// logger that writes to the test's output, and an fd-leak check for TestMain.
package testutil

import (
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Strict reports whether a skip must fail the test: under CI (CI=true) or
// when DROIDPLEX_STRICT=1. CI runs as root with every package installed, so
// there a skipped required test is a missing test.
func Strict() bool {
	if v := os.Getenv("DROIDPLEX_STRICT"); v != "" {
		return v == "1" || v == "true"
	}
	return os.Getenv("CI") == "true"
}

// Skip skips t with reason, or fails it in strict mode.
func Skip(t testing.TB, reason string) {
	t.Helper()
	if Strict() {
		t.Fatalf("required test cannot run (strict mode): %s", reason)
	}
	t.Skip(reason)
}

// SkipCoveredElsewhere skips a test that this host cannot run but another
// run covers (for example the qemu VM run of `make vmtest`). It never fails
// in strict mode, because the covering run is itself strict.
func SkipCoveredElsewhere(t testing.TB, reason, coveredBy string) {
	t.Helper()
	t.Skipf("%s; covered by %s", reason, coveredBy)
}

// RequireRoot skips (or fails, in strict mode) unless running as root.
func RequireRoot(t testing.TB) {
	t.Helper()
	if os.Geteuid() != 0 {
		Skip(t, "needs root")
	}
}

// RequireCmd skips (or fails, in strict mode) unless every named program
// is on PATH. It returns their paths.
func RequireCmd(t testing.TB, names ...string) []string {
	t.Helper()
	paths := make([]string, len(names))
	for i, n := range names {
		p, err := exec.LookPath(n)
		if err != nil {
			Skip(t, "needs "+n+" (make deps installs it)")
		}
		paths[i] = p
	}
	return paths
}

// RuntimeDir returns a fresh directory for sockets, removed after the test.
// Its path is short, because a unix socket path is limited to 107 bytes and
// t.TempDir paths can be longer than that.
func RuntimeDir(t testing.TB) string {
	t.Helper()
	name := strings.NewReplacer("/", "-", " ", "-").Replace(t.Name())
	if len(name) > 20 {
		name = name[:20]
	}
	d, err := os.MkdirTemp("/tmp", "dpx-"+name+"-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(d) })
	return d
}

// Logger returns a slog.Logger that writes to the test's log.
func Logger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// Path returns p relative to the module root, for tests that need a file
// outside their package (the module root is found from go.mod).
func Path(t testing.TB, p string) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, p)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("module root not found")
		}
		dir = parent
	}
}

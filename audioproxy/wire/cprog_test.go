package wire

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"droidplex/internal/testutil"
)

// runC compiles a C program against hal-shims/audio/include with gcc, runs
// it, and returns the "key value" lines it printed. The C headers' checks
// use it to read what C thinks of a layout.
func runC(t *testing.T, src string) map[string]string {
	t.Helper()
	testutil.RequireCmd(t, "gcc")
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "p.c"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "p")
	cmd := exec.Command("gcc", "-std=c11", "-Wall", "-Werror", "-I", testutil.Path(t, "hal-shims/audio/include"),
		"-o", bin, filepath.Join(dir, "p.c"))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("gcc: %v\n%s", err, out)
	}
	out, err := exec.Command(bin).Output()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		k, v, _ := strings.Cut(line, " ")
		got[k] = v
	}
	return got
}

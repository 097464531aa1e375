package demo

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestPreflightSaysWhatIsMissing(t *testing.T) {
	bin := t.TempDir()
	for _, b := range ownBinaries {
		os.WriteFile(filepath.Join(bin, b), nil, 0o755)
	}
	found := func(string) (string, error) { return "/x", nil }
	noOfono := func(c string) (string, error) {
		if c == "ofonod" {
			return "", errors.New("not found")
		}
		return "/x", nil
	}
	for _, tc := range []struct {
		name string
		euid int
		look func(string) (string, error)
		bin  string
		want string
	}{
		{"not root", 1000, found, bin, "needs root"},
		{"no oFono", 0, noOfono, bin, "needs ofonod: install ofono"},
		{"not built", 0, found, t.TempDir(), "make build"},
	} {
		err := preflight(Config{Bin: tc.bin}, tc.euid, tc.look)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
	if err := preflight(Config{Bin: bin}, 0, found); err != nil {
		t.Fatalf("everything there: %v", err)
	}
}

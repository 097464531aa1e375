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
	noPulse := func(c string) (string, error) {
		if c == "parec" {
			return "", errors.New("not found")
		}
		return "/x", nil
	}
	for _, tc := range []struct {
		name  string
		euid  int
		look  func(string) (string, error)
		bin   string
		sound string
		want  string
	}{
		{"not root", 1000, found, bin, "", "needs root"},
		{"no oFono", 0, noOfono, bin, "", "needs ofonod: install ofono"},
		{"not built", 0, found, t.TempDir(), "", "make build"},
		{"PulseAudio asked for, not there", 0, noPulse, bin, "pulse", "install pulseaudio pulseaudio-utils"},
		{"unknown sound", 0, found, bin, "alsa", "want pulse, wav or auto"},
	} {
		err := preflight(Config{Bin: tc.bin, Sound: tc.sound}, tc.euid, tc.look)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
	if err := preflight(Config{Bin: bin}, 0, found); err != nil {
		t.Fatalf("everything there: %v", err)
	}
}

func TestSoundChoice(t *testing.T) {
	all := func(string) (string, error) { return "/x", nil }
	none := func(string) (string, error) { return "", errors.New("not found") }
	if !usePulse("", all) || !usePulse("auto", all) || usePulse("wav", all) || usePulse("auto", none) || !usePulse("pulse", none) {
		t.Fatal("usePulse is wrong")
	}
	if err := preflight(Config{Bin: "/nonexistent", Sound: "wav"}, 0, none); err == nil || !strings.Contains(err.Error(), "needs ofonod") {
		t.Fatalf("wav without PulseAudio: %v", err)
	}
}

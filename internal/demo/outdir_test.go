package demo

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestOutDirRefusesWhatIsNotTheDemos(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "f")
	if err := os.WriteFile(file, []byte("keep"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ out, want string }{
		{file, "is not a directory"},
		{dir, "holds files the demo did not make (f)"},
		{filepath.Join(file, "sub"), "not a directory"},
		{"", "--out is empty"},
	} {
		o, err := openOut(tc.out)
		if err == nil {
			o.Close()
			t.Errorf("openOut(%q) worked", tc.out)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("openOut(%q): %v, want %q", tc.out, err, tc.want)
		}
	}
	if b, err := os.ReadFile(file); err != nil || string(b) != "keep" {
		t.Fatalf("the unrelated file is %q, %v", b, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "logs")); err == nil {
		t.Fatal("a logs directory was made in a directory that is not the demo's")
	}
}

// A second run replaces the first one's results, removing (not following)
// a symlink planted among them.
func TestOutDirReplacesThePreviousRun(t *testing.T) {
	out := filepath.Join(t.TempDir(), "demo")
	o, err := openOut(out)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(out, "logs", "old.log"), []byte("old"), 0o644)
	o.Close()
	victim := filepath.Join(t.TempDir(), "victim")
	os.WriteFile(victim, []byte("keep"), 0o644)
	if err := os.Symlink(victim, filepath.Join(out, "mix.wav")); err != nil {
		t.Fatal(err)
	}
	o, err = openOut(out)
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	if _, err := os.Lstat(filepath.Join(out, "mix.wav")); err == nil {
		t.Error("the old mix.wav is still there")
	}
	if _, err := os.Stat(filepath.Join(out, "logs", "old.log")); err == nil {
		t.Error("the old logs are still there")
	}
	if b, _ := os.ReadFile(victim); string(b) != "keep" {
		t.Errorf("the symlink's target became %q", b)
	}
}

// A directory left by a demo from before the marker (a summary and the
// demo's results only) is the demo's too.
func TestOutDirTakesAnOldDemosOutput(t *testing.T) {
	out := t.TempDir()
	os.WriteFile(filepath.Join(out, "summary.txt"), nil, 0o644)
	os.Mkdir(filepath.Join(out, "logs"), 0o755)
	o, err := openOut(out)
	if err != nil {
		t.Fatal(err)
	}
	o.Close()
}

func TestOutDirIsOneDemosAtATime(t *testing.T) {
	out := t.TempDir()
	o, err := openOut(out)
	if err != nil {
		t.Fatal(err)
	}
	if o2, err := openOut(out); err == nil || !strings.Contains(err.Error(), "another demo is writing to") {
		if err == nil {
			o2.Close()
		}
		t.Fatalf("second openOut: %v", err)
	}
	o.Close()
	o, err = openOut(out)
	if err != nil {
		t.Fatalf("after the first let go: %v", err)
	}
	o.Close()
}

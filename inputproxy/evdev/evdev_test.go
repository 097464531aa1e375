package evdev

import (
	"context"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"droidplex/inputproxy/route"
	"droidplex/internal/testutil"
	"droidplex/kernel"
	"golang.org/x/sys/unix"
)

func TestMain(m *testing.M) { testutil.Main(m) }

func inotifyRecord(mask uint32, name string, pad int) []byte {
	b := make([]byte, unix.SizeofInotifyEvent, unix.SizeofInotifyEvent+len(name)+pad)
	binary.NativeEndian.PutUint32(b[4:], mask)
	binary.NativeEndian.PutUint32(b[12:], uint32(len(name)+pad))
	b = append(b, name...)
	return append(b, make([]byte, pad)...)
}

func TestParseInotify(t *testing.T) {
	type rec struct {
		mask uint32
		name string
	}
	tests := []struct {
		name string
		in   []byte
		want []rec
	}{
		{"two records", append(inotifyRecord(unix.IN_CREATE, "event3", 2), inotifyRecord(unix.IN_DELETE, "event4", 0)...),
			[]rec{{unix.IN_CREATE, "event3"}, {unix.IN_DELETE, "event4"}}},
		{"lying length", func() []byte { b := inotifyRecord(unix.IN_CREATE, "x", 0); b[12] = 200; return b }(), nil},
		{"truncated header", inotifyRecord(unix.IN_CREATE, "", 0)[:10], nil},
	}
	for _, tt := range tests {
		var got []rec
		parseInotify(tt.in, func(_ int, m uint32, n string) { got = append(got, rec{m, n}) })
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
}

func FuzzParseInotify(f *testing.F) {
	f.Add(inotifyRecord(unix.IN_CREATE, "event1", 3))
	f.Fuzz(func(t *testing.T, b []byte) {
		parseInotify(b, func(int, uint32, string) {})
	})
}

func TestSetBits(t *testing.T) {
	if got := setBits([]byte{0x05, 0, 0x80}); !slices.Equal(got, []uint16{0, 2, 23}) {
		t.Errorf("setBits = %v", got)
	}
}

func TestCloneWithoutUinputIsNotSupported(t *testing.T) {
	_, err := NewClone(filepath.Join(t.TempDir(), "uinput"), "/sys", "droidplex/x", route.VirtualKeyboard())
	if !errors.Is(err, kernel.ErrNotSupported) {
		t.Fatalf("err = %v, want kernel.ErrNotSupported", err)
	}
}

func TestOpenNonDevice(t *testing.T) {
	p := filepath.Join(t.TempDir(), "event0")
	if err := os.WriteFile(p, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := Open(p, func(*route.Caps) bool { return true }); err == nil {
		t.Fatal("opened a regular file as an input device")
	}
}

// TestWatch uses inotify on a plain directory: created and removed
// event* files are reported, other names are not, and a directory that
// appears late is picked up.
func TestWatch(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "input")
	b := &Backend{Dir: dir}
	got := make(chan string, 8)
	ctx, cancel := context.WithCancel(context.Background())
	wait, err := b.Watch(ctx, func(p string, added bool) {
		if added {
			got <- "+" + filepath.Base(p)
		} else {
			got <- "-" + filepath.Base(p)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { cancel(); wait() }()
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	// Names in the parent directory are not devices.
	if err := os.WriteFile(filepath.Join(root, "event9"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, step := range []struct {
		do   func() error
		want string
	}{
		{func() error { return os.WriteFile(filepath.Join(dir, "mouse0"), nil, 0o600) }, ""},
		{func() error { return os.WriteFile(filepath.Join(dir, "event7"), nil, 0o600) }, "+event7"},
		{func() error { return os.Remove(filepath.Join(dir, "event7")) }, "-event7"},
	} {
		if err := step.do(); err != nil {
			t.Fatal(err)
		}
		if step.want == "" {
			continue
		}
		for g := range got {
			if g == step.want {
				break
			}
			if g != "+event7" { // IN_CREATE and IN_ATTRIB may both report it
				t.Fatalf("got %s, want %s", g, step.want)
			}
		}
	}
}

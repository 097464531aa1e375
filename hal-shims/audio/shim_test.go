package audioshim

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"droidplex/audioproxy/wire"
	"droidplex/internal/testutil"
	"droidplex/internal/unixsock"
)

func TestMain(m *testing.M) { testutil.Main(m) }

var params = wire.Params{Rate: 48000, Channels: 2, Format: wire.FormatS16}

// TestImportsOnlyWire keeps the shim loadable in a container: it may
// import the standard library, x/sys, audioproxy/wire and internal/ only.
func TestImportsOnlyWire(t *testing.T) {
	testutil.RequireCmd(t, "go")
	out, err := exec.Command("go", "list", "-deps", "droidplex/hal-shims/audio").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range strings.Fields(string(out)) {
		ok := !strings.Contains(strings.SplitN(p, "/", 2)[0], ".") || strings.HasPrefix(p, "golang.org/x/sys/") ||
			p == "droidplex/audioproxy/wire" || strings.HasPrefix(p, "droidplex/internal/") || p == "droidplex/hal-shims/audio"
		if !ok {
			t.Errorf("shim depends on %s", p)
		}
	}
}

func TestOpenValidatesAndReportsNoServer(t *testing.T) {
	if _, err := Open(Config{Path: "/nonexistent/audio", Usage: wire.UsageMedia, Params: params}); err == nil {
		t.Fatal("opened without a server")
	}
	if _, err := Open(Config{Path: "/x", Usage: 0, Params: params}); !errors.Is(err, wire.ErrInvalid) {
		t.Fatalf("bad usage: %v", err)
	}
}

// fakeServer answers every connection with reply and files, then closes.
func fakeServer(t *testing.T, reply []byte, files ...*os.File) string {
	t.Helper()
	path := filepath.Join(testutil.RuntimeDir(t), "audio")
	l, err := unixsock.Listen(unixsock.SeqPacket, path, unixsock.ListenOptions{UID: -1, GID: -1})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			c, err := l.AcceptUnix()
			if err != nil {
				return
			}
			c.Read(make([]byte, 64))
			unixsock.SendFds(c, reply, files...)
			c.Close()
		}
	}()
	t.Cleanup(func() { l.Close(); <-done })
	return path
}

// TestHostileServerReplies: a server that lies about the ring, sends the
// wrong descriptors or an undersized memfd gets an error, never a crash or
// a leaked descriptor.
func TestHostileServerReplies(t *testing.T) {
	g := wire.Geometry{Capacity: 960, Params: params, Period: 240}
	good := wire.AppendOpened(nil, wire.Opened{ID: 1, Geometry: g, Size: uint32(g.Size())})
	// Closed by cleanups registered before the fake servers' own, so they
	// run after every server goroutine has finished with them.
	tiny, err := os.CreateTemp(t.TempDir(), "tiny")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tiny.Close() })
	zero, err := os.CreateTemp(t.TempDir(), "zero")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { zero.Close() })
	if err := zero.Truncate(int64(g.Size())); err != nil { // right size, no header
		t.Fatal(err)
	}
	other := slices.Clone(good)
	other[8] = 0x44 // another rate
	for _, tc := range []struct {
		name  string
		reply []byte
		files []*os.File
		want  string
	}{
		{"error packet", wire.AppendError(nil, wire.ErrLimit), nil, "stream limit"},
		{"no descriptors", good, nil, "descriptors"},
		{"one descriptor", good, []*os.File{tiny}, "descriptors"},
		{"short memfd", good, []*os.File{tiny, tiny}, "ring memfd"},
		{"no ring header", good, []*os.File{zero, zero}, "bad ring"},
		{"other format", other, []*os.File{zero, zero}, "another format"},
		{"garbage", []byte("nope"), nil, "malformed"},
	} {
		path := fakeServer(t, tc.reply, tc.files...)
		_, err := Open(Config{Path: path, Usage: wire.UsageMedia, Params: params})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", tc.name, err, tc.want)
		}
	}
}

// TestOpenGivesUpOnASilentServer: a socket that accepts (the kernel's
// backlog) but never answers makes Open fail, not hang.
func TestOpenGivesUpOnASilentServer(t *testing.T) {
	path := filepath.Join(testutil.RuntimeDir(t), "audio")
	l, err := unixsock.Listen(unixsock.SeqPacket, path, unixsock.ListenOptions{UID: -1, GID: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if _, err := Open(Config{Path: path, Usage: wire.UsageMedia, Params: params}); err == nil {
		t.Fatal("opened a stream on a server that never answered")
	}
}

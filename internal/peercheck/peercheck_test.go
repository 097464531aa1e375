package peercheck

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"droidplex/internal/testutil"
	"droidplex/internal/unixsock"
	"droidplex/kernel"
)

func TestMain(m *testing.M) { testutil.Main(m) }

func TestDecide(t *testing.T) {
	for _, tc := range []struct {
		mode           Mode
		f              Facts
		accept, checks bool
	}{
		{ModeAuto, Facts{ContainerNS: 7, PeerNS: 7}, true, true},
		{ModeAuto, Facts{ContainerNS: 7, PeerNS: 8}, false, true},
		{ModeAuto, Facts{ContainerNS: 7}, false, true}, // peer's namespace unreadable
		{ModeAuto, Facts{}, true, false},               // kernel-less defaults: as before
		{ModeAuto, Facts{PeerNS: 8}, true, false},
		{ModeStrict, Facts{ContainerNS: 7, PeerNS: 7}, true, true},
		{ModeStrict, Facts{ContainerNS: 7, PeerNS: 8}, false, true},
		{ModeStrict, Facts{}, false, false},
		{ModeStrict, Facts{PeerNS: 8}, false, false},
		{ModeOff, Facts{ContainerNS: 7, PeerNS: 8}, true, false},
		{ModeOff, Facts{}, true, false},
	} {
		d := Decide(tc.mode, tc.f)
		if d.Accept != tc.accept || d.Checked != tc.checks || d.Reason == "" {
			t.Errorf("Decide(%s, %+v) = %+v, want accept %v checked %v", tc.mode, tc.f, d, tc.accept, tc.checks)
		}
	}
}

func TestParseMode(t *testing.T) {
	for in, want := range map[string]Mode{"": ModeAuto, "auto": ModeAuto, "strict": ModeStrict, "off": ModeOff} {
		if m, err := ParseMode(in); err != nil || m != want {
			t.Errorf("ParseMode(%q) = %q, %v", in, m, err)
		}
	}
	for _, in := range []string{"on", "AUTO", " auto", "0"} {
		if _, err := ParseMode(in); err == nil {
			t.Errorf("ParseMode(%q) accepted", in)
		}
	}
}

func FuzzParseMode(f *testing.F) {
	f.Add("auto")
	f.Add("strict\x00")
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseMode(s)
		if err == nil {
			_ = Decide(m, Facts{ContainerNS: 1, PeerNS: 2})
		} else if m != "" {
			t.Fatalf("ParseMode(%q) = %q with error", s, m)
		}
	})
}

// fakeNS is a recording Namespaces.
type fakeNS struct {
	ns  map[string]uint64
	log []string
}

func (f *fakeNS) PidNamespace(_ context.Context, c string) (uint64, bool) {
	ino, ok := f.ns[c]
	f.log = append(f.log, fmt.Sprintf("ns %s -> %d %v", c, ino, ok))
	return ino, ok
}

func TestCheckTranscript(t *testing.T) {
	ns := &fakeNS{ns: map[string]uint64{"personal": 100, "work": 200}}
	var log []string
	c := &Checker{NS: ns, PeerNS: func(pid int) (uint64, error) {
		log = append(log, fmt.Sprintf("peer %d", pid))
		if pid == 66 {
			return 0, errors.New("gone")
		}
		return uint64(pid), nil
	}}
	for _, tc := range []struct {
		container string
		pid       int
		ok        bool
	}{
		{"personal", 100, true},
		{"work", 100, false},  // personal's client on work's socket
		{"work", 0, false},    // pid without a number here: /proc/0 is never read
		{"work", 66, false},   // vanished before the check
		{"absent", 100, true}, // unknown container: auto accepts, reads no peer
	} {
		res, err := c.Check(context.Background(), tc.container, tc.pid)
		if (err == nil) != tc.ok || res.Accept != tc.ok {
			t.Errorf("Check(%s, %d) = %+v, %v", tc.container, tc.pid, res, err)
		}
		if err != nil && !errors.Is(err, kernel.ErrWrongContainer) {
			t.Errorf("error %v does not match kernel.ErrWrongContainer", err)
		}
	}
	want := []string{"ns personal -> 100 true", "ns work -> 200 true", "ns work -> 200 true", "ns work -> 200 true", "ns absent -> 0 false"}
	if !slices.Equal(ns.log, want) {
		t.Errorf("lookups %q, want %q", ns.log, want)
	}
	if want := []string{"peer 100", "peer 100", "peer 66"}; !slices.Equal(log, want) {
		t.Errorf("peer reads %q, want %q", log, want)
	}
	// Off asks nobody.
	ns.log = nil
	off := &Checker{Mode: ModeOff, NS: ns}
	if _, err := off.Check(context.Background(), "work", 100); err != nil || len(ns.log) != 0 {
		t.Errorf("off: %v, lookups %q", err, ns.log)
	}
}

func TestRefusedErrorNamesBothNamespaces(t *testing.T) {
	c := &Checker{NS: &fakeNS{ns: map[string]uint64{"work": 4026531836}},
		PeerNS: func(int) (uint64, error) { return 4026532001, nil }}
	_, err := c.Check(context.Background(), "work", 1234)
	want := "client pid 1234 of container work refused: peer in another pid namespace (peer pid:[4026532001], container pid:[4026531836])"
	if err == nil || err.Error() != want {
		t.Fatalf("error %q, want %q", err, want)
	}
}

// TestGuardRealSocket connects this process to a guarded socket: its own
// pid namespace as the container's is accepted, another is refused (the
// connection closed), and the listener keeps serving.
func TestGuardRealSocket(t *testing.T) {
	self, err := kernel.PidNamespace(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	ns := &fakeNS{ns: map[string]uint64{"personal": self, "work": self + 1}}
	c := &Checker{NS: ns}
	dir := testutil.RuntimeDir(t)
	for _, tc := range []struct {
		container string
		accept    bool
	}{{"personal", true}, {"work", false}} {
		path := filepath.Join(dir, tc.container)
		l, err := unixsock.Listen(unixsock.Stream, path, unixsock.ListenOptions{Mode: 0o600, UID: -1, GID: -1})
		if err != nil {
			t.Fatal(err)
		}
		var got []Result
		g := c.Guard(l, tc.container, func(r Result, _ error) { got = append(got, r) })
		accepted := make(chan net.Conn, 1)
		go func() {
			defer close(accepted)
			for {
				conn, err := g.Accept()
				if err != nil {
					return
				}
				accepted <- conn
			}
		}()
		cl, err := unixsock.Dial(unixsock.Stream, path)
		if err != nil {
			t.Fatal(err)
		}
		if tc.accept {
			// Accepted: Accept returns the connection.
			if conn, ok := <-accepted; !ok {
				t.Errorf("%s: refused, want accepted", tc.container)
			} else {
				conn.Close()
			}
		} else {
			// Refused: the server closes; a read sees the end, and
			// Accept keeps waiting for the next client.
			var b [1]byte
			if n, err := cl.Read(b[:]); n != 0 || err == nil {
				t.Errorf("%s: refused client read %d, %v", tc.container, n, err)
			}
		}
		cl.Close()
		g.Close()
		if conn, ok := <-accepted; ok {
			t.Errorf("%s: Accept returned a second connection", tc.container)
			conn.Close()
		}
		if len(got) != 1 || got[0].PeerPID != os.Getpid() || got[0].PeerNS != self || got[0].Accept != tc.accept {
			t.Errorf("%s: reports %+v", tc.container, got)
		}
	}
}

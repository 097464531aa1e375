package peercheck

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"droidplex/internal/testutil"
	"droidplex/internal/unixsock"
	"droidplex/kernel"
)

// A client that connected and then exited is never taken for whoever has
// its pid now. The stand-in PeerNS answers the container's namespace for
// any pid, as /proc would once the pid was recycled into the container;
// the check must not believe it, because SO_PEERPIDFD shows the peer gone.
// Before, the pid alone decided and the client was accepted.
func TestPeerThatExitedIsNotTrusted(t *testing.T) {
	if p := os.Getenv("DPX_PEERCHECK_DIAL"); p != "" {
		c, err := unixsock.Dial(unixsock.Stream, p)
		if err != nil {
			t.Fatal(err)
		}
		c.Close()
		return
	}
	path := filepath.Join(testutil.RuntimeDir(t), "work")
	l, err := unixsock.Listen(unixsock.Stream, path, unixsock.ListenOptions{Mode: 0o600, UID: -1, GID: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	child := exec.Command(os.Args[0], "-test.run=^TestPeerThatExitedIsNotTrusted$", "-test.count=1")
	child.Env = append(os.Environ(), "DPX_PEERCHECK_DIAL="+path)
	if out, err := child.CombinedOutput(); err != nil { // connected, exited, reaped
		t.Fatalf("child: %v\n%s", err, out)
	}
	conn, err := l.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	c := &Checker{
		NS:     &fakeNS{ns: map[string]uint64{"work": 7}},
		PeerNS: func(int) (uint64, error) { return 7, nil }, // the recycled pid's answer
	}
	res, err := c.CheckConn(context.Background(), "work", conn)
	if !errors.Is(err, kernel.ErrWrongContainer) || res.Accept {
		t.Fatalf("a peer that exited was accepted: %+v, %v", res, err)
	}
	if res.PeerNS != 0 {
		t.Errorf("peer namespace %d, want unknown", res.PeerNS)
	}
}

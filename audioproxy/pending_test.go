package audioproxy

import (
	"net"
	"testing"
	"time"

	"droidplex/internal/unixsock"
)

// Connections that never send Open are bounded per container: past the
// bound a connection is closed at once, the other container is unaffected,
// and the container recovers once the silent ones go.
func TestSilentConnectionsBounded(t *testing.T) {
	ts := startServer(t, 2)
	var silent []*net.UnixConn
	defer func() {
		for _, c := range silent {
			c.Close()
		}
	}()
	for range 2 {
		c, err := unixsock.Dial(unixsock.SeqPacket, ts.sock["personal"])
		if err != nil {
			t.Fatal(err)
		}
		silent = append(silent, c)
	}
	// Both silent connections must be registered before the next one comes.
	deadline := time.Now().Add(5 * time.Second)
	for {
		ts.srv.mu.Lock()
		n := ts.srv.pending[ts.eng.Container("personal")]
		ts.srv.mu.Unlock()
		if n == 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d pending connections registered, want 2", n)
		}
		time.Sleep(5 * time.Millisecond)
	}
	if s, err := ts.open(t, "personal"); err == nil {
		s.Close()
		t.Fatal("a third connection was served while two silent ones wait")
	}
	if s, err := ts.open(t, "work"); err != nil {
		t.Fatalf("other container refused: %v", err)
	} else {
		s.Close()
	}
	for _, c := range silent {
		c.Close()
	}
	silent = nil
	deadline = time.Now().Add(5 * time.Second)
	for {
		s, err := ts.open(t, "personal")
		if err == nil {
			s.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("personal still refused after its silent connections went: %v", err)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

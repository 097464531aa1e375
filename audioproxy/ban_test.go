package audioproxy

import (
	"errors"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"droidplex/audioproxy/wire"
	"droidplex/internal/linux"
)

// tamper opens a stream in container c, switches its shared eventfd to
// blocking mode (so that a wake-up from the device callback could block)
// and asks for a wake-up; it returns once the server has dropped the
// stream.
func tamper(t *testing.T, ts *testServer, c string) {
	t.Helper()
	conn, mf, ef := rawOpen(t, ts.sock[c])
	defer conn.Close()
	defer ef.Close()
	mem, err := linux.Mmap(mf, 0, 16384, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED)
	mf.Close()
	if err != nil {
		t.Fatal(err)
	}
	defer linux.Munmap(mem)
	rc, _ := ef.SyscallConn()
	rc.Control(func(fd uintptr) { syscall.SetNonblock(int(fd), false) })
	ring, err := wire.Attach(mem, wire.Geometry{Capacity: 16 * 240, Params: testDev.Params, Period: 240})
	if err != nil {
		t.Fatal(err)
	}
	ring.SetWritePos(960) // data to consume, and a waiting writer to wake
	ring.SetFlags(wire.FlagWaiting)
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	if n, err := conn.Read(make([]byte, 16)); n != 0 || err == nil {
		t.Fatalf("server kept the tampered stream: %d, %v", n, err)
	}
}

// tryOpen asks container c's socket for an output stream and returns the
// server's refusal, or nil (the stream is then closed at once).
func tryOpen(t *testing.T, ts *testServer, c string) error {
	t.Helper()
	conn, files, err := requestStream(t, ts.sock[c])
	conn.Close()
	for _, f := range files {
		f.Close()
	}
	return err
}

// refusedFor measures how long container c's opens stay refused for
// tampering, from now.
func refusedFor(t *testing.T, ts *testServer, c string) time.Duration {
	t.Helper()
	t0 := time.Now()
	for time.Since(t0) < 10*time.Second {
		err := tryOpen(t, ts, c)
		if err == nil {
			return time.Since(t0)
		}
		if !errors.Is(err, wire.ErrLimit) || !strings.Contains(err.Error(), "tampered") {
			t.Fatalf("refusal %q: want the tampering one", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("%s still refused after 10 s", c)
	return 0
}

// TestTamperingContainerIsRefusedForAWhile: a container whose client cleared
// O_NONBLOCK on its stream's shared eventfd loses that stream and may open
// no other for a while, twice as long at the next offence: a client may
// otherwise try again and again to win the race between the device
// callback's flag check and its write, each win stalling every container's
// sound until the watchdog frees the callback. Other containers are not
// refused.
func TestTamperingContainerIsRefusedForAWhile(t *testing.T) {
	ts := startServer(t, 4)
	const ban = 400 * time.Millisecond
	ts.srv.mu.Lock()
	ts.srv.banFor = ban
	ts.srv.mu.Unlock()

	tamper(t, ts, "work")
	if err := tryOpen(t, ts, "personal"); err != nil {
		t.Fatalf("personal refused: %v", err)
	}
	// Measured from after the stream ended, so a little under the ban;
	// the bounds leave room for a slow machine and still tell a doubled
	// ban (800 ms) from a repeated one (400 ms and the polling's 20 ms).
	if d := refusedFor(t, ts, "work"); d < ban/2 {
		t.Fatalf("work refused for %v after its first offence, want about %v", d, ban)
	}
	tamper(t, ts, "work")
	if d := refusedFor(t, ts, "work"); d < ban*3/2 {
		t.Fatalf("work refused for %v after its second offence, want about %v", d, 2*ban)
	}
}

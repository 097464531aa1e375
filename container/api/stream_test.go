package api

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"droidplex/container/events"
	"droidplex/container/wire"
	"droidplex/internal/ctlhttp"
	"droidplex/internal/linux"
	"droidplex/internal/testutil"
	"droidplex/internal/unixsock"
)

// A subscriber that stops reading its event stream (without hanging up) is
// cut off by the hub and then, once a write has been stuck for
// WriteTimeout, disconnected: the server no longer holds its connection and
// a goroutine for as long as the client lives.
func TestStalledSubscriberIsDisconnected(t *testing.T) {
	path := filepath.Join(testutil.RuntimeDir(t), "d.sock")
	l, err := unixsock.Listen(unixsock.Stream, path, unixsock.ListenOptions{UID: -1, GID: -1})
	if err != nil {
		t.Fatal(err)
	}
	s := New(events.NewHub())
	s.WriteTimeout = 200 * time.Millisecond
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- ctlhttp.Serve(ctx, l, s.Handler(nil)) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	}()

	c, err := net.Dial("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintf(c, "GET /v1/events HTTP/1.1\r\nHost: droidplexd\r\n\r\n") // and never read
	for s.Hub.Subscribers() < 1 {
		time.Sleep(time.Millisecond)
	}
	// Far more than the socket holds, in batches the server keeps up with
	// until the socket is full and its write blocks (then the hub cuts the
	// subscriber off).
	for i := range 20000 {
		s.Hub.Publish(wire.Event{Type: wire.EventCallState, CallState: &wire.CallState{Container: "work", Index: i}})
		if i%50 == 49 {
			time.Sleep(time.Millisecond)
		}
	}
	raw, err := c.(*net.UnixConn).SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	hup := false
	deadline := time.Now().Add(10 * time.Second) // a hang guard
	for !hup && time.Now().Before(deadline) {
		_ = raw.Control(func(fd uintptr) {
			p := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLRDHUP}}
			if n, _ := linux.Poll(p, 100); n == 1 && p[0].Revents&(unix.POLLRDHUP|unix.POLLHUP) != 0 {
				hup = true
			}
		})
	}
	if !hup {
		t.Fatal("the server still holds the connection of a subscriber that stopped reading")
	}
}

// A subscriber the hub cut off gets "missed" and then the end of the
// connection, not a connection kept open for a request it will not send.
func TestCutOffSubscriberIsHungUp(t *testing.T) {
	path := filepath.Join(testutil.RuntimeDir(t), "d.sock")
	l, err := unixsock.Listen(unixsock.Stream, path, unixsock.ListenOptions{UID: -1, GID: -1})
	if err != nil {
		t.Fatal(err)
	}
	s := New(events.NewHub())
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- ctlhttp.Serve(ctx, l, s.Handler(nil)) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	}()
	c, err := net.Dial("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintf(c, "GET /v1/events HTTP/1.1\r\nHost: droidplexd\r\n\r\n")
	for s.Hub.Subscribers() < 1 {
		time.Sleep(time.Millisecond)
	}
	// The server flushes each event it has caught up to, so a tight loop
	// overruns the hub's buffer long before it overruns the socket.
	for i := 0; s.Hub.Subscribers() == 1; i++ {
		s.Hub.Publish(wire.Event{Type: wire.EventCallState, CallState: &wire.CallState{Container: "work", Index: i}})
	}
	_ = c.SetReadDeadline(time.Now().Add(10 * time.Second)) // a hang guard
	got, err := io.ReadAll(c)
	if err != nil {
		t.Fatalf("the connection stayed open after the stream was cut off: %v", err)
	}
	if !bytes.Contains(got, []byte(`"type":"missed"`)) {
		t.Fatalf("the stream ended without a missed event: ...%q", got[max(0, len(got)-200):])
	}
}

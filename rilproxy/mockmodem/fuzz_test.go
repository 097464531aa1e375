package mockmodem

import (
	"context"
	"log/slog"
	"net"
	"path/filepath"
	"testing"
	"time"

	"droidplex/internal/testutil"
	"droidplex/internal/unixsock"
	"droidplex/rilproxy/parcel"
)

// FuzzHandle feeds arbitrary requests to the modem's request handler: it
// must answer each with exactly one response (or nothing for 800) and never
// panic, whatever the id and payload.
func FuzzHandle(f *testing.F) {
	f.Add(int32(parcel.ReqDial), parcel.Dial{Address: parcel.Str("+1555")}.AppendTo(nil))
	f.Add(int32(parcel.ReqHangup), parcel.AppendInts(nil, 1))
	f.Add(int32(parcel.ReqSendSms), parcel.AppendStrings(nil, parcel.Null, parcel.Str("0100")))
	f.Add(int32(parcel.ReqSimIo), parcel.SIMIO{Command: simReadBinary, FileID: efICCID, P1: 0x7f, P3: 200}.AppendTo(nil))
	f.Add(int32(parcel.ReqSetupDataCall), parcel.AppendStrings(nil))
	f.Add(int32(parcel.ReqSeparateConnection), parcel.AppendInts(nil, -1))
	f.Add(int32(parcel.ReqDtmf), parcel.AppendString(nil, ""))
	m := New(Config{AlertAfter: time.Hour, QueueLen: 1 << 16}, slog.New(slog.DiscardHandler))
	defer m.Close()
	m.radio = parcel.RadioOn
	a, b := net.Pipe()
	defer a.Close()
	defer b.Close()
	c := &client{conn: a, out: make(chan []byte, 1<<16)}
	m.clients[c] = struct{}{}
	f.Fuzz(func(t *testing.T, id int32, payload []byte) {
		m.mu.Lock()
		m.handle(c, parcel.Request{ID: parcel.ReqID(id), Serial: 7, Payload: payload})
		m.mu.Unlock()
		responses := 0
		for len(c.out) > 0 {
			rec := <-c.out
			msg, err := parcel.ParseMessage(rec[4:])
			if err != nil {
				t.Fatalf("modem sent a bad record: %v", err)
			}
			if !msg.IsUnsolicited() {
				responses++
			}
		}
		want := 1
		if parcel.ReqID(id) == parcel.ReqResponseAcknowledgement {
			want = 0
		}
		if responses != want {
			t.Fatalf("request %v: %d responses", parcel.ReqID(id), responses)
		}
	})
}

// TestServeEndsWhenListenerCloses: Serve returns (and drops its clients)
// when its listener is closed under it, not only when ctx ends.
func TestServeEndsWhenListenerCloses(t *testing.T) {
	path := filepath.Join(testutil.RuntimeDir(t), "rild")
	l, err := unixsock.Listen(unixsock.Stream, path, unixsock.ListenOptions{Mode: 0o600, UID: -1, GID: -1})
	if err != nil {
		t.Fatal(err)
	}
	m := New(Config{}, testutil.Logger(t))
	defer m.Close()
	done := make(chan error, 1)
	go func() { done <- m.Serve(context.Background(), l) }()
	c := dial(t, path)
	c.connected()
	l.Close()
	if err := <-done; err != nil {
		t.Errorf("serve: %v", err)
	}
	c.expectClosed()
}

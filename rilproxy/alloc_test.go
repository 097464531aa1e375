package rilproxy

import (
	"encoding/binary"
	"fmt"
	"io"
	"log/slog"
	"net"
	"testing"

	"droidplex/rilproxy/parcel"
	"droidplex/rilproxy/policy"
)

// lastFrame keeps the last frame written to it (the modem side).
type lastFrame struct{ b []byte }

func (w *lastFrame) Write(p []byte) (int, error) { w.b = append(w.b[:0], p...); return len(p), nil }
func (w *lastFrame) Close() error                { return nil }

// hotMux is a Mux with sessions for n containers and a capturing modem, and
// no goroutines: the test drives the relay path itself.
func hotMux(tb testing.TB, n int) (*Mux, []*session, *lastFrame) {
	names := make([]string, n)
	for i := range names {
		names[i] = fmt.Sprintf("c%d", i)
	}
	m, err := New(Config{Policy: policy.Config{Containers: names}}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		tb.Fatal(err)
	}
	w := &lastFrame{}
	m.up = w
	m.upOK.Store(true)
	ss := make([]*session, n)
	for i := range ss {
		a, b := net.Pipe()
		tb.Cleanup(func() { a.Close(); b.Close() })
		ss[i] = newSession(names[i], i+1, a, 4)
		m.sessions[i] = ss[i]
	}
	return m, ss, w
}

// relayOnce sends one request of s through the Mux to the modem and the
// modem's reply back into s's queue, and empties the queue.
func relayOnce(m *Mux, s *session, w *lastFrame, req, resp []byte, payload []byte) {
	m.request(s, req)
	serial := int32(binary.LittleEndian.Uint32(w.b[8:12]))
	resp = parcel.AppendResponse(resp[:0], serial, parcel.Success, payload)
	m.fromModem(resp)
	b := <-s.out
	s.free <- b[:0]
}

// The request relay path (client → modem → client) allocates nothing, at
// the largest fan-in the tests use (8 containers).
func TestRelayAllocatesNothing(t *testing.T) {
	m, ss, w := hotMux(t, 8)
	payload := []byte{1, 2, 3, 4}
	proto := parcel.AppendRequest(nil, parcel.ReqQueryClip, 7, payload)
	req := make([]byte, len(proto))
	resp := make([]byte, 0, 64)
	i := 0
	allocs := testing.AllocsPerRun(1000, func() {
		copy(req, proto)
		relayOnce(m, ss[i%len(ss)], w, req, resp, payload)
		i++
	})
	if allocs != 0 {
		t.Fatalf("%.1f allocations per relayed request, want 0", allocs)
	}
}

package mockmodem

import (
	"context"
	"fmt"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"droidplex/internal/testutil"
	"droidplex/internal/unixsock"
	"droidplex/rilproxy/parcel"
)

func TestMain(m *testing.M) { testutil.Main(m) }

// startModem serves a new modem on a socket in a fresh runtime directory.
func startModem(t *testing.T, cfg Config) (*Modem, string) {
	t.Helper()
	dir := testutil.RuntimeDir(t)
	path := filepath.Join(dir, "rild")
	l, err := unixsock.Listen(unixsock.Stream, path, unixsock.ListenOptions{Mode: 0o666, UID: -1, GID: -1})
	if err != nil {
		t.Fatal(err)
	}
	m := New(cfg, testutil.Logger(t))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.Serve(ctx, l) }()
	t.Cleanup(func() {
		cancel()
		m.Close()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return m, path
}

// rilClient is a minimal rild client (what oFono's gril does) that records
// a transcript of everything it sees.
type rilClient struct {
	t      *testing.T
	conn   net.Conn
	msgs   chan parcel.Message
	serial int32
	log    []string
}

func dial(t *testing.T, path string) *rilClient {
	t.Helper()
	conn, err := unixsock.Dial(unixsock.Stream, path)
	if err != nil {
		t.Fatal(err)
	}
	c := &rilClient{t: t, conn: conn, msgs: make(chan parcel.Message, 64)}
	go func() {
		defer close(c.msgs)
		fr := parcel.NewFrameReader(conn, parcel.MaxClientBody)
		for {
			body, err := fr.Next()
			if err != nil {
				return
			}
			m, err := parcel.ParseMessage(body)
			if err != nil {
				t.Errorf("bad message from modem: %v", err)
				return
			}
			m.Payload = append([]byte{}, m.Payload...)
			c.msgs <- m
		}
	}()
	t.Cleanup(func() { conn.Close() })
	return c
}

func (c *rilClient) next() parcel.Message {
	c.t.Helper()
	select {
	case m, ok := <-c.msgs:
		if !ok {
			c.t.Fatal("modem closed the connection")
		}
		return m
	case <-time.After(10 * time.Second):
		c.t.Fatal("no message from the modem in 10s")
	}
	return parcel.Message{}
}

func describe(m parcel.Message, req parcel.ReqID) string {
	if m.IsUnsolicited() {
		v, err := parcel.DecodeUnsol(m.Unsol, m.Payload)
		if err != nil {
			return fmt.Sprintf("UNSOL %s undecodable: %v", m.Unsol.Name(), err)
		}
		if _, ok := v.(parcel.Void); ok {
			return "UNSOL " + m.Unsol.Name()
		}
		return fmt.Sprintf("UNSOL %s %+v", m.Unsol.Name(), v)
	}
	if m.Error != parcel.Success {
		return fmt.Sprintf("RESP %s error %d", req.Name(), m.Error)
	}
	v, err := parcel.DecodeResponse(req, m.Payload)
	if err != nil {
		return fmt.Sprintf("RESP %s undecodable: %v", req.Name(), err)
	}
	if _, ok := v.(parcel.Void); ok {
		return "RESP " + req.Name()
	}
	return fmt.Sprintf("RESP %s %+v", req.Name(), v)
}

// unsol waits for the next indication, which must be id.
func (c *rilClient) unsol(id parcel.UnsolID) parcel.Message {
	c.t.Helper()
	m := c.next()
	c.log = append(c.log, describe(m, 0))
	if !m.IsUnsolicited() || m.Unsol != id {
		c.t.Fatalf("got %s, want indication %v", describe(m, 0), id)
	}
	return m
}

// send writes a raw request body.
func (c *rilClient) send(body []byte) {
	c.t.Helper()
	if _, err := c.conn.Write(parcel.AppendFrame(nil, body)); err != nil {
		c.t.Fatal(err)
	}
}

// do sends a request and waits for its response; indications that arrive
// first fail the test (use unsol to consume expected ones).
func (c *rilClient) do(id parcel.ReqID, payload parcel.Payload) parcel.Message {
	c.t.Helper()
	c.serial++
	var p []byte
	if payload != nil {
		p = payload.AppendTo(nil)
	}
	c.send(parcel.AppendRequest(nil, id, c.serial, p))
	m := c.next()
	c.log = append(c.log, fmt.Sprintf("> %s", id.Name()), describe(m, id))
	if m.Type != parcel.Solicited || m.Serial != c.serial {
		c.t.Fatalf("%v: got %s (type %d serial %d), want its response", id, describe(m, id), m.Type, m.Serial)
	}
	return m
}

// decode returns the typed response payload of a successful request.
func (c *rilClient) decode(id parcel.ReqID, payload parcel.Payload) parcel.Payload {
	c.t.Helper()
	m := c.do(id, payload)
	if m.Error != parcel.Success {
		c.t.Fatalf("%v failed: %d", id, m.Error)
	}
	v, err := parcel.DecodeResponse(id, m.Payload)
	if err != nil {
		c.t.Fatal(err)
	}
	return v
}

// expectClosed waits until the modem hangs up on c.
func (c *rilClient) expectClosed() {
	c.t.Helper()
	for {
		select {
		case m, ok := <-c.msgs:
			if !ok {
				return
			}
			c.log = append(c.log, describe(m, 0))
		case <-time.After(10 * time.Second):
			c.t.Fatal("modem did not close the connection")
		}
	}
}

func (c *rilClient) transcript() string { return strings.Join(c.log, "\n") }

// connected reads the two records libril sends on accept.
func (c *rilClient) connected() {
	c.t.Helper()
	c.unsol(parcel.UnsolRilConnected)
	c.unsol(parcel.UnsolRadioStateChanged)
}

// radioOn powers the radio up and consumes the indications that follow.
func (c *rilClient) radioOn() {
	c.t.Helper()
	c.do(parcel.ReqRadioPower, parcel.Ints{1})
	c.unsol(parcel.UnsolRadioStateChanged)
	c.unsol(parcel.UnsolVoiceNetworkStateChanged)
}

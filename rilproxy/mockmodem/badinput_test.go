package mockmodem

import (
	"context"
	"encoding/binary"
	"testing"
	"time"

	"droidplex/internal/unixsock"
	"droidplex/rilproxy/parcel"
)

// healthy checks that a client is still fully served.
func healthy(t *testing.T, c *rilClient) {
	t.Helper()
	if v := c.decode(parcel.ReqGetImei, nil).(parcel.String); v.Value.S != DefaultConfig().IMEI {
		t.Fatalf("IMEI %v", v)
	}
}

// TestBadInputDisconnects: framing errors close only the offending client.
func TestBadInputDisconnects(t *testing.T) {
	_, path := startModem(t, Config{})
	good := dial(t, path)
	good.connected()
	tests := []struct {
		name string
		raw  []byte
	}{
		{"length over libril's 8192", binary.BigEndian.AppendUint32(nil, parcel.MaxBody+1)},
		{"lying length", []byte{0xff, 0xff, 0xff, 0xff, 1, 2, 3}},
		{"body too short for id and serial", parcel.AppendFrame(nil, []byte{10, 0, 0, 0})},
		{"empty body", parcel.AppendFrame(nil, nil)},
		{"stream cut inside a record", parcel.AppendFrame(nil, parcel.AppendRequest(nil, parcel.ReqGetImei, 1, nil))[:9]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bad := dial(t, path)
			bad.connected()
			if _, err := bad.conn.Write(tt.raw); err != nil {
				t.Fatal(err)
			}
			if tt.name == "stream cut inside a record" {
				bad.conn.(interface{ CloseWrite() error }).CloseWrite()
			}
			bad.expectClosed()
			healthy(t, good)
		})
	}
}

// TestBadInputAnswered: bad requests get an error response, as libril
// answers an unknown id, and the connection stays usable.
func TestBadInputAnswered(t *testing.T) {
	_, path := startModem(t, Config{})
	c := dial(t, path)
	c.connected()
	lying := parcel.AppendInt32(nil, 0x7fffffff) // a string count far beyond the payload
	tests := []struct {
		name    string
		id      parcel.ReqID
		payload []byte
		want    parcel.Errno
	}{
		{"unknown id", 999, nil, parcel.GenericFailure},
		{"id zero", 0, nil, parcel.GenericFailure},
		{"negative id", -5, nil, parcel.GenericFailure},
		{"truncated dial", parcel.ReqDial, parcel.AppendString(nil, "+15551234567")[:10], parcel.GenericFailure},
		{"dial without clir", parcel.ReqDial, parcel.AppendString(nil, "+1"), parcel.GenericFailure},
		{"lying string count", parcel.ReqGetImsi, lying, parcel.GenericFailure},
		{"ints count 0", parcel.ReqRadioPower, parcel.AppendInts(nil), parcel.GenericFailure},
		{"missing ints", parcel.ReqHangup, nil, parcel.GenericFailure},
		{"truncated sim io", parcel.ReqSimIo, parcel.SIMIO{Path: parcel.Str("3F00")}.AppendTo(nil)[:12], parcel.GenericFailure},
		{"unimplemented", parcel.ReqStkGetProfile, nil, parcel.RequestNotSupported},
		{"sms without pdu", parcel.ReqSendSms, parcel.AppendStrings(nil, parcel.Null, parcel.Null), parcel.InvalidArguments},
		{"largest accepted record", parcel.ReqOemHookRaw, parcel.AppendBytes(nil, make([]byte, parcel.MaxBody-8-4)), parcel.RequestNotSupported},
	}
	for _, tt := range tests {
		c.serial++
		c.send(parcel.AppendRequest(nil, tt.id, c.serial, tt.payload))
		m := c.next()
		if m.Type != parcel.Solicited || m.Serial != c.serial || m.Error != tt.want {
			t.Errorf("%s: got type %d serial %d error %d; want serial %d error %d", tt.name, m.Type, m.Serial, m.Error, c.serial, tt.want)
		}
	}
	// Request 800 is consumed silently, as libril does.
	c.send(parcel.AppendRequest(nil, parcel.ReqResponseAcknowledgement, 4242, nil))
	healthy(t, c)
}

// TestClientsIsolated: two clients using the same serials each get only
// their own responses; one vanishing mid-request harms nobody.
func TestClientsIsolated(t *testing.T) {
	m, path := startModem(t, Config{})
	a, b := dial(t, path), dial(t, path)
	a.connected()
	b.connected()
	a.send(parcel.AppendRequest(nil, parcel.ReqGetImei, 1, nil))
	b.send(parcel.AppendRequest(nil, parcel.ReqGetImsi, 1, parcel.Strings{parcel.Null}.AppendTo(nil)))
	ra, rb := a.next(), b.next()
	va, _ := parcel.DecodeResponse(parcel.ReqGetImei, ra.Payload)
	vb, _ := parcel.DecodeResponse(parcel.ReqGetImsi, rb.Payload)
	if va.(parcel.String).Value.S != DefaultConfig().IMEI || vb.(parcel.String).Value.S != DefaultConfig().IMSI {
		t.Errorf("crossed responses: a got %v, b got %v", va, vb)
	}
	// A client sends a request and vanishes before the answer.
	gone, err := unixsock.Dial(unixsock.Stream, path)
	if err != nil {
		t.Fatal(err)
	}
	gone.Write(parcel.AppendFrame(nil, parcel.AppendRequest(nil, parcel.ReqGetCurrentCalls, 1, nil)))
	gone.Close()
	healthy(t, a)
	healthy(t, b)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := m.WaitFor(ctx, func(s Status) bool { return s.Clients == 2 }); err != nil {
		t.Error(err)
	}
}

// TestSlowReaderDisconnected: a client that stops reading while
// indications pile up is dropped; the modem keeps serving.
func TestSlowReaderDisconnected(t *testing.T) {
	m, path := startModem(t, Config{QueueLen: 4})
	slow, err := unixsock.Dial(unixsock.Stream, path)
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := m.WaitFor(ctx, func(s Status) bool { return s.Clients == 1 }); err != nil {
		t.Fatal(err)
	}
	// Each indication is 60 bytes; enough of them fill the socket buffer
	// and then the 4-record queue.
	for i := 0; m.Status().Clients == 1; i++ {
		if err := m.SetSignal(i % 5); err != nil {
			t.Fatal(err)
		}
		if ctx.Err() != nil {
			t.Fatal("slow reader never disconnected")
		}
	}
	c := dial(t, path)
	c.connected()
	healthy(t, c)
}

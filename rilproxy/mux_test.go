package rilproxy

import (
	"bytes"
	"errors"
	"net"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"droidplex/rilproxy/parcel"
	"droidplex/rilproxy/rilproxytest"
)

func TestGreetingLikeLibril(t *testing.T) {
	r := startRig(t, Config{}, &rilproxytest.Modem{Version: 13})
	c, err := rilproxytest.Dial(filepath.Join(r.dir, "work"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	u, _ := c.Unsol(5 * time.Second)
	if u.Unsol != parcel.UnsolRilConnected || !bytes.Equal(u.Payload, []byte{1, 0, 0, 0, 13, 0, 0, 0}) {
		t.Fatalf("first message %v %x", u.Unsol, u.Payload)
	}
	u, _ = c.Unsol(5 * time.Second)
	if u.Unsol != parcel.UnsolRadioStateChanged || !bytes.Equal(u.Payload, parcel.AppendInt32(nil, 10)) {
		t.Fatalf("second message %v %x", u.Unsol, u.Payload)
	}
}

func TestSecondClientRefused(t *testing.T) {
	r := startRig(t, Config{}, &rilproxytest.Modem{})
	first := r.dial("personal")
	second, err := rilproxytest.Dial(filepath.Join(r.dir, "personal"))
	if err != nil {
		t.Fatal(err)
	}
	defer second.Close()
	if !second.Closed() {
		t.Fatal("second client not disconnected")
	}
	// the first keeps working
	wantErr(t, do(t, first, parcel.ReqGetMute, nil), parcel.Success)
	first.Close()
	// and once it left, the socket takes a new client
	r.dial("personal")
}

func TestSerialsRemappedAndRoutedBack(t *testing.T) {
	r := startRig(t, Config{}, &rilproxytest.Modem{Delay: rilproxytest.RandomDelay(5 * time.Millisecond)})
	a, b := r.dial("personal"), r.dial("work")
	// both clients use serials 1, 2, 3...; the modem echoes the payload
	var ca, cb []<-chan rilproxytest.Message
	for i := range 20 {
		ca = append(ca, a.Send(parcel.ReqOemHookStrings-1, parcel.AppendInt32(nil, int32(i)))) // SCREEN_STATE? no: 59 OEM_HOOK_RAW is denied
		cb = append(cb, b.Send(parcel.ReqQueryClip, parcel.AppendInt32(nil, int32(1000+i))))
	}
	for i := range 20 {
		ma, mb := <-ca[i], <-cb[i]
		if ma.Error != parcel.RequestNotSupported {
			t.Fatalf("denied request answered %d", ma.Error)
		}
		if !bytes.Equal(mb.Payload, parcel.AppendInt32(nil, int32(1000+i))) {
			t.Fatalf("work's reply %d carries %x", i, mb.Payload)
		}
	}
	if a.Err() != nil || b.Err() != nil {
		t.Fatal(a.Err(), b.Err())
	}
	if n := r.modem.Count(parcel.ReqOemHookRaw); n != 0 {
		t.Fatalf("denied request reached the modem %d times", n)
	}
}

func TestAcknowledgementTypes(t *testing.T) {
	first := true
	modem := &rilproxytest.Modem{Handler: func(req parcel.Request) rilproxytest.Reply {
		r := rilproxytest.Reply{Payload: parcel.AppendInts(nil, 0)}
		if first {
			r.Type, first = parcel.SolicitedAckExp, false
		}
		return r
	}}
	r := startRig(t, Config{}, modem)
	c := r.dial("personal")
	m := do(t, c, parcel.ReqGetMute, nil) // type 3 arrives as type 0
	wantErr(t, m, parcel.Success)
	// a type-4 indication arrives as type 1; a type-2 early ack is absorbed
	modem.Raw(parcel.AppendInt32(parcel.AppendInt32(nil, int32(parcel.SolicitedAck)), 77))
	body := parcel.AppendUnsol(nil, parcel.UnsolSignalStrength, make([]byte, 13*4))
	parcel.SetResponseType(body, parcel.UnsolicitedAckExp)
	modem.Raw(body)
	u, err := c.WaitUnsol(parcel.UnsolSignalStrength)
	if err != nil || u.Type != parcel.Unsolicited {
		t.Fatalf("%v type %d", err, u.Type)
	}
	waitFor(t, "two acknowledgements upstream", func() bool { return modem.Count(parcel.ReqResponseAcknowledgement) == 2 })
	// a client's own 800 is absorbed
	c.Send(parcel.ReqResponseAcknowledgement, nil)
	wantErr(t, do(t, c, parcel.ReqGetMute, nil), parcel.Success)
	// (had it been forwarded, it would have reached the modem before GET_MUTE)
	if n := modem.Count(parcel.ReqResponseAcknowledgement); n != 2 {
		t.Fatalf("%d acknowledgements upstream, want 2", n)
	}
}

func TestTimeoutAnswersClient(t *testing.T) {
	modem := &rilproxytest.Modem{Handler: func(parcel.Request) rilproxytest.Reply { return rilproxytest.Reply{None: true} }}
	r := startRig(t, Config{Timeout: 50 * time.Millisecond}, modem)
	c := r.dial("personal")
	scan := c.Send(parcel.ReqQueryAvailableNetworks, nil) // a slow request: more patience
	wantErr(t, do(t, c, parcel.ReqGetMute, nil), parcel.GenericFailure)
	select {
	case m := <-scan:
		t.Fatalf("network scan answered %d at the short timeout", m.Error)
	default:
	}
	if d := r.m.timeout(parcel.ReqQueryAvailableNetworks); d != slowTimeout {
		t.Fatalf("scan timeout %v", d)
	}
}

func TestInFlightBounded(t *testing.T) {
	modem := &rilproxytest.Modem{Handler: func(parcel.Request) rilproxytest.Reply { return rilproxytest.Reply{None: true} }}
	r := startRig(t, Config{MaxInFlight: 2, Timeout: time.Minute}, modem)
	c := r.dial("personal")
	c.Send(parcel.ReqGetMute, nil)
	c.Send(parcel.ReqGetMute, nil)
	wantErr(t, do(t, c, parcel.ReqGetMute, nil), parcel.GenericFailure)
	// another container has its own table
	w := r.dial("work")
	ch := w.Send(parcel.ReqGetMute, nil)
	select {
	case m := <-ch:
		t.Fatalf("work's request answered %d while the modem is silent", m.Error)
	case <-time.After(50 * time.Millisecond):
	}
}

func TestDisconnectedContainersRepliesDropped(t *testing.T) {
	var mu sync.Mutex
	var held []int32
	modem := &rilproxytest.Modem{Handler: func(req parcel.Request) rilproxytest.Reply {
		mu.Lock()
		defer mu.Unlock()
		if len(held) < 4 {
			held = append(held, req.Serial)
			return rilproxytest.Reply{None: true}
		}
		return rilproxytest.Reply{}
	}}
	r := startRig(t, Config{MaxInFlight: 4}, modem)
	c := r.dial("personal")
	for range 4 {
		c.Send(parcel.ReqGetMute, nil)
	}
	waitFor(t, "requests upstream", func() bool { return modem.Count(parcel.ReqGetMute) == 4 })
	c.Close()
	c2 := r.dial("personal")
	mu.Lock()
	for _, s := range held { // the old replies arrive now, for a client that left
		modem.Raw(parcel.AppendResponse(nil, s, parcel.Success, parcel.AppendInts(nil, 9)))
	}
	mu.Unlock()
	waitFor(t, "slots freed", func() bool {
		return r.m.tables[1].inFlight() == 0
	})
	for range 4 { // the table is usable again, and nothing stray arrived
		wantErr(t, do(t, c2, parcel.ReqGetMute, nil), parcel.Success)
	}
	if c2.Err() != nil {
		t.Fatal(c2.Err())
	}
}

func TestModemGoneAndBack(t *testing.T) {
	silent := true
	var mu sync.Mutex
	modem := &rilproxytest.Modem{Handler: func(req parcel.Request) rilproxytest.Reply {
		mu.Lock()
		defer mu.Unlock()
		return rilproxytest.Reply{None: silent}
	}}
	r := startRig(t, Config{Timeout: time.Minute}, modem)
	c := r.dial("personal")
	wantErr(t, do(t, c, parcel.ReqRadioPower, parcel.AppendInts(nil, 1)), parcel.Success)
	ch := c.Send(parcel.ReqGetMute, nil)
	waitFor(t, "request upstream", func() bool { return modem.Count(parcel.ReqGetMute) == 1 })
	mu.Lock()
	silent = false
	mu.Unlock()
	r.m.wmu.Lock()
	r.m.up.Close()
	r.m.wmu.Unlock()
	wantErr(t, <-ch, parcel.RadioNotAvailable)
	for {
		u, err := c.WaitUnsol(parcel.UnsolRadioStateChanged)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Equal(u.Payload, parcel.AppendInt32(nil, radioUnavailable)) {
			break
		}
	}
	// the client stays connected; the modem is redialled and told the
	// radio power the containers want again
	waitFor(t, "modem back", func() bool { return modem.Count(parcel.ReqRadioPower) == 2 })
	wantErr(t, do(t, c, parcel.ReqGetMute, nil), parcel.Success)
}

func TestMalformedInput(t *testing.T) {
	r := startRig(t, Config{}, &rilproxytest.Modem{})
	c := r.dial("work")
	wantErr(t, do(t, c, 4242, nil), parcel.GenericFailure)                                                    // unknown id
	wantErr(t, do(t, c, parcel.ReqHangup, parcel.AppendInt32(nil, 5)), parcel.GenericFailure)                 // lying count
	wantErr(t, do(t, c, parcel.ReqShutdown, nil), parcel.RequestNotSupported)                                 // denied
	wantErr(t, do(t, c, parcel.ReqSetPreferredNetworkType, parcel.AppendInts(nil, 1)), parcel.GenericFailure) // owner-only
	p := r.dial("personal")
	wantErr(t, do(t, p, parcel.ReqSetPreferredNetworkType, parcel.AppendInts(nil, 1)), parcel.Success)
	// the modem sends garbage: ignored
	r.modem.Raw([]byte{9, 0, 0, 0, 1})
	r.modem.Raw([]byte{0, 0})
	wantErr(t, do(t, c, parcel.ReqGetMute, nil), parcel.Success)
	// an oversized record gets the client disconnected, and only it
	conn, err := net.Dial("unix", filepath.Join(r.dir, "work"))
	if err == nil { // refused anyway: work is connected; use its own socket
		conn.Close()
	}
	c.Close()
	raw, err := net.Dial("unix", filepath.Join(r.dir, "work"))
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	raw.Write([]byte{0, 1, 0, 0}) // 65536 bytes announced
	raw.SetReadDeadline(time.Now().Add(5 * time.Second))
	buf := make([]byte, 4096)
	var rerr error
	for rerr == nil {
		_, rerr = raw.Read(buf)
	}
	if errors.Is(rerr, errTimeout) {
		t.Fatal("oversized record did not end the connection")
	}
	wantErr(t, do(t, p, parcel.ReqGetMute, nil), parcel.Success)
}

var errTimeout = errors.New("timeout")

// A client that stops reading is disconnected once its queue is full; the
// modem reader never waits for it, and the other container keeps working.
func TestSlowReaderDisconnected(t *testing.T) {
	r := startRig(t, Config{QueueLen: 16}, &rilproxytest.Modem{})
	fast := r.dial("work")
	slow, err := net.Dial("unix", filepath.Join(r.dir, "personal"))
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Close()
	waitFor(t, "both connected", func() bool { return len(r.m.Status().Connected) == 2 })
	big := parcel.AppendBytes(nil, make([]byte, 8000))
	// Broadcasts, paced by the fast reader: the slow one falls behind by a
	// socket buffer and its queue (some 350 kB) and is dropped.
	dropped := false
	for i := 0; i < 2000 && !dropped; i++ {
		r.modem.Unsol(parcel.UnsolNewBroadcastSms, big)
		if _, err := fast.WaitUnsol(parcel.UnsolNewBroadcastSms); err != nil {
			t.Fatal(err)
		}
		st := r.m.Status()
		dropped = len(st.Connected) == 1 && st.Connected[0] == "work"
	}
	if !dropped {
		t.Fatalf("slow reader still connected: %+v", r.m.Status())
	}
	wantErr(t, do(t, fast, parcel.ReqGetMute, nil), parcel.Success)
}

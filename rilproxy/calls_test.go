package rilproxy

import (
	"bytes"
	"slices"
	"sync"
	"testing"
	"time"

	"droidplex/container/wire"
	"droidplex/rilproxy/parcel"
	"droidplex/rilproxy/policy"
	"droidplex/rilproxy/rilproxytest"
)

// callModem answers GET_CURRENT_CALLS with a list the test sets.
type callModem struct {
	*rilproxytest.Modem
	mu   sync.Mutex
	list parcel.CallList
}

func newCallModem() *callModem {
	cm := &callModem{Modem: &rilproxytest.Modem{}}
	cm.Handler = func(req parcel.Request) rilproxytest.Reply {
		if req.ID == parcel.ReqGetCurrentCalls {
			cm.mu.Lock()
			defer cm.mu.Unlock()
			return rilproxytest.Reply{Payload: cm.list.AppendTo(nil)}
		}
		return rilproxytest.Reply{}
	}
	return cm
}

func (cm *callModem) set(list ...parcel.Call) {
	cm.mu.Lock()
	cm.list = list
	cm.mu.Unlock()
	cm.Unsol(parcel.UnsolCallStateChanged, nil)
}

func calls(t *testing.T, c *rilproxytest.Client) parcel.CallList {
	t.Helper()
	m := do(t, c, parcel.ReqGetCurrentCalls, nil)
	wantErr(t, m, parcel.Success)
	p, err := parcel.DecodeResponse(parcel.ReqGetCurrentCalls, m.Payload)
	if err != nil {
		t.Fatal(err)
	}
	return p.(parcel.CallList)
}

func nextEvent(t *testing.T, m *Mux) wire.CallState {
	t.Helper()
	select {
	case e := <-m.CallEvents():
		return e
	case <-time.After(5 * time.Second):
		t.Fatal("no call event")
		return wire.CallState{}
	}
}

func TestCallOwnership(t *testing.T) {
	cm := newCallModem()
	r := startRig(t, Config{}, cm.Modem)
	r.m.SetForeground("work")
	p, w := r.dial("personal"), r.dial("work")
	dial := parcel.Dial{Address: parcel.Str("+15551234567")}.AppendTo(nil)

	wantErr(t, do(t, p, parcel.ReqDial, dial), parcel.Success)
	cm.set(parcel.Call{Index: 1, State: parcel.CallDialing, Number: parcel.Str("+15551234567")})
	if e := nextEvent(t, r.m); e != (wire.CallState{Container: "personal", Index: 1, State: "dialing", Direction: "mo", Number: "+15551234567"}) {
		t.Fatalf("event %+v", e)
	}
	if _, err := p.WaitUnsol(parcel.UnsolCallStateChanged); err != nil {
		t.Fatal(err)
	}
	if l := calls(t, p); len(l) != 1 || l[0].Index != 1 {
		t.Fatalf("personal sees %+v", l)
	}
	if l := calls(t, w); len(l) != 0 {
		t.Fatalf("work sees %+v", l)
	}
	// work may neither dial nor touch personal's call
	wantErr(t, do(t, w, parcel.ReqDial, dial), parcel.GenericFailure)
	wantErr(t, do(t, w, parcel.ReqHangup, parcel.AppendInts(nil, 1)), parcel.GenericFailure)
	wantErr(t, do(t, w, parcel.ReqDtmf, parcel.AppendString(nil, "1")), parcel.GenericFailure)
	wantErr(t, do(t, p, parcel.ReqDtmf, parcel.AppendString(nil, "1")), parcel.Success)
	cm.set(parcel.Call{Index: 1, State: parcel.CallActive})
	if e := nextEvent(t, r.m); e.State != wire.CallActive || e.Container != "personal" {
		t.Fatalf("event %+v", e)
	}
	wantErr(t, do(t, p, parcel.ReqHangup, parcel.AppendInts(nil, 1)), parcel.Success)
	cm.set()
	if e := nextEvent(t, r.m); e.State != wire.CallEnded {
		t.Fatalf("event %+v", e)
	}
	if n := cm.Count(parcel.ReqDial); n != 1 {
		t.Fatalf("modem got %d dials", n)
	}

	// an incoming call rings the foreground only; after a switch, the other
	cm.set(parcel.Call{Index: 1, State: parcel.CallIncoming, IsMT: true, Number: parcel.Str("+1999")})
	if e := nextEvent(t, r.m); e.Container != "work" || e.State != wire.CallIncoming || e.Direction != "mt" {
		t.Fatalf("event %+v", e)
	}
	if _, err := w.WaitUnsol(parcel.UnsolCallStateChanged); err != nil {
		t.Fatal(err)
	}
	wantErr(t, do(t, p, parcel.ReqAnswer, nil), parcel.GenericFailure)
	wantErr(t, do(t, w, parcel.ReqAnswer, nil), parcel.Success)
	cm.set()
	nextEvent(t, r.m)
	r.m.SetForeground("personal")
	cm.set(parcel.Call{Index: 1, State: parcel.CallIncoming, IsMT: true})
	if e := nextEvent(t, r.m); e.Container != "personal" {
		t.Fatalf("event %+v", e)
	}
	// personal leaves while it rings: the call is hung up at the modem
	p.Close()
	waitFor(t, "hang-up upstream", func() bool { return cm.Count(parcel.ReqHangup) == 2 })
	if l := calls(t, w); len(l) != 0 {
		t.Fatalf("work sees %+v", l)
	}
}

func TestSMSToOneTargetOneAck(t *testing.T) {
	modem := &rilproxytest.Modem{}
	r := startRig(t, cfgWith(func(c *policy.Config) { c.SMSTarget = "work" }), modem)
	p, w := r.dial("personal"), r.dial("work")
	pdu := parcel.AppendString(nil, "0791")
	modem.Unsol(parcel.UnsolNewSms, pdu)
	u, err := w.WaitUnsol(parcel.UnsolNewSms)
	if err != nil || !bytes.Equal(u.Payload, pdu) {
		t.Fatal(err)
	}
	ack := parcel.AppendInts(nil, 1, 0)
	wantErr(t, do(t, p, parcel.ReqSmsAcknowledge, ack), parcel.Success) // not its SMS: local
	wantErr(t, do(t, w, parcel.ReqSmsAcknowledge, ack), parcel.Success)
	wantErr(t, do(t, w, parcel.ReqSmsAcknowledge, ack), parcel.Success) // a second ack: local
	if n := modem.Count(parcel.ReqSmsAcknowledge); n != 1 {
		t.Fatalf("%d acknowledgements upstream, want 1", n)
	}
	if m, err := p.Unsol(50 * time.Millisecond); err == nil {
		t.Fatalf("personal got %v", m.Unsol)
	}
	// the target leaves without acknowledging: the proxy refuses it upstream
	modem.Unsol(parcel.UnsolNewSms, pdu)
	if _, err := w.WaitUnsol(parcel.UnsolNewSms); err != nil {
		t.Fatal(err)
	}
	w.Close()
	waitFor(t, "refusal upstream", func() bool { return modem.Count(parcel.ReqSmsAcknowledge) == 2 })
	if tr := modem.Transcript(); tr[len(tr)-1] != "SMS_ACKNOWLEDGE(37) 0200000000000000d3000000" {
		t.Fatalf("last request %q", tr[len(tr)-1])
	}
}

func TestRingAllFirstAnswerWins(t *testing.T) {
	cm := newCallModem()
	r := startRig(t, cfgWith(func(c *policy.Config) { c.Ring = policy.RingAll }), cm.Modem)
	p, w := r.dial("personal"), r.dial("work")
	cm.set(parcel.Call{Index: 1, State: parcel.CallIncoming, IsMT: true})
	for _, c := range []*rilproxytest.Client{p, w} {
		if _, err := c.WaitUnsol(parcel.UnsolCallStateChanged); err != nil {
			t.Fatal(err)
		}
		if l := calls(t, c); len(l) != 1 {
			t.Fatalf("%d calls ringing", len(l))
		}
	}
	wantErr(t, do(t, w, parcel.ReqAnswer, nil), parcel.Success)
	if _, err := p.WaitUnsol(parcel.UnsolCallStateChanged); err != nil {
		t.Fatal(err)
	}
	if l := calls(t, p); len(l) != 0 {
		t.Fatalf("personal still sees %+v", l)
	}
	wantErr(t, do(t, p, parcel.ReqAnswer, nil), parcel.GenericFailure)
	if n := cm.Count(parcel.ReqAnswer); n != 1 {
		t.Fatalf("%d answers reached the modem", n)
	}
}

// A call that appears for a container that already left is hung up.
func TestCallOfGoneContainerHungUp(t *testing.T) {
	cm := newCallModem()
	r := startRig(t, Config{}, cm.Modem)
	w := r.dial("work")
	// personal (the fallback owner) is not connected: a call nobody dialled
	// (the SIM toolkit's, say) has no one to end it
	cm.set(parcel.Call{Index: 3, State: parcel.CallDialing})
	waitFor(t, "hang-up upstream", func() bool { return cm.Count(parcel.ReqHangup) == 1 })
	if tr := cm.Transcript(); !slices.Contains(tr, "HANGUP(12) 0100000003000000") {
		t.Fatalf("transcript %q", tr)
	}
	if l := calls(t, w); len(l) != 0 {
		t.Fatalf("work sees %+v", l)
	}
}

// A dial right after another container's call ended, before the modem's
// indication of it arrived, is decided on a fresh call list: it goes through.
func TestDialAfterCallEndedNotRefused(t *testing.T) {
	cm := newCallModem()
	r := startRig(t, Config{}, cm.Modem)
	p, w := r.dial("personal"), r.dial("work")
	wantErr(t, do(t, p, parcel.ReqDial, parcel.Dial{Address: parcel.Str("1")}.AppendTo(nil)), parcel.Success)
	cm.set(parcel.Call{Index: 1, State: parcel.CallActive})
	if e := nextEvent(t, r.m); e.Container != "personal" {
		t.Fatalf("event %+v", e)
	}
	wantErr(t, do(t, w, parcel.ReqDial, parcel.Dial{Address: parcel.Str("2")}.AppendTo(nil)), parcel.GenericFailure)
	cm.mu.Lock()
	cm.list = nil // the call ended; its indication is late
	cm.mu.Unlock()
	wantErr(t, do(t, w, parcel.ReqDial, parcel.Dial{Address: parcel.Str("3")}.AppendTo(nil)), parcel.Success)
	if n := cm.Count(parcel.ReqDial); n != 2 {
		t.Fatalf("%d dials reached the modem, want 2", n)
	}
}

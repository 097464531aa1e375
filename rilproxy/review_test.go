package rilproxy

import (
	"slices"
	"sync"
	"testing"
	"time"

	"droidplex/container/wire"
	"droidplex/rilproxy/parcel"
	"droidplex/rilproxy/policy"
	"droidplex/rilproxy/rilproxytest"
)

// Regression tests for bugs found in review; each failed before its fix.

// With ring-all, the container that lost the race to answer stops seeing
// the call; its call-state follower (audioproxy's policy) must hear that
// the call ended for it, or it keeps a ringing call forever.
func TestRingAllLoserHearsCallEnded(t *testing.T) {
	cm := newCallModem()
	r := startRig(t, cfgWith(func(c *policy.Config) { c.Ring = policy.RingAll }), cm.Modem)
	p, w := r.dial("personal"), r.dial("work")
	cm.set(parcel.Call{Index: 1, State: parcel.CallIncoming, IsMT: true, Number: parcel.Str("+1999")})
	for range 2 {
		if e := nextEvent(t, r.m); e.State != wire.CallIncoming {
			t.Fatalf("event %+v", e)
		}
	}
	for _, c := range []*rilproxytest.Client{p, w} {
		if _, err := c.WaitUnsol(parcel.UnsolCallStateChanged); err != nil {
			t.Fatal(err)
		}
	}
	wantErr(t, do(t, w, parcel.ReqAnswer, nil), parcel.Success)
	cm.set(parcel.Call{Index: 1, State: parcel.CallActive, IsMT: true, Number: parcel.Str("+1999")})
	var evs []wire.CallState
	for {
		e := nextEvent(t, r.m)
		evs = append(evs, e)
		if e.Container == "work" && e.State == wire.CallActive {
			break
		}
	}
	want := wire.CallState{Container: "personal", Index: 1, State: wire.CallEnded, Direction: "mt", Number: "+1999"}
	if !slices.Contains(evs, want) {
		t.Fatalf("events after work answered: %+v; want one %+v", evs, want)
	}
}

// A DIAL parked behind a call list re-read must be answered even when the
// modem goes away before that re-read could be sent.
func TestParkedDialAnsweredWhenModemLeaves(t *testing.T) {
	var mu sync.Mutex
	var list parcel.CallList
	hold := false
	modem := &rilproxytest.Modem{Handler: func(req parcel.Request) rilproxytest.Reply {
		mu.Lock()
		defer mu.Unlock()
		if req.ID == parcel.ReqGetCurrentCalls {
			return rilproxytest.Reply{Payload: list.AppendTo(nil), None: hold}
		}
		return rilproxytest.Reply{}
	}}
	r := startRig(t, Config{Timeout: time.Minute}, modem)
	p, w := r.dial("personal"), r.dial("work")
	wantErr(t, do(t, p, parcel.ReqDial, parcel.Dial{Address: parcel.Str("1")}.AppendTo(nil)), parcel.Success)
	mu.Lock()
	list = parcel.CallList{{Index: 1, State: parcel.CallActive, Number: parcel.Str("1")}}
	mu.Unlock()
	modem.Unsol(parcel.UnsolCallStateChanged, nil)
	if e := nextEvent(t, r.m); e.Container != "personal" {
		t.Fatalf("event %+v", e)
	}
	// a re-read that the modem never answers is in flight...
	mu.Lock()
	hold = true
	mu.Unlock()
	reads := modem.Count(parcel.ReqGetCurrentCalls)
	modem.Unsol(parcel.UnsolCallStateChanged, nil)
	waitFor(t, "re-read upstream", func() bool { return modem.Count(parcel.ReqGetCurrentCalls) == reads+1 })
	// ...work's dial waits for the read after it...
	ch := w.Send(parcel.ReqDial, parcel.Dial{Address: parcel.Str("2")}.AppendTo(nil))
	waitFor(t, "dial parked", func() bool {
		r.m.mu.Lock()
		defer r.m.mu.Unlock()
		return len(r.m.deferred) == 1
	})
	// ...and the modem leaves: that read can never be sent
	r.m.wmu.Lock()
	r.m.up.Close()
	r.m.wmu.Unlock()
	select {
	case m := <-ch:
		if m.Error == parcel.Success {
			t.Fatal("parked dial answered SUCCESS without reaching a modem")
		}
	case <-time.After(5 * time.Second):
		t.Fatal("parked dial never answered")
	}
}

// A container that leaves while its DIAL is in flight loses the call that
// DIAL makes: it is hung up, not handed to the owner container.
func TestDialOfLeftContainerHungUpNotHandedOver(t *testing.T) {
	var mu sync.Mutex
	var list parcel.CallList
	modem := &rilproxytest.Modem{Handler: func(req parcel.Request) rilproxytest.Reply {
		mu.Lock()
		defer mu.Unlock()
		switch req.ID {
		case parcel.ReqGetCurrentCalls:
			return rilproxytest.Reply{Payload: list.AppendTo(nil)}
		case parcel.ReqDial: // the call is placed; the reply is slow
			list = parcel.CallList{{Index: 1, State: parcel.CallDialing, Number: parcel.Str("2")}}
			return rilproxytest.Reply{None: true}
		}
		return rilproxytest.Reply{}
	}}
	r := startRig(t, Config{Timeout: time.Minute}, modem) // personal is the owner
	p, w := r.dial("personal"), r.dial("work")
	w.Send(parcel.ReqDial, parcel.Dial{Address: parcel.Str("2")}.AppendTo(nil))
	waitFor(t, "dial upstream", func() bool { return modem.Count(parcel.ReqDial) == 1 })
	w.Close()
	waitFor(t, "work detached", func() bool { return !slices.Contains(r.m.Status().Connected, "work") })
	modem.Unsol(parcel.UnsolCallStateChanged, nil)
	if e := nextEvent(t, r.m); e.Container != "work" {
		t.Fatalf("the call went to %q, want the container that dialled it", e.Container)
	}
	waitFor(t, "hang-up upstream", func() bool { return modem.Count(parcel.ReqHangup) == 1 })
	if l := calls(t, p); len(l) != 0 {
		t.Fatalf("personal sees work's call: %+v", l)
	}
}

// A DIAL the modem accepted whose call is gone before any list showed it
// (busy, unreachable) must not keep every other container from dialling.
func TestDialWithoutCallDoesNotBlockOthers(t *testing.T) {
	cm := newCallModem()
	r := startRig(t, Config{}, cm.Modem)
	p, w := r.dial("personal"), r.dial("work")
	wantErr(t, do(t, p, parcel.ReqDial, parcel.Dial{Address: parcel.Str("1")}.AppendTo(nil)), parcel.Success)
	cm.set() // the call ended before a list showed it
	wantErr(t, do(t, w, parcel.ReqDial, parcel.Dial{Address: parcel.Str("2")}.AppendTo(nil)), parcel.Success)
	if n := cm.Count(parcel.ReqDial); n != 2 {
		t.Fatalf("%d dials reached the modem, want 2", n)
	}
}

// With ring-all, a container whose client leaves while a call rings in it
// hears that the call ended for it (it no longer rings there), as an owner
// that leaves does when its call is hung up.
func TestRingAllLeaverHearsCallEnded(t *testing.T) {
	cm := newCallModem()
	r := startRig(t, cfgWith(func(c *policy.Config) { c.Ring = policy.RingAll }), cm.Modem)
	p, _ := r.dial("personal"), r.dial("work")
	cm.set(parcel.Call{Index: 1, State: parcel.CallIncoming, IsMT: true, Number: parcel.Str("+1999")})
	for range 2 {
		if e := nextEvent(t, r.m); e.State != wire.CallIncoming {
			t.Fatalf("event %+v", e)
		}
	}
	p.Close()
	want := wire.CallState{Container: "personal", Index: 1, State: wire.CallEnded, Direction: "mt", Number: "+1999"}
	if e := nextEvent(t, r.m); e != want {
		t.Fatalf("event %+v, want %+v", e, want)
	}
}

// The SMS target's acknowledgement reaches the modem even when the target
// has no in-flight slot free for it: otherwise the modem, owed an ack,
// delivers no further SMS to anyone.
func TestSMSAckReachesModemWhenTargetTableFull(t *testing.T) {
	modem := &rilproxytest.Modem{Handler: func(req parcel.Request) rilproxytest.Reply {
		return rilproxytest.Reply{None: req.ID == parcel.ReqGetMute} // hangs
	}}
	cfg := cfgWith(func(c *policy.Config) { c.SMSTarget = "work" })
	cfg.MaxInFlight, cfg.Timeout = 1, time.Minute
	r := startRig(t, cfg, modem)
	w := r.dial("work")
	w.Send(parcel.ReqGetMute, nil) // takes work's only slot
	waitFor(t, "request upstream", func() bool { return modem.Count(parcel.ReqGetMute) == 1 })
	modem.Unsol(parcel.UnsolNewSms, parcel.AppendString(nil, "0791"))
	if _, err := w.WaitUnsol(parcel.UnsolNewSms); err != nil {
		t.Fatal(err)
	}
	do(t, w, parcel.ReqSmsAcknowledge, parcel.AppendInts(nil, 1, 0))
	waitFor(t, "acknowledgement upstream", func() bool { return modem.Count(parcel.ReqSmsAcknowledge) == 1 })
	if tr := modem.Transcript(); tr[len(tr)-1] != "SMS_ACKNOWLEDGE(37) 020000000100000000000000" {
		t.Fatalf("last request %q", tr[len(tr)-1])
	}
}

// The USSD reply to the code a background container sent (the user
// switched away while waiting, or a background process asked) goes to that
// container, never to the foreground one: it is the sender's data (a
// balance, a mobile-money menu). Without a session, the foreground gets it.
func TestUSSDReplyGoesToItsSender(t *testing.T) {
	modem := &rilproxytest.Modem{}
	r := startRig(t, Config{}, modem)
	r.m.SetForeground("work")
	p, w := r.dial("personal"), r.dial("work")
	wantErr(t, do(t, p, parcel.ReqSendUssd, parcel.AppendString(nil, "*100#")), parcel.Success)
	modem.Unsol(parcel.UnsolOnUssd, parcel.AppendStrings(nil, parcel.Strs("1", "1 balance 2 top up")...))
	modem.Unsol(parcel.UnsolOnUssd, parcel.AppendStrings(nil, parcel.Strs("0", "balance 5")...)) // ends the session
	modem.Unsol(parcel.UnsolOnUssd, parcel.AppendStrings(nil, parcel.Strs("0", "network news")...))
	modem.Unsol(parcel.UnsolSignalStrength, make([]byte, 13*4)) // broadcast: marks the end
	got := map[*rilproxytest.Client][]string{}
	for _, c := range []*rilproxytest.Client{p, w} {
		for {
			u, err := c.Unsol(5 * time.Second)
			if err != nil {
				t.Fatal(err)
			}
			if u.Unsol == parcel.UnsolSignalStrength {
				break
			}
			if u.Unsol == parcel.UnsolOnUssd {
				v, err := parcel.DecodeUnsol(u.Unsol, u.Payload)
				if err != nil {
					t.Fatal(err)
				}
				got[c] = append(got[c], v.(parcel.Strings)[1].S)
			}
		}
	}
	if want := []string{"1 balance 2 top up", "balance 5"}; !slices.Equal(got[p], want) {
		t.Errorf("personal (sender) got %q, want %q", got[p], want)
	}
	if want := []string{"network news"}; !slices.Equal(got[w], want) {
		t.Errorf("work (foreground) got %q, want %q", got[w], want)
	}
}

// A SEND_USSD the modem refuses opens no session: USSD that follows (the
// network's own) goes to the foreground container, not to the container
// whose code failed.
func TestRefusedUSSDOpensNoSession(t *testing.T) {
	modem := &rilproxytest.Modem{Handler: func(req parcel.Request) rilproxytest.Reply {
		if req.ID == parcel.ReqSendUssd {
			return rilproxytest.Reply{Error: parcel.GenericFailure}
		}
		return rilproxytest.Reply{}
	}}
	r := startRig(t, Config{}, modem)
	r.m.SetForeground("work")
	p, w := r.dial("personal"), r.dial("work")
	wantErr(t, do(t, p, parcel.ReqSendUssd, parcel.AppendString(nil, "*100#")), parcel.GenericFailure)
	modem.Unsol(parcel.UnsolOnUssd, parcel.AppendStrings(nil, parcel.Strs("0", "network news")...))
	m, err := w.WaitUnsol(parcel.UnsolOnUssd)
	if err != nil {
		t.Fatalf("work (foreground) did not get the network's USSD: %v", err)
	}
	if v, _ := parcel.DecodeUnsol(m.Unsol, m.Payload); v.(parcel.Strings)[1].S != "network news" {
		t.Fatalf("work got %v", v)
	}
}

// A new modem connection owes nothing to the old one's deliveries: an SMS
// delivered before the modem went away is not acknowledged to the modem
// that comes back (it never sent that SMS), and a USSD session open on the
// old connection routes nothing on the new one.
func TestModemReconnectForgetsSMSAndUSSD(t *testing.T) {
	modem := &rilproxytest.Modem{}
	r := startRig(t, cfgWith(func(c *policy.Config) { c.SMSTarget = "work" }), modem)
	r.m.SetForeground("work")
	p, w := r.dial("personal"), r.dial("work")
	wantErr(t, do(t, p, parcel.ReqSendUssd, parcel.AppendString(nil, "*100#")), parcel.Success)
	modem.Unsol(parcel.UnsolNewSms, parcel.AppendString(nil, "0791"))
	if _, err := w.WaitUnsol(parcel.UnsolNewSms); err != nil {
		t.Fatal(err)
	}
	r.m.wmu.Lock()
	r.m.up.Close()
	r.m.wmu.Unlock()
	waitFor(t, "modem gone", func() bool { return !r.m.upOK.Load() })
	waitFor(t, "modem back and greeted", func() bool {
		r.m.mu.Lock()
		defer r.m.mu.Unlock()
		return r.m.upOK.Load() && r.m.radioState != radioUnavailable
	})
	wantErr(t, do(t, w, parcel.ReqSmsAcknowledge, parcel.AppendInts(nil, 1, 0)), parcel.Success)
	if n := modem.Count(parcel.ReqSmsAcknowledge); n != 0 {
		t.Errorf("%d SMS_ACKNOWLEDGE sent to a modem that delivered no SMS", n)
	}
	modem.Unsol(parcel.UnsolOnUssd, parcel.AppendStrings(nil, parcel.Strs("0", "network news")...))
	if _, err := w.WaitUnsol(parcel.UnsolOnUssd); err != nil {
		t.Errorf("work (foreground) did not get the new modem's USSD: %v", err)
	}
}

// With ring-all, one container declining the incoming call (UDUB, as
// Android's "reject") rejected it at the modem for every container: the
// other could no longer answer. Now it stops ringing in the decliner only;
// the last container it rings in rejects it for real.
func TestRingAllDeclineLeavesTheOthersRinging(t *testing.T) {
	cm := newCallModem()
	r := startRig(t, cfgWith(func(c *policy.Config) { c.Ring = policy.RingAll }), cm.Modem)
	p, w := r.dial("personal"), r.dial("work")
	cm.set(parcel.Call{Index: 1, State: parcel.CallIncoming, IsMT: true, Number: parcel.Str("+1999")})
	for range 2 {
		nextEvent(t, r.m)
	}
	for _, c := range []*rilproxytest.Client{p, w} {
		if _, err := c.WaitUnsol(parcel.UnsolCallStateChanged); err != nil {
			t.Fatal(err)
		}
	}
	wantErr(t, do(t, p, parcel.ReqUdub, nil), parcel.Success)
	if e := nextEvent(t, r.m); e.Container != "personal" || e.State != wire.CallEnded {
		t.Fatalf("event after personal declined: %+v", e)
	}
	if _, err := p.WaitUnsol(parcel.UnsolCallStateChanged); err != nil {
		t.Fatal(err)
	}
	if l := calls(t, p); len(l) != 0 {
		t.Fatalf("personal still sees %+v", l)
	}
	if l := calls(t, w); len(l) != 1 {
		t.Fatalf("work sees %+v, want the ringing call", l)
	}
	if n := cm.Count(parcel.ReqUdub); n != 0 {
		t.Fatalf("the modem got %d UDUB while work's phone still rings", n)
	}
	// and a later decline by the last one rejects it at the modem
	wantErr(t, do(t, w, parcel.ReqHangup, parcel.AppendInts(nil, 1)), parcel.Success)
	if n := cm.Count(parcel.ReqHangup); n != 1 {
		t.Fatalf("the modem got %d HANGUP from the last container the call rang in", n)
	}
}

// CALL_RING went to every container with a call: one busy with its own
// call heard the ring of a call it cannot see (ringing in the foreground
// container), and, before the call list showed the new call, only it did.
// It goes only where the call rings.
func TestCallRingOnlyWhereTheCallRings(t *testing.T) {
	cm := newCallModem()
	r := startRig(t, Config{}, cm.Modem)
	r.m.SetForeground("work")
	p, w := r.dial("personal"), r.dial("work")
	wantErr(t, do(t, p, parcel.ReqDial, parcel.Dial{Address: parcel.Str("+1555")}.AppendTo(nil)), parcel.Success)
	active := parcel.Call{Index: 1, State: parcel.CallActive, Number: parcel.Str("+1555")}
	cm.set(active)
	if e := nextEvent(t, r.m); e.Container != "personal" || e.State != wire.CallActive {
		t.Fatalf("event %+v", e)
	}
	ring := func() { sendMarked(cm.Modem, parcel.UnsolCallRing) }
	heard := func(c *rilproxytest.Client) bool { return heardMarked(t, c, parcel.UnsolCallRing) }
	ring() // the modem rings before it lists the call
	if heard(p) || !heard(w) {
		t.Fatal("the first ring: personal heard it or work did not")
	}
	cm.set(active, parcel.Call{Index: 2, State: parcel.CallWaiting, IsMT: true, Number: parcel.Str("+1999")})
	if e := nextEvent(t, r.m); e.Container != "work" || e.State != wire.CallWaiting {
		t.Fatalf("event %+v", e)
	}
	ring()
	if heard(p) || !heard(w) {
		t.Fatal("a listed ring: personal heard it or work did not")
	}
}

// sendMarked has the modem send indication id, then a broadcast one that
// marks the end of what id may have caused.
func sendMarked(m *rilproxytest.Modem, id parcel.UnsolID) {
	m.Unsol(id, nil)
	m.Unsol(parcel.UnsolSignalStrength, nil)
}

// heardMarked reads c's indications up to sendMarked's marker and reports
// whether id was among them.
func heardMarked(t *testing.T, c *rilproxytest.Client, id parcel.UnsolID) bool {
	t.Helper()
	heard := false
	for {
		u, err := c.Unsol(5 * time.Second)
		if err != nil {
			t.Fatal(err)
		}
		if u.Unsol == parcel.UnsolSignalStrength {
			return heard
		}
		heard = heard || u.Unsol == id
	}
}

// The ringback tone of a dialled call went to every container with a call,
// a container with a call ringing in it included; it goes to the one
// dialling.
func TestRingbackToneOnlyToTheDialler(t *testing.T) {
	cm := newCallModem()
	r := startRig(t, Config{}, cm.Modem)
	r.m.SetForeground("work")
	p, w := r.dial("personal"), r.dial("work")
	wantErr(t, do(t, p, parcel.ReqDial, parcel.Dial{Address: parcel.Str("+1555")}.AppendTo(nil)), parcel.Success)
	cm.set(parcel.Call{Index: 1, State: parcel.CallAlerting, Number: parcel.Str("+1555")},
		parcel.Call{Index: 2, State: parcel.CallWaiting, IsMT: true, Number: parcel.Str("+1999")})
	for range 2 {
		nextEvent(t, r.m)
	}
	sendMarked(cm.Modem, parcel.UnsolRingbackTone)
	if !heardMarked(t, p, parcel.UnsolRingbackTone) || heardMarked(t, w, parcel.UnsolRingbackTone) {
		t.Fatal("personal, dialling, did not hear its ringback tone, or work, rung, did")
	}
	// once answered, nobody dials: the tone goes to every container with a call
	cm.set(parcel.Call{Index: 1, State: parcel.CallActive, Number: parcel.Str("+1555")},
		parcel.Call{Index: 2, State: parcel.CallWaiting, IsMT: true, Number: parcel.Str("+1999")})
	nextEvent(t, r.m)
	sendMarked(cm.Modem, parcel.UnsolRingbackTone)
	if !heardMarked(t, p, parcel.UnsolRingbackTone) || !heardMarked(t, w, parcel.UnsolRingbackTone) {
		t.Fatal("with nobody dialling, the tone did not reach every container with a call")
	}
}

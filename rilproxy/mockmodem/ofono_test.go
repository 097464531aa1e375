package mockmodem_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"droidplex/internal/testutil"
	"droidplex/internal/unixsock"
	"droidplex/rilproxy/mockmodem"
	"droidplex/rilproxy/ofonotest"
)

// startOfono serves a mock modem in a fresh socket directory and starts a
// real ofonod on it, with its own bus and mount namespace.
func startOfono(t *testing.T, ctx context.Context, cfg mockmodem.Config) (*mockmodem.Modem, *ofonotest.Instance) {
	t.Helper()
	testutil.RequireRoot(t)
	testutil.RequireCmd(t, "ofonod", "dbus-daemon", "unshare")
	dir := testutil.RuntimeDir(t)
	l, err := unixsock.Listen(unixsock.Stream, filepath.Join(dir, "rild"), unixsock.ListenOptions{Mode: 0o666, UID: -1, GID: -1})
	if err != nil {
		t.Fatal(err)
	}
	m := mockmodem.New(cfg, testutil.Logger(t))
	sctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- m.Serve(sctx, l) }()
	out := &ofonotest.Output{}
	o, err := ofonotest.Start(ctx, ofonotest.Options{Name: "test", SocketDir: dir, Output: out, Debug: true})
	t.Cleanup(func() {
		if o != nil {
			if err := o.Stop(); err != nil {
				t.Error(err)
			}
		}
		cancel()
		m.Close()
		if err := <-served; err != nil {
			t.Error(err)
		}
		if t.Failed() {
			t.Logf("ofonod output:\n%s", out.String())
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	return m, o
}

func wait(t *testing.T, ctx context.Context, m *mockmodem.Modem, what string, cond func(mockmodem.Status) bool) {
	t.Helper()
	if err := m.WaitFor(ctx, cond); err != nil {
		t.Fatalf("modem: %s: %v (status %+v)", what, err, m.Status())
	}
}

// TestOfonoEndToEnd drives Debian's ofonod against the mock modem: power
// up, online, SIM identity, registration, a dialled call that the far end
// answers and oFono hangs up, an incoming call oFono answers, SendMessage,
// and two incoming SMS (GSM 7-bit and UCS-2) arriving as IncomingMessage.
func TestOfonoEndToEnd(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 45*time.Second)
	defer cancel()
	m, o := startOfono(t, ctx, mockmodem.Config{AlertAfter: 100 * time.Millisecond})
	check := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	check(o.WaitPowered(ctx))
	check(o.WaitProperty(ctx, ofonotest.ModemPath, ofonotest.IfaceSimManager, "SubscriberIdentity", mockmodem.DefaultConfig().IMSI))
	check(o.WaitProperty(ctx, ofonotest.ModemPath, ofonotest.IfaceSimManager, "CardIdentifier", mockmodem.DefaultConfig().ICCID))
	check(o.WaitProperty(ctx, ofonotest.ModemPath, ofonotest.IfaceModem, "Serial", mockmodem.DefaultConfig().IMEI))
	check(o.SetOnline(ctx, true))
	wait(t, ctx, m, "radio on", func(s mockmodem.Status) bool { return s.Radio == "on" })
	check(o.WaitProperty(ctx, ofonotest.ModemPath, ofonotest.IfaceNetReg, "Status", "registered"))
	check(o.WaitProperty(ctx, ofonotest.ModemPath, ofonotest.IfaceNetReg, "Name", "Droidplex Mock"))

	// Mobile-originated: dialing → alerting → (far end answers) active → hangup.
	call, err := o.Dial(ctx, "+15551234567")
	check(err)
	check(o.WaitCallState(ctx, call, "alerting"))
	check(m.RemoteAnswer())
	check(o.WaitCallState(ctx, call, "active"))
	wait(t, ctx, m, "call active", func(s mockmodem.Status) bool {
		return len(s.Calls) == 1 && s.Calls[0].State == "active" && s.Calls[0].Number == "+15551234567"
	})
	check(o.Hangup(ctx, call))
	_, err = o.WaitCalls(ctx, func(c []ofonotest.CallInfo) bool { return len(c) == 0 })
	check(err)
	wait(t, ctx, m, "no calls", func(s mockmodem.Status) bool { return len(s.Calls) == 0 })

	// Mobile-terminated: rings in oFono, answered there.
	_, err = m.IncomingCall("+15550001111")
	check(err)
	calls, err := o.WaitCalls(ctx, func(c []ofonotest.CallInfo) bool {
		return len(c) == 1 && c[0].State == "incoming" && c[0].Number == "+15550001111"
	})
	check(err)
	check(o.Answer(ctx, calls[0].Path))
	check(o.WaitCallState(ctx, calls[0].Path, "active"))
	wait(t, ctx, m, "incoming call answered", func(s mockmodem.Status) bool {
		return len(s.Calls) == 1 && s.Calls[0].State == "active" && s.Calls[0].Direction == "mt"
	})
	check(m.RemoteHangup(0))
	_, err = o.WaitCalls(ctx, func(c []ofonotest.CallInfo) bool { return len(c) == 0 })
	check(err)

	// SMS out.
	msg, err := o.SendMessage(ctx, "+15557654321", "hello from droidplex")
	check(err)
	_, err = o.WaitSignal(ctx, func(s ofonotest.Signal) bool {
		return s.Path == msg && s.Name == "org.ofono.Message.PropertyChanged" && len(s.Body) == 2 &&
			s.Body[0] == "State" && s.Body[1].(interface{ Value() any }).Value() == "sent"
	})
	check(err)
	wait(t, ctx, m, "sms sent", func(s mockmodem.Status) bool {
		return len(s.SMSSent) == 1 && s.SMSSent[0].To == "+15557654321" && s.SMSSent[0].Text == "hello from droidplex"
	})

	// SMS in: two queued messages, one outstanding at a time.
	check(m.IncomingSMS("+15550002222", "hello, oFono"))
	check(m.IncomingSMS("Bank", "你好, Grüße"))
	for n, want := range []ofonotest.Message{{Text: "hello, oFono", Sender: "+15550002222"}, {Text: "你好, Grüße", Sender: "Bank"}} {
		got, err := o.WaitIncomingMessage(ctx, n+1)
		check(err)
		if got != want {
			t.Errorf("message %d: got %+v, want %+v", n+1, got, want)
		}
	}
	wait(t, ctx, m, "sms acknowledged", func(s mockmodem.Status) bool { return s.SMSWaiting == 0 })
}

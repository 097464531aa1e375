package rilproxy

import (
	"context"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"droidplex/internal/testutil"
	"droidplex/internal/unixsock"
	"droidplex/rilproxy/mockmodem"
	"droidplex/rilproxy/ofonotest"
	"droidplex/rilproxy/policy"
)

// phone is two real oFono instances, "personal" and "work", each in its
// own mount namespace and D-Bus, talking through a Mux to the mock modem.
type phone struct {
	modem          *mockmodem.Modem
	mux            *Mux
	personal, work *ofonotest.Instance
}

func startPhone(t *testing.T, ctx context.Context) *phone {
	return startPhoneWith(t, ctx, mockmodem.Config{AlertAfter: 50 * time.Millisecond})
}

func startPhoneWith(t *testing.T, ctx context.Context, mcfg mockmodem.Config) *phone {
	t.Helper()
	testutil.RequireRoot(t)
	testutil.RequireCmd(t, "ofonod", "dbus-daemon", "unshare")
	dir := testutil.RuntimeDir(t)
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	names := []string{"personal", "work"}
	m, err := New(Config{Policy: policy.Config{Containers: names}}, testutil.Logger(t).With("part", "mux"))
	if err != nil {
		t.Fatal(err)
	}
	listeners := map[string]net.Listener{}
	for _, n := range names {
		if err := os.Mkdir(filepath.Join(dir, n), 0o755); err != nil {
			t.Fatal(err)
		}
		// as rilproxyd makes them: only root and the radio user (1001)
		l, err := unixsock.Listen(unixsock.Stream, filepath.Join(dir, n, "rild"), unixsock.ListenOptions{Mode: 0o660, UID: 1001, GID: 1001})
		if err != nil {
			t.Fatal(err)
		}
		listeners[n] = l
	}
	modem := mockmodem.New(mcfg, testutil.Logger(t).With("part", "mock"))
	pipe := newPipeListener()
	sctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { modem.Serve(sctx, pipe) })
	wg.Go(func() {
		m.Serve(sctx, func(ctx context.Context) (io.ReadWriteCloser, error) { return pipe.dial(ctx) }, listeners)
	})
	p := &phone{modem: modem, mux: m}
	outs := map[string]*ofonotest.Output{}
	t.Cleanup(func() {
		for _, o := range []*ofonotest.Instance{p.personal, p.work} {
			if o != nil {
				o.Stop()
			}
		}
		cancel()
		modem.Close()
		wg.Wait()
		if t.Failed() {
			for n, out := range outs {
				t.Logf("%s's ofonod output:\n%s", n, out.String())
			}
		}
	})
	for _, n := range names {
		outs[n] = &ofonotest.Output{}
		o, err := ofonotest.Start(ctx, ofonotest.Options{Name: n, SocketDir: filepath.Join(dir, n), Output: outs[n], Debug: true})
		if err != nil {
			t.Fatal(err)
		}
		if n == "personal" {
			p.personal = o
		} else {
			p.work = o
		}
	}
	for _, o := range []*ofonotest.Instance{p.personal, p.work} {
		check(t, o.WaitPowered(ctx))
		check(t, o.SetOnline(ctx, true))
		check(t, o.WaitProperty(ctx, ofonotest.ModemPath, ofonotest.IfaceNetReg, "Status", "registered"))
	}
	return p
}

func check(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func (p *phone) wait(t *testing.T, ctx context.Context, what string, cond func(mockmodem.Status) bool) {
	t.Helper()
	if err := p.modem.WaitFor(ctx, cond); err != nil {
		t.Fatalf("modem: %s: %v (status %+v)", what, err, p.modem.Status())
	}
}

// idle waits until the modem has no call and the Mux knows it (its view
// follows the modem's by one call-list read).
func (p *phone) idle(t *testing.T, ctx context.Context) {
	t.Helper()
	p.wait(t, ctx, "no calls", func(s mockmodem.Status) bool { return len(s.Calls) == 0 })
	for len(p.mux.Status().InCall) > 0 {
		select {
		case <-ctx.Done():
			t.Fatalf("the Mux still sees calls: %+v", p.mux.Status())
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// callsAdded counts the CallAdded signals an instance emitted for number.
func callsAdded(o *ofonotest.Instance, number string) int {
	n := 0
	for _, s := range o.Signals() {
		if s.Name == ofonotest.IfaceVoiceCallMgr+".CallAdded" && strings.Contains(fmtBody(s.Body), number) {
			n++
		}
	}
	return n
}

func messages(o *ofonotest.Instance) int {
	n := 0
	for _, s := range o.Signals() {
		if s.Name == ofonotest.IfaceMessageMgr+".IncomingMessage" {
			n++
		}
	}
	return n
}

func fmtBody(b []any) string {
	var sb strings.Builder
	for _, v := range b {
		sb.WriteString(strings.TrimSpace(strings.ReplaceAll(fmtAny(v), "\n", " ")))
	}
	return sb.String()
}

// placeCall dials from o, lets the far end answer, and returns the call.
func (p *phone) placeCall(t *testing.T, ctx context.Context, o *ofonotest.Instance, number string) string {
	t.Helper()
	call, err := o.Dial(ctx, number)
	check(t, err)
	check(t, o.WaitCallState(ctx, call, "alerting"))
	check(t, p.modem.RemoteAnswer())
	check(t, o.WaitCallState(ctx, call, "active"))
	return string(call)
}

func TestOfonoThroughMux(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	p := startPhone(t, ctx)

	t.Run("each places a call that reaches active, then hangs up", func(t *testing.T) {
		for _, o := range []*ofonotest.Instance{p.personal, p.work} {
			call := p.placeCall(t, ctx, o, "+15551230000")
			check(t, o.Hangup(ctx, dbusPath(call)))
			p.idle(t, ctx)
		}
	})

	t.Run("work cannot dial during personal's call", func(t *testing.T) {
		call := p.placeCall(t, ctx, p.personal, "+15551230001")
		if _, err := p.work.Dial(ctx, "+15551230002"); err == nil {
			t.Fatal("work's dial succeeded during personal's call")
		}
		st := p.modem.Status()
		if len(st.Calls) != 1 || st.Calls[0].State != "active" || st.Calls[0].Number != "+15551230001" {
			t.Fatalf("modem calls %+v", st.Calls)
		}
		check(t, p.personal.WaitCallState(ctx, dbusPath(call), "active"))
		check(t, p.personal.Hangup(ctx, dbusPath(call)))
		p.idle(t, ctx)
	})

	t.Run("incoming calls ring the foreground only", func(t *testing.T) {
		for i, fg := range []*ofonotest.Instance{p.work, p.personal} {
			other := p.personal
			if fg == p.personal {
				other = p.work
			}
			p.mux.SetForeground(fg.Name())
			number := "+1555999000" + string(rune('0'+i))
			_, err := p.modem.IncomingCall(number)
			check(t, err)
			calls, err := fg.WaitCalls(ctx, func(c []ofonotest.CallInfo) bool { return len(c) == 1 && c[0].State == "incoming" })
			check(t, err)
			check(t, fg.Answer(ctx, calls[0].Path))
			check(t, fg.WaitCallState(ctx, calls[0].Path, "active"))
			check(t, fg.Hangup(ctx, calls[0].Path))
			p.idle(t, ctx)
			if n := callsAdded(other, number); n != 0 {
				t.Fatalf("%s saw the call for %s", other.Name(), fg.Name())
			}
		}
	})

	t.Run("an incoming SMS reaches only the target", func(t *testing.T) {
		p.mux.SetForeground("work")
		before := messages(p.personal)
		check(t, p.modem.IncomingSMS("+15557770000", "hello work"))
		msg, err := p.work.WaitIncomingMessage(ctx, 1)
		check(t, err)
		if msg.Text != "hello work" {
			t.Fatalf("work got %+v", msg)
		}
		p.wait(t, ctx, "SMS acknowledged", func(s mockmodem.Status) bool { return s.SMSWaiting == 0 })
		if messages(p.personal) != before {
			t.Fatal("personal got work's SMS")
		}
	})

	t.Run("radio power 0 from one container leaves the radio on", func(t *testing.T) {
		check(t, p.work.SetOnline(ctx, false))
		if st := p.modem.Status(); st.Radio != "on" {
			t.Fatalf("radio %s after work went offline", st.Radio)
		}
		call := p.placeCall(t, ctx, p.personal, "+15551230003")
		check(t, p.personal.Hangup(ctx, dbusPath(call)))
		p.idle(t, ctx)
		check(t, p.work.SetOnline(ctx, true))
	})

	t.Run("SIGKILL of personal's oFono mid-call ends the call at the modem", func(t *testing.T) {
		p.placeCall(t, ctx, p.personal, "+15551230004")
		check(t, syscall.Kill(p.personal.Pid(), syscall.SIGKILL))
		<-p.personal.Exited()
		p.wait(t, ctx, "call ended at the modem", func(s mockmodem.Status) bool { return len(s.Calls) == 0 })
		p.idle(t, ctx)
		call := p.placeCall(t, ctx, p.work, "+15551230005")
		check(t, p.work.Hangup(ctx, dbusPath(call)))
		p.idle(t, ctx)
	})
}

// Behind a libril 7 modem with a vendor RIL ≥ 13 (early acks, type 3
// responses, type 4 indications), oFono 1.31 would lose every type-3
// response; through the Mux both instances work, and the modem gets its
// acknowledgements from the proxy.
func TestOfonoThroughMuxWakeAcks(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	p := startPhoneWith(t, ctx, mockmodem.Config{AlertAfter: 50 * time.Millisecond, WakeAcks: true})
	for _, o := range []*ofonotest.Instance{p.personal, p.work} {
		call := p.placeCall(t, ctx, o, "+15551239999")
		check(t, o.Hangup(ctx, dbusPath(call)))
		p.idle(t, ctx)
	}
	if st := p.modem.Status(); st.AcksReceived == 0 {
		t.Fatalf("no acknowledgement reached the modem: %+v", st)
	}
}

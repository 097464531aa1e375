package ofonotest_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"droidplex/internal/testutil"
	"droidplex/internal/unixsock"
	"droidplex/rilproxy/mockmodem"
	"droidplex/rilproxy/ofonotest"
)

func TestMain(m *testing.M) { testutil.Main(m) }

// TestTwoInstancesAndKill runs "personal" and "work", each against its own
// mock modem, brings both online, SIGKILLs one and checks that the other
// still places a call and that the killed one's modem saw it go.
func TestTwoInstancesAndKill(t *testing.T) {
	testutil.RequireRoot(t)
	testutil.RequireCmd(t, "ofonod", "dbus-daemon", "unshare")
	ctx, cancel := context.WithTimeout(context.Background(), 45*time.Second)
	defer cancel()
	type side struct {
		m *mockmodem.Modem
		o *ofonotest.Instance
	}
	var sides []side
	for _, name := range []string{"personal", "work"} {
		dir := testutil.RuntimeDir(t)
		l, err := unixsock.Listen(unixsock.Stream, filepath.Join(dir, "rild"), unixsock.ListenOptions{Mode: 0o666, UID: -1, GID: -1})
		if err != nil {
			t.Fatal(err)
		}
		m := mockmodem.New(mockmodem.Config{AlertAfter: time.Millisecond, AnswerAfter: time.Millisecond}, testutil.Logger(t))
		sctx, stop := context.WithCancel(context.Background())
		served := make(chan error, 1)
		go func() { served <- m.Serve(sctx, l) }()
		t.Cleanup(func() { stop(); m.Close(); <-served })
		o, err := ofonotest.Start(ctx, ofonotest.Options{Name: name, SocketDir: dir})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			if err := o.Stop(); err != nil {
				t.Error(err)
			}
		})
		sides = append(sides, side{m, o})
	}
	for _, s := range sides {
		if err := s.o.WaitPowered(ctx); err != nil {
			t.Fatal(err)
		}
		if err := s.o.SetOnline(ctx, true); err != nil {
			t.Fatal(err)
		}
	}
	if sides[0].o.Pid() == sides[1].o.Pid() || sides[0].o.Name() != "personal" {
		t.Fatal("instances share a process")
	}
	if err := sides[1].o.Kill(); err != nil {
		t.Fatal(err)
	}
	if err := sides[1].m.WaitFor(ctx, func(s mockmodem.Status) bool { return s.Clients == 0 }); err != nil {
		t.Fatalf("work's modem still sees a client: %v", err)
	}
	call, err := sides[0].o.Dial(ctx, "+15551234567")
	if err != nil {
		t.Fatal(err)
	}
	if err := sides[0].o.WaitCallState(ctx, call, "active"); err != nil {
		t.Fatal(err)
	}
	added, err := sides[0].o.WaitCallAdded(ctx, 1)
	if err != nil || added.Path != call || added.Number != "+15551234567" {
		t.Errorf("CallAdded: %+v %v", added, err)
	}
	if n := sides[1].o.Count(ofonotest.IfaceVoiceCallMgr + ".CallAdded"); n != 0 {
		t.Errorf("work saw %d calls", n)
	}
	if st := sides[1].m.Status(); len(st.Calls) != 0 {
		t.Errorf("work's modem has calls: %+v", st.Calls)
	}
	if err := sides[1].o.Stop(); err != nil { // Stop after Kill is fine
		t.Error(err)
	}
}

func TestStartErrors(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := ofonotest.Start(ctx, ofonotest.Options{}); err == nil {
		t.Error("start without a socket directory succeeded")
	}
	if _, err := ofonotest.Start(ctx, ofonotest.Options{SocketDir: testutil.RuntimeDir(t), DBusDaemon: "/nonexistent/dbus-daemon"}); err == nil ||
		!strings.Contains(err.Error(), "dbus-daemon") {
		t.Errorf("missing dbus-daemon: %v", err)
	}
}

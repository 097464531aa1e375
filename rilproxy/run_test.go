package rilproxy

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"droidplex/container/api"
	"droidplex/container/events"
	"droidplex/container/wire"
	"droidplex/internal/ctlhttp"
	"droidplex/internal/testutil"
	"droidplex/internal/unixsock"
	"droidplex/rilproxy/mockmodem/modemapi"
	"droidplex/rilproxy/parcel"
	"droidplex/rilproxy/policy"
)

// Run wires the Mux to per-container sockets, the in-process mock modem
// (driven over its control socket) and droidplexd (foreground in, call
// states out).
func TestRunWithMockModemAndDroidplexd(t *testing.T) {
	dir := testutil.RuntimeDir(t)
	// droidplexd's own API server, with work in the foreground
	hub := events.NewHub()
	dpx := api.New(hub)
	check(t, dpx.SetForeground("work"))
	seen := hub.Subscribe(64)
	defer seen.Close()
	l, err := unixsock.Listen(unixsock.Stream, filepath.Join(dir, "droidplexd.sock"), unixsock.ListenOptions{UID: -1, GID: -1})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	srvDone := make(chan error, 1)
	go func() { srvDone <- ctlhttp.Serve(ctx, l, dpx.Handler(nil)) }()
	cfg := RunConfig{
		// work is not first: ringing there shows the foreground was followed
		Mux:        Config{Policy: policy.Config{Containers: []string{"personal", "work"}}},
		RunDir:     dir,
		Modem:      ModemMock,
		Droidplexd: filepath.Join(dir, "droidplexd.sock"),
	}
	if os.Geteuid() != 0 {
		cfg.Socket = SocketOptions{Mode: 0o600, UID: -1, GID: -1}
	}
	runDone := make(chan error, 1)
	go func() { runDone <- Run(ctx, cfg, testutil.Logger(t)) }()
	defer func() {
		cancel()
		if err := <-runDone; err != nil {
			t.Error(err)
		}
		<-srvDone
	}()
	sock := filepath.Join(dir, "work", "rild")
	// created, then given its mode and owner (radio, 1001) when run as root
	waitFor(t, "work's socket, mode 0660, owned by 1001", func() bool {
		st, err := os.Stat(sock)
		if err != nil {
			return false
		}
		sys := st.Sys().(*syscall.Stat_t)
		return os.Geteuid() != 0 || (st.Mode().Perm() == 0o660 && sys.Uid == 1001 && sys.Gid == 1001)
	})
	r := &rig{t: t, dir: dir}
	work := r.dialPath(filepath.Join(dir, "work", "rild"))
	personal := r.dialPath(filepath.Join(dir, "personal", "rild"))
	wantErr(t, do(t, work, parcel.ReqRadioPower, parcel.AppendInts(nil, 1)), parcel.Success)

	modem := modemapi.NewClient(filepath.Join(dir, "modem.sock"))
	waitFor(t, "radio on", func() bool {
		st, err := modem.Status(ctx)
		return err == nil && st.Radio == "on"
	})
	api := ctlhttp.NewClient(filepath.Join(dir, "rilproxyd.sock"))
	waitFor(t, "foreground from droidplexd", func() bool {
		var st Status
		err := ctlhttp.Do(ctx, api, http.MethodGet, "/v1/status", nil, &st)
		return err == nil && st.Foreground == "work" && len(st.Connected) == 2
	})
	if _, err := modem.CallIn(ctx, "+15550001"); err != nil {
		t.Fatal(err)
	}
	if _, err := work.WaitUnsol(parcel.UnsolCallStateChanged); err != nil {
		t.Fatal(err)
	}
	if l := calls(t, work); len(l) != 1 || !l[0].IsMT {
		t.Fatalf("work sees %+v", l)
	}
	if l := calls(t, personal); len(l) != 0 {
		t.Fatalf("personal sees %+v", l)
	}
	for { // published on droidplexd's event stream
		select {
		case ev := <-seen.C:
			if ev.Type == wire.EventCallState && ev.CallState.Container == "work" && ev.CallState.State == wire.CallIncoming {
				if ev.CallState.Direction != "mt" || ev.CallState.Number != "+15550001" {
					t.Fatalf("call state %+v", *ev.CallState)
				}
				return
			}
		case <-time.After(10 * time.Second):
			t.Fatal("no call-state event reached droidplexd")
		}
	}
}

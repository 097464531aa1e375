package mockmodem

import (
	"context"
	"errors"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"droidplex/internal/ctlhttp"
	"droidplex/internal/testutil"
	"droidplex/rilproxy/mockmodem/modemapi"
	"droidplex/rilproxy/parcel"
)

// TestRunAndControlAPI runs the modem as rilproxyd does and drives it
// through the control socket with the modemapi client.
func TestRunAndControlAPI(t *testing.T) {
	dir := testutil.RuntimeDir(t)
	cfg := RunConfig{RildSocket: filepath.Join(dir, "modem", "rild"), ControlSocket: filepath.Join(dir, "modem.sock")}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	rctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- Run(rctx, cfg, testutil.Logger(t)) }()
	defer func() {
		stop()
		if err := <-done; err != nil {
			t.Errorf("run: %v", err)
		}
	}()

	api := modemapi.NewClient(cfg.ControlSocket)
	var st modemapi.Status
	var err error
	for st, err = api.Status(ctx); err != nil; st, err = api.Status(ctx) {
		select {
		case <-ctx.Done():
			t.Fatal(err)
		case <-time.After(10 * time.Millisecond):
		}
	}
	if st.Radio != "off" || st.Clients != 0 || st.Signal != 3 {
		t.Errorf("initial status %+v", st)
	}
	code := func(err error) int {
		var se *ctlhttp.StatusError
		if errors.As(err, &se) {
			return se.Code
		}
		return 0
	}
	if _, err := api.CallIn(ctx, "+15551234"); code(err) != http.StatusConflict || !strings.Contains(err.Error(), "radio is off") {
		t.Errorf("call-in with the radio off: %v", err)
	}
	if err := api.Signal(ctx, 9); code(err) != http.StatusBadRequest {
		t.Errorf("signal 9: %v", err)
	}
	if err := api.RunScenario(ctx, "dance"); code(err) != http.StatusBadRequest {
		t.Errorf("bad scenario: %v", err)
	}
	hc := ctlhttp.NewClient(cfg.ControlSocket)
	if err := ctlhttp.Do(ctx, hc, http.MethodPost, "/v1/signal", map[string]any{"bars": 1, "extra": 2}, nil); code(err) != http.StatusBadRequest {
		t.Errorf("unknown field: %v", err)
	}
	hc.CloseIdleConnections()

	c := dial(t, cfg.RildSocket)
	c.connected()
	c.radioOn()
	idx, err := api.CallIn(ctx, "+15551234")
	if err != nil || idx != 1 {
		t.Fatalf("call-in: %d %v", idx, err)
	}
	c.unsol(parcel.UnsolCallStateChanged)
	c.unsol(parcel.UnsolCallRing)
	if err := api.HangupRemote(ctx, 0); err != nil {
		t.Fatal(err)
	}
	c.unsol(parcel.UnsolCallStateChanged)
	if err := api.AnswerRemote(ctx); code(err) != http.StatusConflict {
		t.Errorf("answer-remote without a call: %v", err)
	}
	if err := api.RejectRemote(ctx); code(err) != http.StatusConflict {
		t.Errorf("reject-remote without a call: %v", err)
	}
	for _, step := range []func() error{
		func() error { return api.Signal(ctx, 2) },
		func() error { return api.Registration(ctx, "roaming") },
		func() error { return api.USSDIn(ctx, "hello") },
		func() error { return api.SMSIn(ctx, "+1555", "hi") },
	} {
		if err := step(); err != nil {
			t.Fatal(err)
		}
	}
	c.unsol(parcel.UnsolSignalStrength)
	c.unsol(parcel.UnsolVoiceNetworkStateChanged)
	c.unsol(parcel.UnsolOnUssd)
	c.unsol(parcel.UnsolNewSms)
	c.send(parcel.AppendRequest(nil, parcel.ReqSmsAcknowledge, 99, parcel.Ints{1, 0}.AppendTo(nil)))
	if err := api.RunScenario(ctx, "wait sms-delivered\nwait clients 1"); err != nil {
		t.Fatal(err)
	}
	if st, err = api.Status(ctx); err != nil || st.Signal != 2 || st.Registration != "roaming" || st.Clients != 1 {
		t.Errorf("status %+v %v", st, err)
	}
}

package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"droidplex/internal/testutil"
	"droidplex/rilproxy/mockmodem"
)

// TestModemCommands runs the mock modem in-process and drives it with
// `droidplex modem ...`.
func TestModemCommands(t *testing.T) {
	dir := testutil.RuntimeDir(t)
	cfg := mockmodem.RunConfig{RildSocket: filepath.Join(dir, "modem", "rild"), ControlSocket: filepath.Join(dir, "modem.sock")}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	daemon(t, ctx, func(ctx context.Context) error { return mockmodem.Run(ctx, cfg, testutil.Logger(t)) })
	run := cli(ctx, newModemCmd, cfg.ControlSocket)
	waitUntil(t, ctx, "the control socket coming up", func() bool { _, err := run("status"); return err == nil })
	tests := []struct {
		args    []string
		want    string // in the output, or in the error when wantErr
		wantErr bool
	}{
		{[]string{"call-in", "+15551234"}, "radio is off", true},
		{[]string{"answer-remote"}, "no outgoing call", true},
		{[]string{"hangup-remote", "x"}, "call index", true},
		{[]string{"signal", "9"}, "bars are 0 to 4", true},
		{[]string{"signal", "1"}, "", false},
		{[]string{"registration", "roaming"}, "", false},
		{[]string{"sms-in", "+1555", "hello there"}, "", false},
		{[]string{"ussd-in", "hi"}, "", false},
		{[]string{"run", filepath.Join(dir, "missing")}, "no such file", true},
		{[]string{"status"}, "radio off, roaming, signal 1/4, 0 rild client(s), mute false\n1 incoming sms not yet acknowledged\n", false},
	}
	for _, tt := range tests {
		out, err := run(tt.args...)
		got := out
		if tt.wantErr {
			if err == nil {
				t.Errorf("%v: no error", tt.args)
				continue
			}
			got = err.Error()
		} else if err != nil {
			t.Errorf("%v: %v", tt.args, err)
			continue
		}
		if !strings.Contains(got, tt.want) {
			t.Errorf("%v: got %q, want %q", tt.args, got, tt.want)
		}
	}
}

package main

import (
	"bytes"
	"context"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"droidplex/container/wire"
	"droidplex/internal/ctlhttp"
	"droidplex/internal/testutil"
	"droidplex/internal/unixsock"
)

// Regression tests for bugs found in review; each failed before its fix.

// A mistyped subcommand of a command group (`droidplex modem call-inn`)
// printed the group's help and exited 0, so a script's typo passed as
// success. Every group must refuse an unknown subcommand.
func TestUnknownSubcommandOfAGroupFails(t *testing.T) {
	var groups [][]string
	var walk func(c *cobra.Command, path []string)
	walk = func(c *cobra.Command, path []string) {
		if c.HasSubCommands() && len(path) > 0 {
			groups = append(groups, path)
		}
		for _, sub := range c.Commands() {
			walk(sub, append(append([]string(nil), path...), sub.Name()))
		}
	}
	walk(newRoot(), nil)
	if !slices.ContainsFunc(groups, func(g []string) bool { return g[0] == "completion" }) {
		groups = append(groups, []string{"completion"}) // cobra's own, added when run
	}
	if len(groups) < 5 {
		t.Fatalf("only %d command groups found: %v", len(groups), groups)
	}
	for _, g := range groups {
		root := newRoot()
		var out bytes.Buffer
		root.SetOut(&out)
		root.SetErr(&out)
		root.SetArgs(append(append([]string(nil), g...), "no-such-subcommand"))
		err := root.ExecuteContext(context.Background())
		if err == nil || !strings.Contains(err.Error(), `unknown command "no-such-subcommand"`) {
			t.Errorf("droidplex %s no-such-subcommand: err %v, want an unknown command error", strings.Join(g, " "), err)
		}
		// Without arguments a group still shows its help.
		root = newRoot()
		out.Reset()
		root.SetOut(&out)
		root.SetErr(&out)
		root.SetArgs(g)
		if err := root.ExecuteContext(context.Background()); err != nil || !strings.Contains(out.String(), "Available Commands:") {
			t.Errorf("droidplex %s: err %v, output %q", strings.Join(g, " "), err, out.String())
		}
	}
}

// `droidplex stop` (and restart, start, autostart) gave up after the
// control client's 10 s timeout and exited 1 while droidplexd was still
// stopping the container: a stop takes up to --stop-timeout (10 s by
// default) before the kill, a start up to LXC's 10 s wait. The commands
// must wait for droidplexd's answer (Ctrl-C or autostart's --wait bound
// them).
func TestSlowContainerActionIsWaitedFor(t *testing.T) {
	const slow = 10*time.Second + 500*time.Millisecond // past client.New's timeout
	sock := filepath.Join(testutil.RuntimeDir(t), "d.sock")
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/status", func(w http.ResponseWriter, _ *http.Request) {
		ctlhttp.WriteJSON(w, http.StatusOK, wire.Status{Ready: true})
	})
	mux.HandleFunc("GET /v1/containers", func(w http.ResponseWriter, _ *http.Request) {
		ctlhttp.WriteJSON(w, http.StatusOK, []wire.ContainerInfo{{Name: "work", Autostart: true}})
	})
	mux.HandleFunc("POST /v1/containers/work/stop", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(slow):
		case <-r.Context().Done():
		}
		ctlhttp.WriteJSON(w, http.StatusOK, wire.ContainerInfo{Name: "work", State: wire.StateStopped})
	})
	mux.HandleFunc("POST /v1/containers/work/ensure", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(slow):
		case <-r.Context().Done():
		}
		ctlhttp.WriteJSON(w, http.StatusOK, wire.EnsureResult{Container: "work", State: wire.StateRunning})
	})
	l, err := unixsock.Listen(unixsock.Stream, sock, unixsock.ListenOptions{UID: -1, GID: -1})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	daemon(t, ctx, func(ctx context.Context) error { return ctlhttp.Serve(ctx, l, mux) })
	type result struct {
		out string
		err error
	}
	stop, auto := make(chan result, 1), make(chan result, 1)
	go func() {
		out, err := cli(ctx, newRoot, sock)("stop", "work")
		stop <- result{out, err}
	}()
	go func() {
		out, err := cli(ctx, newRoot, sock)("autostart")
		auto <- result{out, err}
	}()
	if r := <-stop; r.err != nil || r.out != "work: stopped\n" {
		t.Errorf("droidplex stop work: %q, %v", r.out, r.err)
	}
	if r := <-auto; r.err != nil || r.out != "work: running\n" {
		t.Errorf("droidplex autostart: %q, %v", r.out, r.err)
	}
}

// A wrong number of arguments said only "accepts 1 arg(s), received 0":
// not which command, nor what it takes (usage is silenced). The error
// must carry the command's usage line.
func TestWrongArgumentCountShowsUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"status"}, "Usage: droidplex status NAME"},
		{[]string{"start", "a", "b"}, "Usage: droidplex start NAME"},
		{[]string{"input", "tap", "1"}, "Usage: droidplex input tap X Y"},
		{[]string{"modem", "sms-in", "123"}, "Usage: droidplex modem sms-in FROM TEXT"},
		{[]string{"list", "extra"}, `unknown command "extra" for "droidplex list"`},
	} {
		root := newRoot()
		var out bytes.Buffer
		root.SetOut(&out)
		root.SetErr(&out)
		root.SetArgs(tc.args)
		err := root.ExecuteContext(context.Background())
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("droidplex %s: %v, want an error with %q", strings.Join(tc.args, " "), err, tc.want)
		}
	}
}

// "droidplex help TOPIC" fails on an unknown topic (cobra printed "Unknown
// help topic" and exited 0) and shows a known one.
func TestUnknownHelpTopicFails(t *testing.T) {
	for _, c := range []struct {
		args []string
		ok   bool
	}{
		{[]string{"help", "no-such-topic"}, false},
		{[]string{"help", "audio", "no-such-topic"}, false},
		{[]string{"help", "audio"}, true},
		{[]string{"help", "audio", "volume"}, true},
		{[]string{"help"}, true},
	} {
		root := newRoot()
		var out bytes.Buffer
		root.SetOut(&out)
		root.SetErr(&out)
		root.SetArgs(c.args)
		err := root.ExecuteContext(context.Background())
		if (err == nil) != c.ok || (c.ok && !strings.Contains(out.String(), "Usage:")) {
			t.Errorf("droidplex %s: err %v, output %q", strings.Join(c.args, " "), err, out.String())
		}
	}
}

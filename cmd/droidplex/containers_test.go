package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"droidplex/container"
	"droidplex/container/api"
	"droidplex/container/config"
	"droidplex/container/containertest"
	"droidplex/container/events"
	"droidplex/internal/ctlhttp"
	"droidplex/internal/testutil"
	"droidplex/internal/unixsock"
)

// TestContainerCommands serves droidplexd's API over the recording fake
// runtime and drives it with `droidplex autostart|list|status|stop|start|
// restart|switch`.
func TestContainerCommands(t *testing.T) {
	f, err := config.Parse([]byte(`[[container]]
name = "work"
rootfs = "/img"
data = "/data/work"
autostart = true
[[container]]
name = "personal"
rootfs = "/img"
data = "/data/personal"
autostart = true
foreground = true
[[container]]
name = "spare"
rootfs = "/img"
data = "/data/spare"
`))
	if err != nil {
		t.Fatal(err)
	}
	tr := &containertest.Transcript{}
	hub := events.NewHub()
	m := container.New(container.Config{File: f, Runtime: containertest.NewRuntime(tr), Host: containertest.NewHost(tr), Events: hub})
	srv := api.New(hub)
	srv.Containers = m
	srv.SetReady(true)
	sock := filepath.Join(testutil.RuntimeDir(t), "d.sock")
	l, err := unixsock.Listen(unixsock.Stream, sock, unixsock.ListenOptions{UID: -1, GID: -1})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	sctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- ctlhttp.Serve(sctx, l, srv.Handler(api.ContainerRoutes(m))) }()
	defer func() {
		stop()
		<-done
		_ = m.StopAll(context.Background())
		m.Close()
		m.Wait()
	}()
	run := func(args ...string) string {
		t.Helper()
		root := newRoot()
		var out bytes.Buffer
		root.SetOut(&out)
		root.SetErr(&out)
		root.SetArgs(append(args, "--socket", sock))
		if err := root.ExecuteContext(ctx); err != nil {
			t.Fatalf("droidplex %s: %v\n%s", strings.Join(args, " "), err, out.String())
		}
		return out.String()
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"autostart"}, "personal: created, running\nwork: created, running\n"},
		{[]string{"autostart"}, "personal: running\nwork: running\n"},
		{[]string{"stop", "work"}, "work: stopped\n"},
		{[]string{"status", "work"}, "work: stopped\n"},
		{[]string{"start", "work"}, "work: running (pid 103)\n"},
		{[]string{"restart", "work"}, "work: running (pid 104)\n"},
		{[]string{"switch", "work"}, "foreground: work\n"},
		{[]string{"list"}, "NAME      STATE    PID  AUTOSTART  RESTARTS  REASON\n" +
			"work      running  104  true       0         \n" +
			"personal  running  101  true       0         \n" +
			"spare     stopped  0    false      0         \n"},
	} {
		if got := run(tc.args...); got != tc.want {
			t.Errorf("droidplex %s:\n%s\nwant:\n%s", strings.Join(tc.args, " "), got, tc.want)
		}
	}
	if fg := srv.Foreground(); fg != "work" {
		t.Fatalf("foreground = %q", fg)
	}
	root := newRoot()
	root.SetOut(&bytes.Buffer{})
	root.SetErr(&bytes.Buffer{})
	root.SetArgs([]string{"start", "nope", "--socket", sock})
	if err := root.ExecuteContext(ctx); err == nil || !strings.Contains(err.Error(), `"nope": unknown container`) {
		t.Fatalf("start nope: %v", err)
	}
}

package daemon_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"droidplex/container/boot"
	"droidplex/container/daemon"
	"droidplex/container/wire"
	"droidplex/inputproxy"
	"droidplex/inputproxy/inputproxytest"
	"droidplex/internal/ctlhttp"
	"droidplex/internal/testutil"
)

// TestHotplugReachesRunningContainers runs droidplexd (proc runtime) and
// inputproxyd (fake devices whose clones have made-up device numbers)
// together: a keyboard present at boot is in both containers; a touchscreen
// plugged in after they started appears in both, and is gone from both
// once unplugged.
func TestHotplugReachesRunningContainers(t *testing.T) {
	testutil.RequireRoot(t)
	dir := testutil.RuntimeDir(t)
	dsock, isock := filepath.Join(dir, "d.sock"), filepath.Join(dir, "input.sock")
	b := inputproxytest.NewBackend()
	defer b.Close()
	b.Plug("/dev/input/event1", inputproxytest.Keyboard("kbd"))
	ictx, icancel := context.WithCancel(context.Background())
	idone := make(chan error, 1)
	go func() {
		idone <- inputproxy.Run(ictx, inputproxy.Config{APISocket: isock, Droidplexd: dsock, Backend: b}, testutil.Logger(t))
	}()
	defer func() {
		icancel()
		if err := <-idone; err != nil {
			t.Errorf("inputproxyd: %v", err)
		}
	}()
	cfg := daemon.Config{Socket: dsock, ConfigFile: writeConfig(t, dir), Runtime: daemon.RuntimeProc, InputSocket: isock}
	stop := startDaemon(t, cfg)
	defer stop()
	ic := ctlhttp.NewClient(isock)
	defer ic.CloseIdleConnections()
	until(t, "inputproxyd serves", func() bool { return ctlhttp.Do(context.Background(), ic, "GET", "/v1/status", nil, nil) == nil })
	actx, acancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer acancel()
	if err := boot.Autostart(actx, boot.Remote(dsock), func(wire.EnsureResult, error) {}); err != nil {
		t.Fatal(err)
	}
	boot := map[string]string{}
	for _, name := range []string{"personal", "work"} {
		readSeen(t, filepath.Join(dir, "data", name, "seen")) // its init is up (and traps SIGTERM)
		boot[name] = devInput(t, dsock, name)
		if strings.Count(boot[name], " ") != 1 {
			t.Fatalf("%s at boot: /dev/input has %q, want the keyboard's clone", name, boot[name])
		}
	}
	if boot["personal"] == boot["work"] {
		t.Fatalf("both containers have the same clone %q", boot["work"])
	}
	ts := b.Plug("/dev/input/event9", inputproxytest.Touchscreen("ts"))
	until(t, "the touchscreen's clones appear", func() bool {
		return strings.Count(devInput(t, dsock, "personal"), " ") == 2 && strings.Count(devInput(t, dsock, "work"), " ") == 2
	})
	if p, w := devInput(t, dsock, "personal"), devInput(t, dsock, "work"); p == w {
		t.Fatalf("after the plug both have %q", p)
	}
	ts.Unplug()
	until(t, "the touchscreen's clones go", func() bool {
		return devInput(t, dsock, "personal") == boot["personal"] && devInput(t, dsock, "work") == boot["work"]
	})
}

// until polls cond; it fails the test after 10 s (a hang guard, not a
// timing assertion).
func until(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for start := time.Now(); !cond(); time.Sleep(10 * time.Millisecond) {
		if time.Since(start) > 10*time.Second {
			t.Fatalf("never happened: %s", what)
		}
	}
}

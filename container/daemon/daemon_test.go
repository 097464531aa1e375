package daemon_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"droidplex/container/api"
	"droidplex/container/boot"
	"droidplex/container/client"
	"droidplex/container/daemon"
	"droidplex/container/standin"
	"droidplex/container/wire"
	inputwire "droidplex/inputproxy/wire"
	"droidplex/internal/ctlhttp"
	"droidplex/internal/testutil"
	"droidplex/internal/unixsock"
)

func TestMain(m *testing.M) {
	daemon.RunHelperIfRequested()
	testutil.Main(m)
}

// writeConfig writes a proc-runtime config for two stand-in containers.
func writeConfig(t *testing.T, dir string) string {
	initPath := filepath.Join(dir, "img", "init")
	if err := os.MkdirAll(filepath.Dir(initPath), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(initPath, []byte(standin.Init), 0o755); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "lxcpath = %q\nstate_dir = %q\nrun_dir = %q\n", dir+"/root", dir+"/state", dir+"/run")
	for _, n := range []string{"work", "personal"} {
		fmt.Fprintf(&b, "[[container]]\nname = %q\nrootfs = %q\ndata = %q\nautostart = true\nforeground = %v\n",
			n, dir+"/img", dir+"/data/"+n, n == "personal") // the proc runtime runs <rootfs>/init
	}
	p := filepath.Join(dir, "droidplex.toml")
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// startDaemon runs droidplexd until the returned stop is called.
func startDaemon(t *testing.T, cfg daemon.Config) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- daemon.Run(ctx, cfg, testutil.Logger(t)) }()
	return func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("droidplexd: %v", err)
		}
	}
}

// TestAutostartTwice: autostart is started before droidplexd (it waits for
// it), creates and starts both containers foreground first; after a
// "reboot" (droidplexd restarted, containers gone) it creates nothing and
// starts what exists.
func TestAutostartTwice(t *testing.T) {
	testutil.RequireRoot(t)
	dir := testutil.RuntimeDir(t)
	cfg := daemon.Config{Socket: dir + "/d.sock", ConfigFile: writeConfig(t, dir), Runtime: daemon.RuntimeProc}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for boot_, wantCreated := range []bool{true, false} {
		remote := boot.Remote(cfg.Socket)
		var got []string
		done := make(chan error, 1)
		go func() {
			done <- boot.Autostart(ctx, remote, func(r wire.EnsureResult, err error) {
				got = append(got, fmt.Sprintf("%s created=%v %s %v", r.Container, r.Created, r.State, err))
			})
		}()
		stop := startDaemon(t, cfg)
		if err := <-done; err != nil {
			stop()
			t.Fatal(err)
		}
		want := []string{
			fmt.Sprintf("personal created=%v running <nil>", wantCreated),
			fmt.Sprintf("work created=%v running <nil>", wantCreated),
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			stop()
			t.Fatalf("boot %d: %q, want %q", boot_, got, want)
		}
		c := client.New(cfg.Socket)
		list, err := api.ContainersClient{HTTP: c.HTTP()}.List(ctx)
		if err != nil || len(list) != 2 || list[0].State != wire.StateRunning || list[1].State != wire.StateRunning {
			t.Errorf("list: %+v, %v", list, err)
		}
		if fg, err := c.Foreground(ctx); err != nil || fg != "personal" {
			t.Errorf("foreground = %q, %v", fg, err)
		}
		c.HTTP().CloseIdleConnections()
		for _, n := range []string{"work", "personal"} {
			waitFile(t, filepath.Join(dir, "data", n, "seen")) // the inits are up
		}
		stop() // proc containers stop with droidplexd: the "reboot"
	}
}

func waitFile(t *testing.T, p string) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if _, err := os.Stat(p); err == nil {
			os.Remove(p)
			return
		}
	}
	t.Fatalf("%s never appeared", p)
}

func TestBadConfigRefused(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "c.toml")
	if err := os.WriteFile(p, []byte("[[container]]\nname = \"w\"\nrootfs = \"/r\"\ndata = \"/d\"\nmemory = \"huge\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := daemon.Run(context.Background(), daemon.Config{Socket: dir + "/d.sock", ConfigFile: p}, testutil.Logger(t))
	if err == nil || !strings.Contains(err.Error(), "line 5: container[0].memory") {
		t.Fatalf("err = %v", err)
	}
	if _, err := os.Stat(dir + "/d.sock"); err == nil {
		t.Fatal("droidplexd listened with a bad config")
	}
	err = daemon.Run(context.Background(), daemon.Config{Socket: dir + "/d.sock", ConfigFile: writeConfig(t, dir), Runtime: "docker"}, testutil.Logger(t))
	if err == nil || !strings.Contains(err.Error(), `unknown runtime "docker"`) {
		t.Fatalf("err = %v", err)
	}
}

// TestInputClonesFromInputproxyd: droidplexd asks inputproxyd for each
// container's clones and each container sees only its own in /dev/input.
// With inputproxyd unreachable the containers start without clones.
func TestInputClonesFromInputproxyd(t *testing.T) {
	testutil.RequireRoot(t)
	var lie atomic.Bool
	dir := testutil.RuntimeDir(t)
	input := filepath.Join(dir, "input.sock")
	l, err := unixsock.Listen(unixsock.Stream, input, unixsock.ListenOptions{UID: -1, GID: -1})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("PUT /v1/containers/{name}", func(w http.ResponseWriter, r *http.Request) {
		minor := map[string]uint32{"personal": 106, "work": 107}[r.PathValue("name")]
		nodes := []inputwire.Node{{Path: fmt.Sprintf("/dev/input/event%d", minor-64), Major: 13, Minor: minor},
			{Path: ""}} // a recording clone has no node
		if lie.Load() {
			nodes = []inputwire.Node{{Path: "/dev/input/../../etc/passwd\nlxc.x = 1", Major: 13, Minor: 1}}
		}
		ctlhttp.WriteJSON(w, http.StatusOK, inputwire.Container{Name: r.PathValue("name"), Nodes: nodes})
	})
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- ctlhttp.Serve(ctx, l, mux) }()
	defer func() { cancel(); <-served }()

	for _, tc := range []struct {
		socket string
		lie    bool
		want   map[string]string
	}{
		{input, false, map[string]string{"personal": "event42 ", "work": "event43 "}},
		{filepath.Join(dir, "nobody.sock"), false, map[string]string{"personal": "", "work": ""}},
		{input, true, map[string]string{"personal": "", "work": ""}}, // an invalid node is refused
	} {
		lie.Store(tc.lie)
		cfg := daemon.Config{Socket: dir + "/d.sock", ConfigFile: writeConfig(t, dir), Runtime: daemon.RuntimeProc, InputSocket: tc.socket}
		stop := startDaemon(t, cfg)
		actx, acancel := context.WithTimeout(context.Background(), 30*time.Second)
		err := boot.Autostart(actx, boot.Remote(cfg.Socket), func(wire.EnsureResult, error) {})
		acancel()
		if err != nil {
			stop()
			t.Fatal(err)
		}
		for name, want := range tc.want {
			readSeen(t, filepath.Join(dir, "data", name, "seen"))
			// Clones are given once the init runs (and before the start
			// returns): look at the container's /dev/input now.
			if got := devInput(t, cfg.Socket, name); got != want {
				t.Errorf("inputproxyd at %s: %s has %q in /dev/input, want %q", tc.socket, name, got, want)
			}
		}
		stop()
	}
}

// devInput lists container name's /dev/input as its init sees it, each
// name followed by a space.
func devInput(t *testing.T, socket, name string) string {
	t.Helper()
	var ci wire.ContainerInfo
	c := ctlhttp.NewClient(socket)
	defer c.CloseIdleConnections()
	if err := ctlhttp.Do(context.Background(), c, "GET", "/v1/containers/"+name, nil, &ci); err != nil {
		t.Fatal(err)
	}
	ents, _ := os.ReadDir(fmt.Sprintf("/proc/%d/root/dev/input", ci.Pid))
	var b strings.Builder
	for _, e := range ents {
		b.WriteString(e.Name() + " ")
	}
	return b.String()
}

// readSeen waits for a stand-in init's report and consumes it.
func readSeen(t *testing.T, p string) []byte {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if b, err := os.ReadFile(p); err == nil {
			os.Remove(p)
			return b
		}
	}
	t.Fatalf("%s never appeared", p)
	return nil
}

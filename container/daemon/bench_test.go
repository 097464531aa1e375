package daemon_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"droidplex/container/api"
	"droidplex/container/boot"
	"droidplex/container/client"
	"droidplex/container/daemon"
	"droidplex/container/standin"
	"droidplex/container/wire"
	"droidplex/internal/testutil"
)

// lxcBench is droidplexd (LXC runtime) with two stand-in containers: one
// started through droidplexd, one with lxc-start directly.
type lxcBench struct {
	dir, cfgPath, lxcpath string
	viaD, viaLXC          string
}

func newLXCBench(b *testing.B) *lxcBench {
	testutil.RequireRoot(b)
	testutil.RequireCmd(b, "lxc-start", "lxc-stop", "busybox")
	dir := testutil.RuntimeDir(b)
	rootfs, system, err := standin.Image(dir + "/img")
	if err != nil {
		b.Fatal(err)
	}
	e := &lxcBench{dir: dir, lxcpath: dir + "/lxc",
		viaD: fmt.Sprintf("bd%d", os.Getpid()), viaLXC: fmt.Sprintf("bl%d", os.Getpid())}
	var sb strings.Builder
	fmt.Fprintf(&sb, "lxcpath = %q\nstate_dir = %q\nrun_dir = %q\n", e.lxcpath, dir+"/state", dir+"/run")
	for _, n := range []string{e.viaD, e.viaLXC} {
		fmt.Fprintf(&sb, "[[container]]\nname = %q\nrootfs = %q\nsystem = %q\ndata = %q\nautostart = true\nmemory = \"128M\"\n",
			n, rootfs, system, dir+"/data/"+n)
	}
	e.cfgPath = filepath.Join(dir, "containers.toml")
	if err := os.WriteFile(e.cfgPath, []byte(sb.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		for _, n := range []string{e.viaD, e.viaLXC} {
			_ = exec.Command("lxc-stop", "-k", "-P", e.lxcpath, "-n", n).Run()
		}
	})
	return e
}

func (e *lxcBench) seen(b *testing.B, name string) {
	p := filepath.Join(e.dir, "data", name, "seen")
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Microsecond) {
		if err := os.Remove(p); err == nil {
			return
		}
	}
	b.Fatalf("%s: /init never reported", name)
}

// BenchmarkStart measures start → stand-in /init running, through
// droidplexd's API (which re-executes a helper that calls go-lxc) against
// lxc-start on the same kind of container. The stop is not timed.
func BenchmarkStart(b *testing.B) {
	e := newLXCBench(b)
	sock := e.dir + "/d.sock"
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- daemon.Run(ctx, daemon.Config{Socket: sock, ConfigFile: e.cfgPath, Runtime: daemon.RuntimeLXC, StopOnExit: true},
			testutil.Logger(b))
	}()
	b.Cleanup(func() { cancel(); <-done })
	c := client.New(sock)
	defer c.HTTP().CloseIdleConnections()
	cc := api.ContainersClient{HTTP: c.HTTP()}
	if err := boot.Autostart(ctx, boot.Remote(sock), func(wire.EnsureResult, error) {}); err != nil {
		b.Fatal(err) // creates both (their LXC configs are droidplexd's)
	}
	for _, n := range []string{e.viaD, e.viaLXC} {
		e.seen(b, n)
		if _, err := cc.Act(ctx, n, wire.ActionStop); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("droidplexd", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := cc.Act(ctx, e.viaD, wire.ActionStart); err != nil {
				b.Fatal(err)
			}
			e.seen(b, e.viaD)
			b.StopTimer()
			if _, err := cc.Act(ctx, e.viaD, wire.ActionStop); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
		}
	})
	b.Run("lxc-start", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if out, err := exec.Command("lxc-start", "-P", e.lxcpath, "-n", e.viaLXC).CombinedOutput(); err != nil {
				b.Fatalf("lxc-start: %v: %s", err, out)
			}
			e.seen(b, e.viaLXC)
			b.StopTimer()
			if out, err := exec.Command("lxc-stop", "-P", e.lxcpath, "-n", e.viaLXC).CombinedOutput(); err != nil {
				b.Fatalf("lxc-stop: %v: %s", err, out)
			}
			b.StartTimer()
		}
	})
}

// BenchmarkDroidplexdRSS runs the droidplexd binary with two running
// stand-in containers, serves b.N list requests, and reports its resident
// memory next to that of the LXC monitor each container has.
func BenchmarkDroidplexdRSS(b *testing.B) {
	e := newLXCBench(b)
	bin := testutil.Path(b, "bin/droidplexd")
	if _, err := os.Stat(bin); err != nil {
		bin = filepath.Join(e.dir, "droidplexd")
		if out, err := exec.Command("go", "build", "-o", bin, testutil.Path(b, "cmd/droidplexd")).CombinedOutput(); err != nil {
			b.Fatalf("build droidplexd: %v: %s", err, out)
		}
	}
	sock := e.dir + "/d.sock"
	cmd := exec.Command(bin, "--config", e.cfgPath, "--socket", sock, "--stop-on-exit")
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		_ = cmd.Wait()
	})
	ctx := context.Background()
	if err := boot.Autostart(ctx, boot.Remote(sock), func(wire.EnsureResult, error) {}); err != nil {
		b.Fatal(err)
	}
	c := client.New(sock)
	defer c.HTTP().CloseIdleConnections()
	cc := api.ContainersClient{HTTP: c.HTTP()}
	b.ResetTimer()
	var list []wire.ContainerInfo
	for i := 0; i < b.N; i++ {
		var err error
		if list, err = cc.List(ctx); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(statusKB(b, cmd.Process.Pid, "VmRSS")), "droidplexd-RSS-kB")
	b.ReportMetric(float64(statusKB(b, cmd.Process.Pid, "VmHWM")), "droidplexd-peak-kB")
	var mon int
	for _, ci := range list {
		mon += statusKB(b, ppid(b, ci.Pid), "VmRSS")
	}
	b.ReportMetric(float64(mon)/float64(len(list)), "lxc-monitor-RSS-kB/container")
}

func statusKB(b *testing.B, pid int, field string) int {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if v, ok := strings.CutPrefix(s.Text(), field+":"); ok {
			n, _ := strconv.Atoi(strings.Fields(v)[0])
			return n
		}
	}
	b.Fatalf("no %s for pid %d", field, pid)
	return 0
}

func ppid(b *testing.B, pid int) int {
	st, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		b.Fatal(err)
	}
	f := strings.Fields(string(st[strings.LastIndexByte(string(st), ')')+1:]))
	n, _ := strconv.Atoi(f[1])
	return n
}

package daemon_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"droidplex/container"
	"droidplex/container/api"
	"droidplex/container/boot"
	"droidplex/container/client"
	"droidplex/container/config"
	"droidplex/container/daemon"
	"droidplex/container/lxc"
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

// BenchmarkStart measures start → stand-in /init running (the median of
// b.N starts each) through droidplexd's API, against lxc-start on the same
// kind of container, and against the runtime execing a cold helper per
// start. The variants are interleaved; stops are not timed.
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
	// The cold helper variant: the runtime alone (no API), execing a new
	// helper at each start.
	rt := &lxc.Runtime{LXCPath: e.lxcpath, ColdHelper: true}
	f, err := config.Load(e.cfgPath)
	if err != nil {
		b.Fatal(err)
	}
	c0, _ := f.Lookup(e.viaD)
	s := container.BuildSpec(f, c0, nil)
	variants := []struct {
		name        string
		start, stop func() error
		container   string
	}{
		{"droidplexd", func() error { _, err := cc.Act(ctx, e.viaD, wire.ActionStart); return err },
			func() error { _, err := cc.Act(ctx, e.viaD, wire.ActionStop); return err }, e.viaD},
		{"lxc-start", func() error { return run("lxc-start", "-P", e.lxcpath, "-n", e.viaLXC) },
			func() error { return run("lxc-stop", "-P", e.lxcpath, "-n", e.viaLXC) }, e.viaLXC},
		{"cold-helper", nil, nil, e.viaD},
	}
	var coldInst container.Instance
	variants[2].start = func() (err error) { coldInst, err = rt.Start(ctx, s); return err }
	variants[2].stop = func() error { return coldInst.Stop(5 * time.Second) }
	times := make([][]time.Duration, len(variants))
	// Interleaved, so that load from other processes hits every variant alike.
	for i := 0; i < b.N; i++ {
		for j := range variants {
			v := variants[(i+j)%len(variants)]
			k := (i + j) % len(variants)
			t0 := time.Now()
			if err := v.start(); err != nil {
				b.Fatalf("%s: %v", v.name, err)
			}
			e.seen(b, v.container)
			times[k] = append(times[k], time.Since(t0))
			b.StopTimer()
			if err := v.stop(); err != nil {
				b.Fatalf("%s stop: %v", v.name, err)
			}
			b.StartTimer()
		}
	}
	med := make([]float64, len(variants))
	for k, v := range variants {
		slices.Sort(times[k])
		med[k] = float64(times[k][len(times[k])/2]) / 1e6
		b.ReportMetric(med[k], v.name+"-ms")
	}
	b.ReportMetric(med[0]/med[1], "droidplexd/lxc-start")
	b.ReportMetric(0, "ns/op")
}

func run(name string, args ...string) error {
	if out, err := exec.Command(name, args...).CombinedOutput(); err != nil {
		return fmt.Errorf("%s: %w: %s", name, err, out)
	}
	return nil
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
	cmd := exec.Command(bin, "--config", e.cfgPath, "--socket", sock, "--stop-on-exit", "--inputproxyd", "")
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

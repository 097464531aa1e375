package lxc_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"droidplex/container"
	"droidplex/container/config"
	"droidplex/container/containertest"
	"droidplex/container/events"
	"droidplex/container/lxc"
	"droidplex/container/standin"
	"droidplex/container/wire"
	"droidplex/internal/linux"
	"droidplex/internal/testutil"
)

func TestMain(m *testing.M) {
	lxc.RunHelperIfRequested()
	testutil.Main(m)
}

type env struct {
	dir    string
	names  []string
	f      *config.File
	hub    *events.Hub
	inputs container.Inputs // the managers' input clones (nil: none)
}

// newEnv builds a stand-in image and a config for two containers, each
// with one fake input node and a memory limit. Cleanup stops anything left.
func newEnv(t *testing.T, extra string) *env {
	testutil.RequireRoot(t)
	testutil.RequireCmd(t, "lxc-start", "busybox")
	dir := testutil.RuntimeDir(t)
	rootfs, system, err := standin.Image(dir)
	if err != nil {
		t.Fatal(err)
	}
	e := &env{dir: dir, hub: events.NewHub()}
	var b strings.Builder
	fmt.Fprintf(&b, "lxcpath = %q\nstate_dir = %q\nrun_dir = %q\n", dir+"/lxc", dir+"/state", dir+"/run")
	for i, n := range []string{"a", "b"} {
		name := fmt.Sprintf("dpxt%d-%s", os.Getpid(), n)
		e.names = append(e.names, name)
		node := filepath.Join(dir, "event"+n)
		if err := linux.Mknod(node, unix.S_IFCHR|0o600, int(linux.Mkdev(13, uint32(200+i)))); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "[[container]]\nname = %q\nrootfs = %q\nsystem = %q\ndata = %q\nautostart = true\nmemory = \"64M\"\ninput = [%q]\n%s",
			name, rootfs, system, dir+"/data/"+n, node, extra)
	}
	if e.f, err = config.Parse([]byte(b.String())); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for _, n := range e.names {
			if exec.Command("lxc-info", "-P", dir+"/lxc", "-n", n, "-s").Run() == nil {
				_ = exec.Command("lxc-stop", "-k", "-P", dir+"/lxc", "-n", n).Run()
			}
		}
	})
	return e
}

func (e *env) manager(t *testing.T) *container.Manager {
	rt := &lxc.Runtime{LXCPath: e.f.LXCPath}
	t.Cleanup(func() { rt.Close() }) // runs after the manager's cleanup
	m := container.New(container.Config{
		File: e.f, Runtime: rt, Host: container.OSHost{}, Events: e.hub, Inputs: e.inputs,
		Log: testutil.Logger(t), Backoff: container.Backoff{Min: time.Millisecond, Max: 10 * time.Millisecond, Stable: time.Hour},
		StopTimeout: 5 * time.Second,
	})
	t.Cleanup(func() {
		if err := m.StopAll(context.Background()); err != nil {
			t.Error(err)
		}
		m.Close()
		m.Wait()
		for _, n := range e.names {
			waitNoCgroups(t, n)
		}
	})
	return m
}

// seen waits for the stand-in init of container i to report what it sees.
func (e *env) seen(t *testing.T, i int) string {
	t.Helper()
	p := filepath.Join(e.dir, "data", []string{"a", "b"}[i], "seen")
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if b, err := os.ReadFile(p); err == nil {
			os.Remove(p)
			return string(b)
		}
	}
	t.Fatalf("container %s never reported", e.names[i])
	return ""
}

// cgroupDirs lists the LXC cgroups of container name in every hierarchy.
func cgroupDirs(name string) []string {
	var out []string
	for _, pat := range []string{"/sys/fs/cgroup/*/lxc.payload." + name, "/sys/fs/cgroup/*/lxc.monitor." + name,
		"/sys/fs/cgroup/lxc.payload." + name, "/sys/fs/cgroup/lxc.monitor." + name} {
		m, _ := filepath.Glob(pat)
		out = append(out, m...)
	}
	return out
}

// waitNoCgroups fails if the container's cgroups outlive it. LXC's monitor
// removes them just after the init exits, so give it a moment.
func waitNoCgroups(t *testing.T, name string) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if len(cgroupDirs(name)) == 0 {
			return
		}
	}
	t.Errorf("cgroups left behind: %q", cgroupDirs(name))
}

func TestTwoContainersSeeOnlyTheirOwn(t *testing.T) {
	e := newEnv(t, "")
	m := e.manager(t)
	ctx := context.Background()
	for i, n := range e.names {
		run := filepath.Join(e.dir, "run", n)
		if err := os.MkdirAll(run, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(run, "rild-of-"+[]string{"a", "b"}[i]), nil, 0o644); err != nil {
			t.Fatal(err)
		}
		if res, err := m.Ensure(ctx, n); err != nil || !res.Created || res.State != wire.StateRunning {
			t.Fatalf("ensure %s: %+v, %v", n, res, err)
		}
	}
	for i, n := range e.names {
		x := []string{"a", "b"}[i]
		want := fmt.Sprintf("run: rild-of-%s \ninput: event%s \nrild: /dev/droidplex/rild\npid: 1\n", x, x)
		if got := e.seen(t, i); got != want {
			t.Errorf("%s saw:\n%s\nwant:\n%s", n, got, want)
		}
		lim, err := os.ReadFile("/sys/fs/cgroup/memory/lxc.payload." + n + "/memory.limit_in_bytes")
		if err != nil || strings.TrimSpace(string(lim)) != fmt.Sprint(64<<20) {
			t.Errorf("%s memory limit = %q, %v", n, lim, err)
		}
		// Its own input node is allowed in its devices cgroup, the other's not.
		allowed, err := os.ReadFile("/sys/fs/cgroup/devices/lxc.payload." + n + "/devices.list")
		own, other := fmt.Sprintf("c 13:%d rwm", 200+i), fmt.Sprintf("c 13:%d rwm", 201-i)
		if err != nil || !strings.Contains(string(allowed), own) || strings.Contains(string(allowed), other) ||
			strings.Contains(string(allowed), "a *:* rwm") {
			t.Errorf("%s devices.list (want %q, not %q):\n%s%v", n, own, other, allowed, err)
		}
	}
}

func TestKilledInitIsRestarted(t *testing.T) {
	e := newEnv(t, "")
	sub := e.hub.Subscribe(100)
	defer sub.Close()
	m := e.manager(t)
	ctx := context.Background()
	name := e.names[0]
	if _, err := m.Ensure(ctx, name); err != nil {
		t.Fatal(err)
	}
	e.seen(t, 0)
	st, _ := m.Status(name)
	if err := linux.Kill(st.Pid, unix.SIGKILL); err != nil {
		t.Fatal(err)
	}
	states := containertest.States(t, sub.C, 5, 20*time.Second)
	if got := strings.Join(states, " "); got != "starting running failed starting running" {
		t.Fatalf("states: %s", got)
	}
	e.seen(t, 0)
	if st2, _ := m.Status(name); st2.Pid == st.Pid || st2.Restarts != 1 {
		t.Fatalf("after restart %+v (old pid %d)", st2, st.Pid)
	}
}

// TestEnsureTwiceAcrossReboot: the first boot creates and starts, the second
// (after everything stopped) creates nothing and starts what exists.
func TestEnsureTwiceAcrossReboot(t *testing.T) {
	e := newEnv(t, "")
	ctx := context.Background()
	for boot, wantCreated := range []bool{true, false} {
		m := e.manager(t)
		for _, n := range e.names {
			res, err := m.Ensure(ctx, n)
			if err != nil || res.Created != wantCreated || res.State != wire.StateRunning {
				t.Fatalf("boot %d, %s: %+v, %v", boot, n, res, err)
			}
		}
		e.seen(t, 0) // the inits are up (and trap SIGTERM)
		e.seen(t, 1)
		if err := m.StopAll(ctx); err != nil {
			t.Fatal(err)
		}
		m.Close()
	}
}

// TestStartFailureLeavesNothing: a mount fails midway through LXC's setup;
// the start reports it and no process, mount or cgroup is left.
func TestStartFailureLeavesNothing(t *testing.T) {
	e := newEnv(t, "[[container.mount]]\nsource = \"/nonexistent/droidplex-test\"\ntarget = \"/mnt\"\n")
	m := e.manager(t)
	before, _ := os.ReadFile("/proc/self/mountinfo")
	name := e.names[0]
	_, err := m.Ensure(context.Background(), name)
	if err == nil || !strings.Contains(err.Error(), "lxc start") {
		t.Fatalf("err = %v", err)
	}
	if st, _ := m.Status(name); st.State != wire.StateFailed || st.Pid != 0 {
		t.Fatalf("status = %+v", st)
	}
	if exec.Command("lxc-info", "-P", e.f.LXCPath, "-n", name, "-s").Run() == nil {
		out, _ := exec.Command("lxc-info", "-P", e.f.LXCPath, "-n", name, "-s").Output()
		if !strings.Contains(string(out), "STOPPED") {
			t.Fatalf("lxc-info: %s", out)
		}
	}
	waitNoCgroups(t, name)
	after, _ := os.ReadFile("/proc/self/mountinfo")
	if string(before) != string(after) {
		t.Fatalf("host mounts changed:\n%s", after)
	}
}

// androidStubSeccomp is a blacklist like Waydroid's (reference/lxc-probe).
const androidStubSeccomp = `2
blacklist
init_module
finit_module
delete_module
kexec_load
kexec_file_load
reboot
open_by_handle_at errno 38
swapon errno 0
swapoff errno 0
`

// TestSeccompAndCapabilities: a container's init runs under its seccomp
// policy, with no_new_privs, keeping only the configured capabilities.
func TestSeccompAndCapabilities(t *testing.T) {
	policy := filepath.Join(testutil.RuntimeDir(t), "android.seccomp")
	if err := os.WriteFile(policy, []byte(androidStubSeccomp), 0o644); err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, fmt.Sprintf("seccomp = %q\ncapabilities = [\"sys_admin\", \"setuid\", \"setgid\", \"kill\", \"chown\"]\n", policy))
	m := e.manager(t)
	name := e.names[0]
	if _, err := m.Ensure(context.Background(), name); err != nil {
		t.Fatal(err)
	}
	e.seen(t, 0)
	st, _ := m.Status(name)
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", st.Pid))
	if err != nil {
		t.Fatal(err)
	}
	status := string(b)
	// sys_admin(21) setuid(7) setgid(6) kill(5) chown(0)
	want := fmt.Sprintf("CapBnd:\t%016x", 1<<21|1<<7|1<<6|1<<5|1<<0)
	for _, w := range []string{"Seccomp:\t2", "NoNewPrivs:\t1", want} {
		if !strings.Contains(status, w+"\n") {
			t.Errorf("init status lacks %q:\n%s", w, status)
		}
	}
}

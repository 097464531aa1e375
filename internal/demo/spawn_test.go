package demo

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"droidplex/internal/linux"
	"droidplex/internal/testutil"
)

// helperEnv makes the test binary the demo-like parent of
// TestChildrenDieWithTheDemo (TestDemoLikeParent).
const helperEnv = "DPX_DEMO_LIKE_PARENT"

// TestDemoLikeParent does what the demo does at its start: a daemon, then
// the private PulseAudio and its recording. It says "ready" and waits to
// be killed. It runs only as TestChildrenDieWithTheDemo's child.
func TestDemoLikeParent(t *testing.T) {
	dir := os.Getenv(helperEnv)
	if dir == "" {
		return
	}
	r := &rig{work: dir, mixWAV: filepath.Join(dir, "mix.wav")}
	r.procs.logDir = dir
	if _, err := r.procs.start("daemon", nil, "sleep", "1000"); err != nil {
		t.Fatal(err)
	}
	if _, err := r.startSound(); err != nil {
		t.Fatal(err)
	}
	fmt.Println("ready")
	time.Sleep(time.Minute)
}

// The demo killed outright (SIGKILL: it stops nothing) takes what it
// started with it: its daemons, the private PulseAudio and the parec
// recording it. Before, PulseAudio and parec had no parent-death signal and
// ran on.
func TestChildrenDieWithTheDemo(t *testing.T) {
	testutil.RequireCmd(t, "pulseaudio", "parec", "pactl")
	parent := exec.Command(os.Args[0], "-test.run=^TestDemoLikeParent$", "-test.count=1")
	parent.Env = append(os.Environ(), helperEnv+"="+t.TempDir())
	out, err := parent.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := parent.Start(); err != nil {
		t.Fatal(err)
	}
	line, _ := bufio.NewReader(out).ReadString('\n')
	kids := childrenOf(parent.Process.Pid)
	t.Cleanup(func() {
		for _, pid := range kids {
			_ = linux.Kill(pid, unix.SIGKILL)
			_, _ = linux.Reap(pid, false)
		}
	})
	if err := parent.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	parent.Wait()
	if !strings.Contains(line, "ready") {
		t.Fatalf("the demo-like parent did not start its children: %q", line)
	}
	if len(kids) < 3 {
		t.Fatalf("the demo-like parent has %d children, want the daemon, pulseaudio and parec", len(kids))
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		var alive []string
		for _, pid := range kids {
			_, _ = linux.Reap(pid, false) // ours if this process is a subreaper
			if st, ok := procState(pid); ok && st != "Z" {
				alive = append(alive, strconv.Itoa(pid)+" "+comm(pid))
			}
		}
		if len(alive) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("still running 5 s after the demo was killed: %v", alive)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// A process started from a goroutine locked to its thread outlives that
// thread, which ends with the goroutine. Before, the process was forked
// from the caller's thread, and its parent-death signal came as soon as
// that thread was gone.
func TestChildOutlivesTheThreadThatStartedIt(t *testing.T) {
	p := procs{logDir: t.TempDir()}
	started := make(chan error, 1)
	var d *daemon
	go func() {
		runtime.LockOSThread() // never unlocked: the thread ends with this goroutine
		var err error
		d, err = p.start("sleeper", nil, "sleep", "1000")
		started <- err
	}()
	if err := <-started; err != nil {
		t.Fatal(err)
	}
	defer p.stopAll()
	select {
	case <-d.done:
		t.Fatalf("the child ended with the thread that started it: %v", d.err)
	case <-time.After(time.Second):
	}
}

// childrenOf lists the processes whose parent is pid.
func childrenOf(pid int) []int {
	ents, _ := os.ReadDir("/proc")
	var out []int
	for _, e := range ents {
		kid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
		if len(f) >= 2 && f[1] == strconv.Itoa(pid) {
			out = append(out, kid)
		}
	}
	return out
}

// procState returns pid's state letter (R, S, Z, ...), if it exists.
func procState(pid int) (string, bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return "", false
	}
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
	if len(f) < 1 {
		return "", false
	}
	return f[0], true
}

// comm returns pid's command name.
func comm(pid int) string {
	b, _ := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/comm")
	return strings.TrimSpace(string(b))
}

package linux

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
	"time"
)

// A goroutine blocked in EventfdPoke (a peer sharing the eventfd switched
// it to blocking mode and filled its counter) must not stop a garbage
// collection. Were the write a raw system call, it would hold its P, the
// collection would wait for it for ever, and the whole process would
// freeze, audioproxyd's watchdog included. A frozen process runs no timers,
// so the check runs in a child process and the parent tells a hang from a
// wait.
func TestBlockedPokeLetsTheGCRun(t *testing.T) {
	if os.Getenv("DPX_BLOCKED_POKE_CHILD") == "1" {
		blockedPokeChild(t)
		return
	}
	if runtime.GOMAXPROCS(0) < 2 {
		t.Skip("with one P a raw blocking write would not hold up the collection either")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestBlockedPokeLetsTheGCRun$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), "DPX_BLOCKED_POKE_CHILD=1")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil || !strings.Contains(out.String(), "collected while the poke was blocked") {
			t.Fatalf("child: %v\n%s", err, out.String())
		}
	case <-time.After(60 * time.Second): // a hang guard: the child needs well under a second
		_ = cmd.Process.Kill()
		<-done
		t.Fatalf("the child froze: a garbage collection waited for the blocked poke\n%s", out.String())
	}
}

func blockedPokeChild(t *testing.T) {
	ef, err := Eventfd(0, 0) // blocking, as the peer made it
	if err != nil {
		t.Fatal(err)
	}
	defer ef.Close()
	fd := int(ef.Fd())
	if err := EventfdWrite(fd, 1<<64-2); err != nil { // the counter's maximum
		t.Fatal(err)
	}
	freed := make(chan struct{})
	go func() {
		EventfdPoke(fd) // blocks until the counter is read
		close(freed)
	}()
	time.Sleep(50 * time.Millisecond) // let the poke block (had it not, the check is void, not failed)
	runtime.GC()
	fmt.Println("collected while the poke was blocked")
	if _, err := EventfdRead(fd); err != nil {
		t.Fatal(err)
	}
	<-freed
}

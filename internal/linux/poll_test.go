package linux

import (
	"os"
	"runtime"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// Signals arriving faster than Poll's timeout do not keep it waiting: it
// returns once the timeout has passed in all. Before, every EINTR started
// the full timeout again, so a steady stream of signals (a profiler's, the
// runtime's) made a bounded poll wait for ever.
func TestPollTimeoutSurvivesSignals(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	tid := make(chan int, 1)
	done := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		tid <- Gettid()
		fds := []unix.PollFd{{Fd: int32(r.Fd()), Events: unix.POLLIN}}
		n, err := Poll(fds, 200)
		if err == nil && n != 0 {
			err = os.ErrInvalid
		}
		done <- err
	}()
	thread := <-tid
	guard := time.After(20 * time.Second) // a hang guard: the poll needs 200 ms
	for {
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("poll of an empty pipe: %v", err)
			}
			return
		case <-guard:
			t.Fatal("Poll(200 ms) had not returned after 20 s of signals")
		case <-time.After(20 * time.Millisecond):
			// SIGURG: the runtime's own preemption signal, which it
			// ignores when it did not ask for it.
			_ = unix.Tgkill(os.Getpid(), thread, unix.SIGURG)
		}
	}
}

package testutil

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"
)

// Main runs the package's tests and fails the run if they left file
// descriptors open. Call it from TestMain:
//
//	func TestMain(m *testing.M) { testutil.Main(m) }
func Main(m *testing.M) {
	// Start the runtime's network poller first, so its epoll and wake-up
	// descriptors exist before the snapshot and are not counted as leaks.
	if r, w, err := os.Pipe(); err == nil {
		r.Close()
		w.Close()
	}
	before := openFds()
	code := m.Run()
	if code == 0 {
		if leaked := waitForLeaks(before); len(leaked) > 0 {
			fmt.Fprintln(os.Stderr, "FAIL: file descriptors leaked by the tests:")
			for _, l := range leaked {
				fmt.Fprintln(os.Stderr, "  ", l)
			}
			code = 1
		}
	}
	os.Exit(code)
}

// waitForLeaks gives goroutines that are closing descriptors a moment to
// finish, then lists descriptors that were not open before.
func waitForLeaks(before map[int]string) []string {
	var leaked []string
	for try := 0; try < 20; try++ {
		leaked = leaked[:0]
		for fd, target := range openFds() {
			if _, ok := before[fd]; !ok {
				leaked = append(leaked, fmt.Sprintf("fd %d -> %s", fd, target))
			}
		}
		if len(leaked) == 0 {
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	slices.Sort(leaked)
	return leaked
}

func openFds() map[int]string {
	m := map[int]string{}
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return m
	}
	for _, e := range ents {
		fd, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		target, err := os.Readlink("/proc/self/fd/" + e.Name())
		if err != nil {
			continue // the descriptor ReadDir itself used
		}
		m[fd] = target
	}
	return m
}

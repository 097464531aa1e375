package linux

import (
	"testing"

	"golang.org/x/sys/unix"
)

// The wrappers the real-time paths call (an audio device callback's wake,
// the watchdog's drain, a period loop's sleep) never allocate, on their
// success paths or on their common failures (an empty or saturated
// counter). EventfdDrain of an empty eventfd used to allocate the
// *os.SyscallError of the EAGAIN it then ignored.
func TestRealTimeWrappersDoNotAllocate(t *testing.T) {
	if raceEnabled {
		t.Skip("allocation counts are meaningless under -race (x/sys/unix hands buffers to the race detector)")
	}
	f, err := Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fd := int(f.Fd())
	for _, c := range []struct {
		name string
		fn   func()
	}{
		{"EventfdWrite", func() { _ = EventfdWrite(fd, 1) }},
		{"EventfdPoke", func() { EventfdPoke(fd) }},
		{"EventfdPokeIfNonBlocking", func() { EventfdPokeIfNonBlocking(fd) }},
		{"EventfdDrain of a set counter", func() { EventfdPoke(fd); _, _ = EventfdDrain(fd) }},
		{"EventfdDrain of an empty counter", func() { _, _ = EventfdDrain(fd) }},
		{"MonotonicNs", func() { _ = MonotonicNs() }},
		{"SleepUntil", func() { SleepUntil(MonotonicNs() + 10_000) }},
	} {
		if n := testing.AllocsPerRun(100, c.fn); n != 0 {
			t.Errorf("%s: %v allocations per call", c.name, n)
		}
	}
}

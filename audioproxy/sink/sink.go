// Package sink holds audioproxy's output devices behind one small
// interface: a clock-driven null sink, a WAV-file sink (real time, for demos
// and capture) and, in the malgosink subpackage, a real sound device through
// malgo. A sink calls the render function from its own thread once per
// period; render fills the buffer and must not block.
package sink

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"droidplex/audioproxy/wire"
	"droidplex/internal/linux"
)

// Config is the device format: rate, channels, sample format and the period
// in frames.
type Config struct {
	wire.Params
	Period uint32
	// Realtime runs the device's callback thread SCHED_FIFO (needs
	// CAP_SYS_NICE): the null and WAV sinks' period thread, or malgo's.
	Realtime bool
}

// Default is 48 kHz stereo s16 with 5 ms periods.
var Default = Config{Params: wire.Params{Rate: 48000, Channels: 2, Format: wire.FormatS16}, Period: 240}

// Validate checks the configuration.
func (c Config) Validate() error {
	if err := c.Params.Validate(); err != nil {
		return err
	}
	if c.Period == 0 || c.Period > c.Rate {
		return fmt.Errorf("period %d frames outside 1..%d", c.Period, c.Rate)
	}
	return nil
}

// PeriodDuration returns the period as a duration.
func (c Config) PeriodDuration() time.Duration {
	return time.Duration(c.Period) * time.Second / time.Duration(c.Rate)
}

// Sink is an output device.
type Sink interface {
	// Start begins calling render once per period from the sink's thread.
	Start(render func(out []byte, frames int)) error
	// Stop stops the calls; when it returns, render is no longer running.
	Stop() error
	// Close releases the device (and, for a file, completes it).
	Close() error
}

// ErrStarted is returned by Start on a running sink.
var ErrStarted = errors.New("sink: already started")

// clock calls render at the period's pace from a goroutine of its own,
// then hands the buffer to out (nil for the null sink). It sleeps to
// absolute CLOCK_MONOTONIC deadlines, so it never drifts: on a timerfd
// through the runtime's poller (linux.Timer), which costs one wake-up per
// period and lets the runtime's monitor thread idle, or, real-time, in a
// locked thread's own clock_nanosleep.
type clock struct {
	cfg  Config
	out  func([]byte) error
	mu   sync.Mutex
	stop *atomic.Bool
	done chan error
}

// NewNull returns a sink that consumes audio at the device's pace and
// discards it.
func NewNull(cfg Config) (Sink, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("null sink: %w", err)
	}
	return &clock{cfg: cfg}, nil
}

// Start starts the period thread. With cfg.Realtime it makes the thread
// SCHED_FIFO first, and fails if it may not.
func (c *clock) Start(render func([]byte, int)) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stop != nil {
		return ErrStarted
	}
	stop, done, started := new(atomic.Bool), make(chan error, 1), make(chan error, 1)
	go c.run(render, stop, started, done)
	if err := <-started; err != nil {
		<-done
		return err
	}
	c.stop, c.done = stop, done
	return nil
}

// run is the period thread. started receives nil once it runs (or why it
// could not), done the reason it ended.
func (c *clock) run(render func([]byte, int), stop *atomic.Bool, started, done chan<- error) {
	if !c.cfg.Realtime {
		tm, err := linux.NewTimer()
		if err != nil {
			started <- fmt.Errorf("period thread: %w", err)
			done <- nil
			return
		}
		defer tm.Close()
		started <- nil
		done <- c.loop(render, stop, func(ns int64) { _ = tm.SleepUntil(ns) }) // fails only once closed, after the loop
		return
	}
	// The thread is the device's while the loop runs. When it ends, the
	// thread goes back to SCHED_NORMAL before it is unlocked (and before
	// Stop returns), so its priority never reaches another goroutine; if
	// that fails it stays locked and the runtime retires it with this
	// goroutine. (Only a realtime thread is locked: unlocked, the goroutine
	// may move between threads when the runtime preempts it, which costs
	// nothing; locked, that goes through the scheduler.)
	runtime.LockOSThread()
	if err := linux.SetThreadFIFO(RealtimePriority); err != nil {
		runtime.UnlockOSThread() // unchanged: an ordinary thread
		started <- fmt.Errorf("realtime period thread: %w", err)
		done <- nil
		return
	}
	started <- nil
	err := c.loop(render, stop, linux.SleepUntilInSyscall) // never yields to ordinary threads
	if linux.SetThreadNormal() == nil {
		runtime.UnlockOSThread()
	}
	done <- err
}

// loop renders a period, hands it to out and sleeps until the next one,
// until stop is set or out fails.
func (c *clock) loop(render func([]byte, int), stop *atomic.Bool, sleep func(int64)) error {
	period := int64(c.cfg.PeriodDuration())
	buf := make([]byte, int(c.cfg.Period)*c.cfg.FrameBytes())
	next := linux.MonotonicNs()
	for {
		render(buf, int(c.cfg.Period))
		if c.out != nil {
			if err := c.out(buf); err != nil {
				return err
			}
		}
		next += period
		if now := linux.MonotonicNs(); next < now-10*period {
			// Stalled (suspended, overloaded): do not burst to catch up,
			// and sleep a period even so, so that an overloaded realtime
			// thread still leaves the CPU to others.
			next = now + period
		}
		if stop.Load() {
			return nil
		}
		sleep(next)
	}
}

// RealtimePriority is the SCHED_FIFO priority of a realtime period thread:
// above ordinary threads, below the kernel's interrupt threads (50), like
// PulseAudio's and PipeWire's default (rtkit's 20 or lower).
const RealtimePriority = 10

func (c *clock) Stop() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stop == nil {
		return nil
	}
	c.stop.Store(true)
	err := <-c.done
	c.stop, c.done = nil, nil
	return err
}

func (c *clock) Close() error { return c.Stop() }

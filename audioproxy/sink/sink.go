// Package sink holds audioproxy's output devices behind one small
// interface: a clock-driven null sink, a WAV-file sink (real time, for demos
// and capture) and, in the malgosink subpackage, a real sound device through
// malgo. A sink calls the render function from its own thread once per
// period; render fills the buffer and must not block.
package sink

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"droidplex/audioproxy/wire"
)

// Config is the device format: rate, channels, sample format and the period
// in frames.
type Config struct {
	wire.Params
	Period uint32
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

// clock calls render at the period's pace from a goroutine, then hands the
// buffer to out (nil for the null sink).
type clock struct {
	cfg  Config
	out  func([]byte) error
	mu   sync.Mutex
	stop chan struct{}
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

func (c *clock) Start(render func([]byte, int)) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stop != nil {
		return ErrStarted
	}
	c.stop, c.done = make(chan struct{}), make(chan error, 1)
	go c.run(render, c.stop, c.done)
	return nil
}

func (c *clock) run(render func([]byte, int), stop <-chan struct{}, done chan<- error) {
	period := c.cfg.PeriodDuration()
	buf := make([]byte, int(c.cfg.Period)*c.cfg.FrameBytes())
	t := time.NewTimer(period)
	defer t.Stop()
	next := time.Now()
	for {
		render(buf, int(c.cfg.Period))
		if c.out != nil {
			if err := c.out(buf); err != nil {
				done <- err
				return
			}
		}
		next = next.Add(period)
		d := time.Until(next)
		if d < -10*period { // stalled (suspended, overloaded): do not burst to catch up
			next, d = time.Now(), 0
		}
		t.Reset(d)
		select {
		case <-stop:
			done <- nil
			return
		case <-t.C:
		}
	}
}

func (c *clock) Stop() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stop == nil {
		return nil
	}
	close(c.stop)
	err := <-c.done
	c.stop, c.done = nil, nil
	return err
}

func (c *clock) Close() error { return c.Stop() }

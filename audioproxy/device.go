package audioproxy

import (
	"context"
	"log/slog"
	"time"

	"droidplex/audioproxy/sink"
)

// defaultDeviceStall is how long a sound device may go without calling
// back before it is reopened.
const defaultDeviceStall = 3 * time.Second

// device owns the running sound device. A device behind a sound server can
// stop calling back without a word (miniaudio does not report a
// PulseAudio server that died), which would silence every container for
// good; supervise then closes it and opens it again until it runs, so the
// sound comes back with the server. While it is down the streams are not
// consumed and the shims pace themselves on their local clocks.
//
// The null and WAV sinks keep their own clocks and are not supervised (a
// stalled machine must not reopen, and so truncate, a WAV file).
type device struct {
	open  func() (sink.Sink, error)
	eng   *Engine
	log   *slog.Logger
	stall time.Duration
	cur   sink.Sink // nil while reopening; owned by supervise until it returns
}

// start starts s, the device opened first.
func (d *device) start(s sink.Sink) error {
	if err := s.Start(d.eng.Process); err != nil {
		return err
	}
	d.cur = s
	return nil
}

// supervise reopens the device whenever its callbacks stop for the stall
// time, until ctx ends. The caller closes the device after it returns.
func (d *device) supervise(ctx context.Context) {
	tick := time.NewTicker(d.stall / 4)
	defer tick.Stop()
	last, since := d.eng.Callbacks(), time.Now()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		if n := d.eng.Callbacks(); n != last {
			last, since = n, time.Now()
			continue
		}
		if time.Since(since) < d.stall {
			continue
		}
		d.log.Warn("sound device stopped calling back; reopening it", "after", d.stall)
		d.reopen(ctx)
		last, since = d.eng.Callbacks(), time.Now()
	}
}

// reopen closes the device and opens and starts a new one, retrying with
// backoff until that works or ctx ends. The old device's callback has
// returned before the new one can start, so Process never runs twice at
// once.
func (d *device) reopen(ctx context.Context) {
	if d.cur != nil {
		if err := d.cur.Close(); err != nil {
			d.log.Warn("close stalled sound device", "err", err)
		}
		d.cur = nil
	}
	backoff := 500 * time.Millisecond
	for ctx.Err() == nil {
		s, err := d.open()
		if err == nil {
			if err = d.start(s); err == nil {
				d.log.Info("sound device reopened")
				return
			}
			s.Close()
		}
		d.log.Warn("reopen sound device", "err", err, "retry", backoff)
		select {
		case <-ctx.Done():
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 5*time.Second)
	}
}

// close closes the device, if one is open.
func (d *device) close() error {
	if d.cur == nil {
		return nil
	}
	err := d.cur.Close()
	d.cur = nil
	return err
}

// Package malgosink is audioproxy's real sound device: a malgo (miniaudio)
// playback device on a backend chosen by name. It lives in its own package
// because miniaudio is one large C file that takes most of a minute to
// compile; nothing else in audioproxy needs cgo.
package malgosink

import (
	"fmt"
	"sync"

	"github.com/gen2brain/malgo"

	"droidplex/audioproxy/sink"
	"droidplex/audioproxy/wire"
)

// backendNull is miniaudio 0.11.23's ma_backend_null. malgo v0.11.24's
// BackendNull constant is 13, which is ma_backend_custom, and fails with
// "No backend".
const backendNull = malgo.Backend(14)

// Backends maps the configuration's backend names to malgo backends.
// aaudio and opensl exist only in builds for GOOS=android.
var Backends = map[string]malgo.Backend{
	"pulseaudio": malgo.BackendPulseaudio,
	"alsa":       malgo.BackendAlsa,
	"aaudio":     malgo.BackendAaudio,
	"opensl":     malgo.BackendOpensl,
	"null":       backendNull,
}

// Device is a malgo playback device.
type Device struct {
	cfg    sink.Config
	ctx    *malgo.AllocatedContext
	name   string
	mu     sync.Mutex
	dev    *malgo.Device
	render func([]byte, int)
}

// Options tune the device.
type Options struct {
	// StreamName names the stream in PulseAudio ("audioproxy" if empty).
	StreamName string
	// Log receives miniaudio's messages; nil drops them.
	Log func(string)
}

// New opens the named backend for cfg (cfg.Realtime asks miniaudio for a
// real-time callback thread; it falls back to a normal one if refused).
func New(backend string, cfg sink.Config, opt Options) (*Device, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("malgo sink: %w", err)
	}
	b, ok := Backends[backend]
	if !ok {
		return nil, fmt.Errorf("malgo sink: unknown backend %q (want pulseaudio, alsa, aaudio, opensl or null)", backend)
	}
	cc := malgo.ContextConfig{}
	if cfg.Realtime {
		cc.ThreadPriority = malgo.ThreadPriorityRealtime
	}
	logf := opt.Log
	if logf == nil {
		logf = func(string) {}
	}
	ctx, err := malgo.InitContext([]malgo.Backend{b}, cc, logf)
	if err != nil {
		return nil, fmt.Errorf("malgo sink: backend %s: %w", backend, err)
	}
	name := opt.StreamName
	if name == "" {
		name = "audioproxy"
	}
	return &Device{cfg: cfg, ctx: ctx, name: name}, nil
}

// Start opens the device and starts calling render from its callback thread.
func (d *Device) Start(render func(out []byte, frames int)) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.dev != nil {
		return sink.ErrStarted
	}
	dc := malgo.DefaultDeviceConfig(malgo.Playback)
	dc.Playback.Format = malgo.FormatS16
	if d.cfg.Format == wire.FormatF32 {
		dc.Playback.Format = malgo.FormatF32
	}
	dc.Playback.Channels = uint32(d.cfg.Channels)
	dc.SampleRate = d.cfg.Rate
	dc.PeriodSizeInFrames = d.cfg.Period
	dc.Periods = 2
	dc.Pulse.StreamNamePlayback = d.name
	d.render = render
	dev, err := malgo.InitDevice(d.ctx.Context, dc, malgo.DeviceCallbacks{Data: d.data})
	if err != nil {
		return fmt.Errorf("malgo sink: open device: %w", err)
	}
	if err := dev.Start(); err != nil {
		dev.Uninit()
		return fmt.Errorf("malgo sink: start device: %w", err)
	}
	d.dev = dev
	return nil
}

// data is the malgo callback: it hands the buffer to render and nothing else.
func (d *Device) data(out, _ []byte, frames uint32) { d.render(out, int(frames)) }

// Stop stops and closes the device; render is not called after it returns.
func (d *Device) Stop() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.dev == nil {
		return nil
	}
	err := d.dev.Stop()
	d.dev.Uninit()
	d.dev = nil
	if err != nil {
		return fmt.Errorf("malgo sink: stop: %w", err)
	}
	return nil
}

// Close stops the device and releases the backend context.
func (d *Device) Close() error {
	err := d.Stop()
	if d.ctx != nil {
		if uerr := d.ctx.Uninit(); err == nil && uerr != nil {
			err = fmt.Errorf("malgo sink: %w", uerr)
		}
		d.ctx.Free()
		d.ctx = nil
	}
	return err
}

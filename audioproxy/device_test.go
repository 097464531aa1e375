package audioproxy

import (
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"droidplex/audioproxy/sink"
	"droidplex/audioproxy/wire"
	"droidplex/internal/ctlhttp"
)

// dyingDevices opens fake sound devices that call back a few periods and
// then go silent without a word, as a malgo device does when its
// PulseAudio server dies; the last one opened keeps running.
type dyingDevices struct {
	mu    sync.Mutex
	log   []string
	live  bool // a device is started and not yet closed
	twice bool // a device started while another was live
	n     int
}

func (d *dyingDevices) open(string, sink.Config) (sink.Sink, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.n++
	d.log = append(d.log, fmt.Sprint("open ", d.n))
	return &dyingDevice{d: d, id: d.n, quit: make(chan struct{}), done: make(chan struct{})}, nil
}

func (d *dyingDevices) transcript() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return strings.Join(d.log, ", ")
}

type dyingDevice struct {
	d          *dyingDevices
	id         int
	quit, done chan struct{}
	once       sync.Once
}

func (s *dyingDevice) Start(render func([]byte, int)) error {
	s.d.mu.Lock()
	s.d.twice = s.d.twice || s.d.live
	s.d.live = true
	s.d.log = append(s.d.log, fmt.Sprint("start ", s.id))
	s.d.mu.Unlock()
	go func() {
		defer close(s.done)
		buf := make([]byte, 240*4)
		for i := 0; s.id > 1 || i < 20; i++ { // the first goes silent after 20 periods
			select {
			case <-s.quit:
				return
			case <-time.After(5 * time.Millisecond):
			}
			render(buf, 240)
		}
		<-s.quit
	}()
	return nil
}

func (s *dyingDevice) Stop() error {
	s.once.Do(func() { close(s.quit) })
	<-s.done
	return nil
}

func (s *dyingDevice) Close() error {
	s.Stop()
	s.d.mu.Lock()
	s.d.live = false
	s.d.log = append(s.d.log, fmt.Sprint("close ", s.id))
	s.d.mu.Unlock()
	return nil
}

// A sound device that stops calling back is closed and opened again, and
// the mix goes on on the new one; the old one is closed before the new one
// starts, so the device callback never runs twice at once.
func TestSilentDeviceIsReopened(t *testing.T) {
	devs := &dyingDevices{}
	dir := shortDir(t)
	cfg := DefaultConfig()
	cfg.RuntimeDir = dir
	cfg.APISocket = filepath.Join(dir, "audioproxyd.sock")
	cfg.Device = "fake"
	cfg.OpenDevice = devs.open
	cfg.DeviceStall = 200 * time.Millisecond
	c := runInTest(t, cfg)
	status := func() wire.Status {
		var st wire.Status
		if err := ctlhttp.Do(t.Context(), c, "GET", "/v1/status", nil, &st); err != nil {
			t.Fatal(err)
		}
		return st
	}
	for deadline := time.Now().Add(10 * time.Second); status().Callbacks <= 20; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) { // a hang guard
			t.Fatalf("the mix did not resume on a new device: %s", devs.transcript())
		}
	}
	if got, want := devs.transcript(), "open 1, start 1, close 1, open 2, start 2"; got != want {
		t.Errorf("devices: %s; want %s", got, want)
	}
	devs.mu.Lock()
	defer devs.mu.Unlock()
	if devs.twice {
		t.Error("a device started while the one before it was still open")
	}
}

// The null and WAV sinks keep their own clocks: a machine stall must not
// reopen them (a WAV file would be truncated).
func TestOwnClockSinksAreNotSupervised(t *testing.T) {
	for dev, want := range map[string]bool{"null": false, "wav:/tmp/x.wav": false, "pulseaudio": true, "alsa": true} {
		if got := (Config{Device: dev}).supervised(); got != want {
			t.Errorf("%s supervised = %v, want %v", dev, got, want)
		}
	}
}

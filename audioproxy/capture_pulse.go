package audioproxy

import (
	"errors"
	"fmt"
	"io"
	"os/exec"
	"sync"
	"syscall"

	"droidplex/audioproxy/sink"
	"droidplex/audioproxy/wire"
)

// pulseSource captures from a PulseAudio (or pipewire-pulse) source through
// parec, the microphone of a Linux host: "pulse" (the default source) or
// "pulse:NAME". The server's address comes from the environment
// (PULSE_SERVER, XDG_RUNTIME_DIR), as for any PulseAudio client. The parec
// process exists only between Start and Stop, so the device is open exactly
// while the policy lets somebody hear it.
type pulseSource struct {
	cfg    sink.Config
	device string

	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan struct{}
}

// NewPulseSource returns a capture device reading PulseAudio source device
// ("" for the default source) in format c.
func NewPulseSource(c sink.Config, device string) (Source, error) {
	if _, err := exec.LookPath("parec"); err != nil {
		return nil, fmt.Errorf("pulse capture: %w (install pulseaudio-utils)", err)
	}
	return &pulseSource{cfg: c, device: device}, nil
}

func (p *pulseSource) Start(deliver func(in []byte, frames int)) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cmd != nil {
		return sink.ErrStarted
	}
	format := "s16le"
	if p.cfg.Format == wire.FormatF32 {
		format = "float32le"
	}
	args := []string{"--raw", "--format=" + format, fmt.Sprintf("--rate=%d", p.cfg.Rate),
		fmt.Sprintf("--channels=%d", p.cfg.Channels), "--latency-msec=20", "--client-name=audioproxyd"}
	if p.device != "" {
		args = append(args, "--device="+p.device)
	}
	cmd := exec.Command("parec", args...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return fmt.Errorf("pulse capture: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("pulse capture: %w", err)
	}
	p.cmd, p.done = cmd, make(chan struct{})
	buf := make([]byte, int(p.cfg.Period)*p.cfg.FrameBytes())
	go func() {
		defer close(p.done)
		for {
			if _, err := io.ReadFull(out, buf); err != nil {
				return
			}
			deliver(buf, int(p.cfg.Period))
		}
	}()
	return nil
}

func (p *pulseSource) Stop() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cmd == nil {
		return nil
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	<-p.done // the reader sees EOF once parec is gone
	err := p.cmd.Wait()
	var ee *exec.ExitError
	if errors.As(err, &ee) { // parec exits non-zero when told to stop
		err = nil
	}
	p.cmd = nil
	return err
}

func (p *pulseSource) Close() error { return p.Stop() }

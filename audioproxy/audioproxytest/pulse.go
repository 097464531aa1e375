package audioproxytest

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"time"
)

// Pulse is a private headless PulseAudio daemon with one 48 kHz stereo null
// sink called "nullsink", for tests and benchmarks. It never touches the
// user's own sound server.
type Pulse struct {
	Dir       string // private XDG_RUNTIME_DIR and HOME
	Server    string // PULSE_SERVER value for clients
	start     func(*exec.Cmd) error
	cmd       *exec.Cmd
	done      chan error
	closeOnce sync.Once
}

// StartPulse starts PulseAudio under dir and waits until it answers.
func StartPulse(dir string) (*Pulse, error) { return StartPulseWith(dir, (*exec.Cmd).Start) }

// StartPulseWith is StartPulse with start starting the daemon and every
// recorder (Record) instead of exec.Cmd.Start: the demo starts them so
// that they die with it.
func StartPulseWith(dir string, start func(*exec.Cmd) error) (*Pulse, error) {
	run, home := filepath.Join(dir, "run"), filepath.Join(dir, "home")
	for _, d := range []string{run, home} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, err
		}
	}
	sock := filepath.Join(run, "native")
	pa := fmt.Sprintf(`load-module module-null-sink sink_name=nullsink rate=48000 channels=2 sink_properties=device.description=NullSink
load-module module-native-protocol-unix socket=%s auth-anonymous=1
set-default-sink nullsink
`, sock)
	conf := filepath.Join(dir, "null.pa")
	if err := os.WriteFile(conf, []byte(pa), 0o644); err != nil {
		return nil, err
	}
	p := &Pulse{Dir: dir, Server: "unix:" + sock, start: start, done: make(chan error, 1)}
	p.cmd = exec.Command("pulseaudio", "--system=false", "--daemonize=no", "--exit-idle-time=-1", "-n", "-F", conf,
		"--use-pid-file=no", "--log-target=stderr", "--log-level=error")
	p.cmd.Env = p.Env()
	p.cmd.Stderr = nil
	if err := p.start(p.cmd); err != nil {
		return nil, fmt.Errorf("start pulseaudio: %w", err)
	}
	go func() { p.done <- p.cmd.Wait() }()
	for i := 0; ; i++ {
		if err := p.Command("pactl", "info").Run(); err == nil {
			return p, nil
		}
		select {
		case err := <-p.done:
			p.done <- err
			return nil, fmt.Errorf("pulseaudio exited: %v", err)
		case <-time.After(50 * time.Millisecond):
		}
		if i == 200 {
			p.Close()
			return nil, errors.New("pulseaudio did not answer within 10 s")
		}
	}
}

// Env returns the environment a PulseAudio client of p needs.
func (p *Pulse) Env() []string {
	return append(os.Environ(), "XDG_RUNTIME_DIR="+filepath.Join(p.Dir, "run"), "HOME="+filepath.Join(p.Dir, "home"),
		"PULSE_SERVER="+p.Server)
}

// Command returns a command (pactl, parec, pacat...) talking to p.
func (p *Pulse) Command(name string, args ...string) *exec.Cmd {
	c := exec.Command(name, args...)
	c.Env = p.Env()
	return c
}

// Record starts recording the null sink's monitor to a WAV file. Start it
// before any playback: an idle null sink otherwise runs in 2 s blocks.
// The returned function stops the recording and waits for the file.
func (p *Pulse) Record(path string) (stop func() error, err error) {
	c := p.Command("parec", "-d", "nullsink.monitor", "--rate=48000", "--channels=2", "--format=s16le",
		"--latency-msec=100", "--file-format=wav", path)
	if err := p.start(c); err != nil {
		return nil, fmt.Errorf("parec: %w", err)
	}
	return func() error {
		c.Process.Signal(syscall.SIGINT)
		err := c.Wait()
		var ee *exec.ExitError
		if errors.As(err, &ee) { // parec exits non-zero on SIGINT
			err = nil
		}
		return err
	}, nil
}

// Close stops the daemon and waits for it. It is safe to call more than once.
func (p *Pulse) Close() error {
	p.closeOnce.Do(func() {
		p.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-p.done:
		case <-time.After(5 * time.Second):
			p.cmd.Process.Kill()
			<-p.done
		}
	})
	return nil
}

// Pid returns the daemon's process id.
func (p *Pulse) Pid() int { return p.cmd.Process.Pid }

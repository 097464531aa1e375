package demo

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"
)

// pulse is the demo's private headless PulseAudio with one 48 kHz stereo
// null sink, "nullsink" (audioproxytest.StartPulse's, for tests), started
// to die with the demo (startDying), as its recorder is.
type pulse struct {
	dir    string // private XDG_RUNTIME_DIR and HOME
	daemon *exec.Cmd
	done   chan error
}

// startPulse starts PulseAudio under dir and waits until it answers.
func startPulse(dir string) (*pulse, error) {
	run, home := filepath.Join(dir, "run"), filepath.Join(dir, "home")
	for _, d := range []string{run, home} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, err
		}
	}
	script := fmt.Sprintf(`load-module module-null-sink sink_name=nullsink rate=48000 channels=2 sink_properties=device.description=NullSink
load-module module-native-protocol-unix socket=%s auth-anonymous=1
set-default-sink nullsink
`, filepath.Join(run, "native"))
	conf := filepath.Join(dir, "null.pa")
	if err := os.WriteFile(conf, []byte(script), 0o644); err != nil {
		return nil, err
	}
	p := &pulse{dir: dir, done: make(chan error, 1)}
	p.daemon = p.command("pulseaudio", "--system=false", "--daemonize=no", "--exit-idle-time=-1", "-n", "-F", conf,
		"--use-pid-file=no", "--log-target=stderr", "--log-level=error")
	if err := startDying(p.daemon, syscall.SIGKILL); err != nil {
		return nil, fmt.Errorf("start pulseaudio: %w", err)
	}
	go func() { p.done <- p.daemon.Wait() }()
	deadline := time.Now().Add(10 * time.Second)
	for p.command("pactl", "info").Run() != nil {
		select {
		case err := <-p.done:
			p.done <- err
			return nil, fmt.Errorf("pulseaudio exited: %v", err)
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			p.close()
			return nil, errors.New("pulseaudio did not answer within 10 s")
		}
	}
	return p, nil
}

// env is the environment a client of p needs.
func (p *pulse) env() []string {
	run := filepath.Join(p.dir, "run")
	return append(os.Environ(), "XDG_RUNTIME_DIR="+run, "HOME="+filepath.Join(p.dir, "home"),
		"PULSE_SERVER=unix:"+filepath.Join(run, "native"))
}

// command returns a command (pactl, parec) talking to p.
func (p *pulse) command(name string, args ...string) *exec.Cmd {
	c := exec.Command(name, args...)
	c.Env = p.env()
	return c
}

// record starts recording the null sink's monitor to a WAV file; start it
// before any playback (an idle null sink runs in 2 s blocks). stop ends
// the recording and waits for the file.
func (p *pulse) record(path string) (stop func() error, err error) {
	c := p.command("parec", "-d", "nullsink.monitor", "--rate=48000", "--channels=2", "--format=s16le",
		"--latency-msec=100", "--file-format=wav", path)
	if err := startDying(c, syscall.SIGKILL); err != nil {
		return nil, fmt.Errorf("parec: %w", err)
	}
	return func() error {
		_ = c.Process.Signal(syscall.SIGINT)
		err := c.Wait()
		var ee *exec.ExitError
		if errors.As(err, &ee) { // parec exits non-zero on SIGINT
			err = nil
		}
		return err
	}, nil
}

// close stops the daemon and waits for it.
func (p *pulse) close() {
	_ = p.daemon.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(5 * time.Second):
		_ = p.daemon.Process.Kill()
		<-p.done
	}
}

package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

var bgctx = context.Background()

const nullSinkConf = `context.properties = { default.clock.rate = 48000 }
context.objects = [
  { factory = adapter
    args = { factory.name = support.null-audio-sink  node.name = "nullsink"  node.description = "NullSink"
             media.class = "Audio/Sink"  audio.position = [ FL FR ]  audio.rate = 48000  object.linger = true
             monitor.channel-volumes = true  node.driver = true  priority.driver = 30000  priority.session = 30000 } }
]
`

// runPipeWire starts a private session bus, pipewire and wireplumber with a
// null sink, then n pw-play clients at the latency.
func (b *bench) runPipeWire(p *procs, n, latencyMs int) (result, error) {
	base := filepath.Join(b.dir, "pw")
	os.RemoveAll(base)
	run, home, conf := filepath.Join(base, "run"), filepath.Join(base, "home"), filepath.Join(base, "conf")
	for _, d := range []string{run, home, filepath.Join(conf, "pipewire", "pipewire.conf.d")} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return result{}, err
		}
	}
	if err := os.WriteFile(filepath.Join(conf, "pipewire", "pipewire.conf.d", "10-null-sink.conf"), []byte(nullSinkConf), 0o644); err != nil {
		return result{}, err
	}
	bus := "unix:path=" + filepath.Join(run, "bus")
	env := append(os.Environ(), "XDG_RUNTIME_DIR="+run, "HOME="+home, "XDG_CONFIG_HOME="+conf, "DBUS_SESSION_BUS_ADDRESS="+bus)
	cmd := func(name string, args ...string) *exec.Cmd {
		c := exec.Command(name, args...)
		c.Env = env
		return c
	}
	if err := p.start(cmd("dbus-daemon", "--session", "--nofork", "--address="+bus)); err != nil {
		return result{}, err
	}
	time.Sleep(200 * time.Millisecond)
	pw := cmd("pipewire")
	if err := p.start(pw); err != nil {
		return result{}, err
	}
	time.Sleep(time.Second)
	if err := p.start(cmd("wireplumber")); err != nil {
		return result{}, err
	}
	time.Sleep(2 * time.Second)
	var clients []*exec.Cmd
	for range n {
		c := cmd("pw-play", "--target", "nullsink", fmt.Sprintf("--latency=%dms", latencyMs), b.wav)
		if err := p.start(c); err != nil {
			return result{}, err
		}
		clients = append(clients, c)
	}
	return b.measure([]int{pw.Process.Pid}, clients), nil
}

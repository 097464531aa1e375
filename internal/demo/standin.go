package demo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"droidplex/internal/linux"
	"droidplex/rilproxy/ofonotest"
)

// In a stand-in container, the proxies' sockets are at these paths (the
// proc runtime binds the container's runtime directory there).
const (
	containerRunDir = "/dev/droidplex"
	busSocketName   = "dbus" // the container's private system bus, in its runtime dir
)

// StandinOptions configure the stand-in Android init.
type StandinOptions struct {
	Name   string  // the container's name
	Tone   float64 // Hz of the tone its "audioserver" plays; 0: none
	Self   string  // the droidplex binary (for `droidplex audio play-tone`)
	Ofonod string  // default /usr/sbin/ofonod
	Output io.Writer
}

// RunStandin is the /init of a stand-in Android container under the proc
// runtime: it starts the container's system bus (on <runtime dir>/dbus, so
// the demo can reach it), oFono as the container's RIL client on
// /dev/socket/rild, and an audio client playing a tone through the Go audio
// shim, then waits until ctx ends (SIGTERM) and stops them.
func RunStandin(ctx context.Context, o StandinOptions) error {
	if o.Ofonod == "" {
		o.Ofonod = "/usr/sbin/ofonod"
	}
	if o.Output == nil {
		o.Output = io.Discard
	}
	// oFono keeps per-SIM state in /var/lib/ofono: give each container its
	// own (the proc runtime's mount namespace is private).
	if err := os.MkdirAll("/var/lib/ofono", 0o755); err != nil {
		return err
	}
	if err := linux.Mount("tmpfs", "/var/lib/ofono", "tmpfs", unix.MS_NOSUID|unix.MS_NODEV, "mode=0755"); err != nil {
		return fmt.Errorf("stand-in %s: %w", o.Name, err)
	}
	tmp, err := os.MkdirTemp("", "dpx-standin-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	sock := filepath.Join(containerRunDir, busSocketName)
	conf := filepath.Join(tmp, "bus.conf")
	if err := ofonotest.WriteBusConfig(conf, sock); err != nil {
		return err
	}
	type kid struct {
		cmd  *exec.Cmd
		done chan struct{}
	}
	var kids []kid
	died := make(chan error, 4)
	start := func(env []string, argv ...string) error {
		c := exec.Command(argv[0], argv[1:]...)
		c.Stdout, c.Stderr = o.Output, o.Output
		c.Env = append(os.Environ(), env...)
		if err := c.Start(); err != nil {
			return fmt.Errorf("stand-in %s: start %s: %w", o.Name, argv[0], err)
		}
		k := kid{cmd: c, done: make(chan struct{})}
		kids = append(kids, k)
		go func() {
			err := c.Wait()
			close(k.done)
			select {
			case died <- fmt.Errorf("%s exited: %v", argv[0], err):
			default:
			}
		}()
		return nil
	}
	defer func() {
		for i := len(kids) - 1; i >= 0; i-- {
			_ = kids[i].cmd.Process.Signal(syscall.SIGTERM)
			select {
			case <-kids[i].done:
			case <-time.After(3 * time.Second):
				_ = kids[i].cmd.Process.Kill()
				<-kids[i].done
			}
		}
	}()
	if err := start(nil, "dbus-daemon", "--config-file="+conf, "--nofork", "--nopidfile"); err != nil {
		return err
	}
	if err := waitSocket(ctx, "unix", sock, 10*time.Second); err != nil {
		return err
	}
	if err := start([]string{"DBUS_SYSTEM_BUS_ADDRESS=unix:path=" + sock, "OFONO_RIL_DEVICE=ril", "OFONO_RIL_NUM_SIM_SLOTS=1"},
		o.Ofonod, "-n", "-p", "ril*"); err != nil {
		return err
	}
	if o.Tone > 0 {
		if err := start(nil, o.Self, "audio", "play-tone", o.Name, "--audio-socket", filepath.Join(containerRunDir, "audio"),
			"--freq", strconv.FormatFloat(o.Tone, 'f', -1, 64), "--amp", "0.25", "--duration", "0"); err != nil {
			return err
		}
	}
	// Wait for the end, or for a child to die (then the container's init
	// exits and the manager restarts the container, as for Android's init).
	select {
	case <-ctx.Done():
		return nil
	case err := <-died:
		return errors.Join(fmt.Errorf("stand-in %s", o.Name), err)
	}
}

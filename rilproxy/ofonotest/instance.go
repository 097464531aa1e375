package ofonotest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/godbus/dbus/v5"

	"droidplex/internal/revert"
)

// Options describe one oFono instance.
type Options struct {
	// Name labels the instance in errors and logs ("personal", "work").
	Name string
	// SocketDir is the directory bound as /dev/socket in the instance's
	// namespace; the rild server listens on SocketDir/rild. Start makes it
	// searchable (0755), because oFono connects as uid 1001.
	SocketDir string
	// Dir holds the instance's bus socket and configuration. Empty: a new
	// directory under /tmp, removed by Stop.
	Dir string
	// Output receives ofonod's and dbus-daemon's output (nil: discarded).
	Output io.Writer
	// Debug runs ofonod with -d '*' (every debug message, RIL traces).
	Debug bool
	// Ofonod, Unshare and DBusDaemon override the programs' paths.
	Ofonod, Unshare, DBusDaemon string
}

// Instance is one running ofonod with its own bus and mount namespace.
type Instance struct {
	name    string
	dir     string
	ownDir  bool
	bus     *exec.Cmd
	busDone chan struct{}
	ofono   *exec.Cmd
	exited  chan struct{} // closed when ofonod has exited
	conn    *dbus.Conn
	sigs    *recorder
	stop    sync.Once
	stopErr error
}

// Start starts a private bus and ofonod, and returns once oFono owns the
// name org.ofono on that bus (it may not have connected to rild yet; see
// WaitPowered). ctx bounds the start only.
func Start(ctx context.Context, opt Options) (_ *Instance, err error) {
	if opt.SocketDir == "" {
		return nil, errors.New("ofonotest: no socket directory")
	}
	prog := func(p, def string) string {
		if p != "" {
			return p
		}
		return def
	}
	i := &Instance{name: opt.Name, dir: opt.Dir, exited: make(chan struct{}), busDone: make(chan struct{})}
	if i.name == "" {
		i.name = "ofono"
	}
	r := revert.New()
	defer r.Fail()
	if i.dir == "" {
		if i.dir, err = os.MkdirTemp("/tmp", "dpx-ofono-"); err != nil {
			return nil, fmt.Errorf("ofono %s: %w", i.name, err)
		}
		i.ownDir = true
		r.Add(func() { os.RemoveAll(i.dir) })
	}
	if err := os.Chmod(opt.SocketDir, 0o755); err != nil {
		return nil, fmt.Errorf("ofono %s: socket directory: %w", i.name, err)
	}
	out := opt.Output
	if out == nil {
		out = io.Discard
	}

	sock := filepath.Join(i.dir, "bus")
	conf := filepath.Join(i.dir, "bus.conf")
	if err := writeBusConfig(conf, sock); err != nil {
		return nil, fmt.Errorf("ofono %s: %w", i.name, err)
	}
	i.bus = exec.Command(prog(opt.DBusDaemon, "dbus-daemon"), "--config-file="+conf, "--nofork", "--nopidfile")
	i.bus.Stdout, i.bus.Stderr = out, out
	i.bus.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := i.bus.Start(); err != nil {
		return nil, fmt.Errorf("ofono %s: start dbus-daemon: %w", i.name, err)
	}
	go func() { i.bus.Wait(); close(i.busDone) }()
	r.Add(func() { i.bus.Process.Kill(); <-i.busDone })

	addr := "unix:path=" + sock
	if i.conn, err = connectBus(ctx, addr, i.busDone); err != nil {
		return nil, fmt.Errorf("ofono %s: %w", i.name, err)
	}
	r.Add(func() { i.conn.Close() })
	if i.sigs, err = record(i.conn); err != nil {
		return nil, fmt.Errorf("ofono %s: %w", i.name, err)
	}

	i.ofono = exec.Command(prog(opt.Unshare, "unshare"), "-m", "--propagation", "private", "sh", "-c", nsScript)
	i.ofono.Env = append(os.Environ(),
		"DBUS_SYSTEM_BUS_ADDRESS="+addr,
		"OFONO_RIL_DEVICE=ril", "OFONO_RIL_NUM_SIM_SLOTS=1",
		"DPX_RUN="+i.dir, "DPX_SOCKDIR="+opt.SocketDir, "DPX_OFONOD="+prog(opt.Ofonod, "/usr/sbin/ofonod"))
	if opt.Debug {
		i.ofono.Env = append(i.ofono.Env, "DPX_OFONO_DEBUG=1", "OFONO_RIL_TRACE=1")
	}
	i.ofono.Stdout, i.ofono.Stderr = out, out
	i.ofono.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := i.ofono.Start(); err != nil {
		return nil, fmt.Errorf("ofono %s: start ofonod: %w", i.name, err)
	}
	go func() { i.ofono.Wait(); close(i.exited) }()
	r.Add(func() { i.ofono.Process.Kill(); <-i.exited })

	if err := i.waitName(ctx); err != nil {
		return nil, err
	}
	r.Success()
	return i, nil
}

func connectBus(ctx context.Context, addr string, busDone <-chan struct{}) (*dbus.Conn, error) {
	for {
		conn, err := dbus.Connect(addr)
		if err == nil {
			return conn, nil
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("connect to private bus: %w (last error: %v)", ctx.Err(), err)
		case <-busDone:
			return nil, errors.New("dbus-daemon exited at start; see its output")
		case <-time.After(20 * time.Millisecond):
		}
	}
}

func (i *Instance) waitName(ctx context.Context) error {
	for {
		var has bool
		err := i.conn.BusObject().CallWithContext(ctx, "org.freedesktop.DBus.NameHasOwner", 0, "org.ofono").Store(&has)
		if err == nil && has {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("ofono %s: wait for org.ofono on the bus: %w", i.name, ctx.Err())
		case <-i.exited:
			return fmt.Errorf("ofono %s: ofonod exited at start (%v); see its output", i.name, i.ofono.ProcessState)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// Name returns the instance's label.
func (i *Instance) Name() string { return i.name }

// Pid returns ofonod's process id (it runs in its own mount namespace).
func (i *Instance) Pid() int { return i.ofono.Process.Pid }

// Exited is closed when ofonod has exited.
func (i *Instance) Exited() <-chan struct{} { return i.exited }

// Kill sends ofonod SIGKILL (a crash: it does not unregister from rild or
// the bus) and waits for it to exit. The bus keeps running until Stop.
func (i *Instance) Kill() error {
	if err := i.ofono.Process.Signal(syscall.SIGKILL); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return fmt.Errorf("ofono %s: kill: %w", i.name, err)
	}
	<-i.exited
	return nil
}

// Stop ends ofonod (SIGTERM, then SIGKILL after 5 seconds) and the bus,
// and removes the instance's own directory. It is safe to call twice.
func (i *Instance) Stop() error {
	i.stop.Do(func() {
		if i.ofono == nil {
			// Attached: someone else owns ofonod and the bus. Closing the
			// connection also ends the recorder (godbus closes its channel).
			i.conn.Close()
			return
		}
		_ = i.ofono.Process.Signal(syscall.SIGTERM)
		select {
		case <-i.exited:
		case <-time.After(5 * time.Second):
			_ = i.ofono.Process.Kill()
			<-i.exited
		}
		i.sigs.stop()
		i.conn.Close()
		_ = i.bus.Process.Kill()
		<-i.busDone
		if i.ownDir {
			i.stopErr = os.RemoveAll(i.dir)
		}
	})
	return i.stopErr
}

// Package daemon is droidplexd: it loads the container config, serves the
// control-plane API (events, foreground, containers) on a unix socket, and
// runs the container manager over the chosen runtime.
package daemon

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"droidplex/container"
	"droidplex/container/api"
	"droidplex/container/config"
	"droidplex/container/events"
	"droidplex/container/lxc"
	"droidplex/container/proc"
	"droidplex/internal/ctlhttp"
	"droidplex/internal/unixsock"
	"droidplex/internal/version"
)

// Runtimes droidplexd can use.
const (
	RuntimeLXC  = "lxc"  // LXC containers (survive droidplexd restarts)
	RuntimeProc = "proc" // stand-in containers as plain processes
)

// Config is droidplexd's command line.
type Config struct {
	// Socket is the API socket.
	Socket string
	// ConfigFile is the TOML container list.
	ConfigFile string
	// Runtime is RuntimeLXC or RuntimeProc.
	Runtime string
	// StopOnExit stops the containers when droidplexd exits. Proc
	// containers are always stopped (they are droidplexd's children).
	StopOnExit bool
	// StopTimeout is how long a stopping container's init gets before it
	// is killed (0: 10s).
	StopTimeout time.Duration
	// InputSocket is inputproxyd's API socket, asked for each container's
	// input clones before it starts ("" = no input clones).
	InputSocket string
}

// Run serves until ctx ends.
func Run(ctx context.Context, cfg Config, log *slog.Logger) error {
	f, err := config.Load(cfg.ConfigFile)
	if err != nil {
		return err
	}
	var rt container.Runtime
	switch cfg.Runtime {
	case RuntimeLXC, "":
		lr := &lxc.Runtime{LXCPath: f.LXCPath}
		lr.Warm()
		rt = lr
	case RuntimeProc:
		rt = &proc.Runtime{Root: f.LXCPath}
		cfg.StopOnExit = true
	default:
		return fmt.Errorf("unknown runtime %q (want %s or %s)", cfg.Runtime, RuntimeLXC, RuntimeProc)
	}
	if c, ok := rt.(io.Closer); ok {
		defer c.Close() // the LXC runtime's ready helper
	}
	for _, d := range []string{filepath.Dir(cfg.Socket), f.RunDir, f.StateDir, f.LXCPath} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	l, err := unixsock.Listen(unixsock.Stream, cfg.Socket, unixsock.ListenOptions{Mode: 0o660, UID: -1, GID: -1})
	if err != nil {
		return err
	}
	hub := events.NewHub()
	mcfg := container.Config{File: f, Runtime: rt, Host: container.OSHost{}, Events: hub, Log: log,
		StopTimeout: cfg.StopTimeout}
	if cfg.InputSocket != "" {
		hc := ctlhttp.NewClient(cfg.InputSocket)
		defer hc.CloseIdleConnections()
		mcfg.Inputs = inputproxyd{http: hc}
	}
	m := container.New(mcfg)
	defer m.Close()
	srv := api.New(hub)
	srv.Containers = m
	if adopted := m.Adopt(); len(adopted) > 0 {
		log.Info("supervising containers left running", "containers", adopted)
	}
	if fg := f.Foreground(); fg != "" {
		if err := srv.SetForeground(fg); err != nil {
			return err
		}
	}
	srv.SetReady(true)
	log.Info("serving", "socket", cfg.Socket, "config", cfg.ConfigFile, "runtime", cfg.Runtime,
		"containers", len(f.Containers), "version", version.String())
	routes := func(mux *http.ServeMux) {
		api.ContainerRoutes(m)(mux)
		api.InputRoutes(m)(mux)
	}
	serr := ctlhttp.Serve(ctx, l, srv.Handler(routes))
	if cfg.StopOnExit {
		sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := m.StopAll(sctx); err != nil {
			serr = errors.Join(serr, err)
		}
	}
	return serr
}

// RunHelperIfRequested runs droidplexd's re-executed helpers (the LXC start
// helper, the proc runtime's namespace setup) when the process is one; call
// it first thing in main.
func RunHelperIfRequested() {
	lxc.RunHelperIfRequested()
	proc.RunHelperIfRequested()
}

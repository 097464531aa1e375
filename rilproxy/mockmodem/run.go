package mockmodem

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"

	"droidplex/internal/ctlhttp"
	"droidplex/internal/revert"
	"droidplex/internal/unixsock"
)

// Default socket paths of `rilproxyd --modem=mock`.
const (
	DefaultRildSocket    = "/run/droidplex/modem/rild"
	DefaultControlSocket = "/run/droidplex/modem.sock"
)

// RunConfig says where Run serves the modem.
type RunConfig struct {
	// RildSocket is the rild socket (mode 0666: oFono and RIL.java connect
	// as uid 1001). Its directory is what a client's /dev/socket binds.
	RildSocket string
	// ControlSocket serves the control API (mode 0660).
	ControlSocket string
	// Scenario, when set, is run once the sockets are up; its failure ends Run.
	Scenario Scenario
	Modem    Config
}

// Run serves a mock modem on cfg's sockets until ctx ends.
func Run(ctx context.Context, cfg RunConfig, log *slog.Logger) error {
	r := revert.New()
	defer r.Fail()
	for _, p := range []string{cfg.RildSocket, cfg.ControlSocket} {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return fmt.Errorf("mock modem: %w", err)
		}
	}
	rild, err := unixsock.Listen(unixsock.Stream, cfg.RildSocket, unixsock.ListenOptions{Mode: 0o666, UID: -1, GID: -1})
	if err != nil {
		return fmt.Errorf("mock modem: %w", err)
	}
	r.Add(func() { rild.Close() })
	ctl, err := unixsock.Listen(unixsock.Stream, cfg.ControlSocket, unixsock.ListenOptions{Mode: 0o660, UID: -1, GID: -1})
	if err != nil {
		return fmt.Errorf("mock modem: %w", err)
	}
	r.Success()

	m := New(cfg.Modem, log)
	defer m.Close()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errs := make(chan error, 3)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); errs <- m.Serve(ctx, rild) }()
	go func() { defer wg.Done(); errs <- ctlhttp.Serve(ctx, ctl, Handler(m)) }()
	log.Info("mock modem serving", "rild", cfg.RildSocket, "control", cfg.ControlSocket)
	if len(cfg.Scenario) > 0 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := cfg.Scenario.Run(ctx, m); err != nil && ctx.Err() == nil {
				errs <- err
				return
			}
			log.Info("scenario finished")
		}()
	}
	var first error
	select {
	case <-ctx.Done():
	case first = <-errs:
	}
	cancel()
	m.Close()
	wg.Wait()
	if first != nil {
		return fmt.Errorf("mock modem: %w", first)
	}
	return nil
}

package audioproxy

import (
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"

	"droidplex/audioproxy/sink"
	"droidplex/internal/ctlhttp"
	"droidplex/internal/revert"
	"droidplex/internal/unixsock"
)

// Run starts the engine on the configured device, listens on every
// container's control socket and serves the HTTP API until ctx ends. Setup
// that fails half way undoes itself.
func Run(ctx context.Context, cfg Config, log *slog.Logger) error {
	if err := cfg.Validate(); err != nil {
		return err
	}
	sc, _ := cfg.SinkConfig()
	eng, err := NewEngine(Device{Params: sc.Params, Period: sc.Period}, cfg.MaxStreams)
	if err != nil {
		return err
	}
	for _, n := range cfg.Containers {
		c := eng.Container(n)
		if v, ok := cfg.Volumes[n]; ok {
			c.SetVolume(v)
		}
	}
	r := revert.New()
	defer r.Fail()
	peers, observe := peerChecker(cfg)                               // who may use a container's socket (peercheck.go)
	pol, stopPolicy, err := startPolicy(ctx, cfg, eng, log, observe) // the audio policy (policy_run.go)
	if err != nil {
		return err
	}
	r.Add(stopPolicy)

	snk, err := cfg.openSink(sc)
	if err != nil {
		return fmt.Errorf("open device: %w", err)
	}
	r.Add(func() { snk.Close() })
	dev := &device{open: func() (sink.Sink, error) { return cfg.openSink(sc) }, eng: eng, log: log, stall: cfg.DeviceStall}
	if dev.stall <= 0 {
		dev.stall = defaultDeviceStall
	}
	srv := NewServer(eng, cfg.RingPeriods, log)
	srv.route = pol.ShimRoute
	srv.peers = peers
	r.Add(func() { srv.Close() })
	for _, n := range cfg.Containers {
		p := cfg.SocketPath(n)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := srv.Listen(n, p, unixsock.ListenOptions{Mode: fs.FileMode(cfg.SocketMode), UID: -1, GID: -1}); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(filepath.Dir(cfg.APISocket), 0o755); err != nil {
		return err
	}
	l, err := unixsock.Listen(unixsock.Stream, cfg.APISocket, unixsock.ListenOptions{Mode: 0o660, UID: -1, GID: -1})
	if err != nil {
		return err
	}
	r.Add(func() { l.Close() })
	if err := dev.start(snk); err != nil {
		return fmt.Errorf("start device: %w", err)
	}
	r.Success() // dev owns the device from here
	supCtx, stopSupervisor := context.WithCancel(ctx)
	supervised := make(chan struct{})
	go func() {
		defer close(supervised)
		if cfg.supervised() {
			dev.supervise(supCtx) // device.go
		}
	}()
	log.Info("audioproxyd serving", "device", cfg.Device, "rate", sc.Rate, "channels", sc.Channels,
		"format", sc.Format, "period_frames", sc.Period, "containers", cfg.Containers, "api", cfg.APISocket)

	err = ctlhttp.Serve(ctx, l, pol.Handler(NewAPI(eng, cfg.Device).Handler()))
	srv.Close()
	stopPolicy()
	stopSupervisor()
	<-supervised
	if cerr := dev.close(); err == nil && cerr != nil {
		err = fmt.Errorf("close device: %w", cerr)
	}
	return err
}

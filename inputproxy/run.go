package inputproxy

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"droidplex/container/client"
	"droidplex/container/wire"
	"droidplex/inputproxy/route"
	"droidplex/internal/ctlhttp"
	"droidplex/internal/unixsock"
)

// Run serves inputproxyd until ctx ends: it routes the devices, follows
// droidplexd and serves the API.
func Run(ctx context.Context, cfg Config, log *slog.Logger) error {
	if err := cfg.Validate(); err != nil {
		return err
	}
	chord, _ := route.ParseChord(cfg.Chord)
	w, h, _ := cfg.virtualSize()
	var dpx *client.Client
	var notes *notifier
	var onNodes func(string, []Node, []Node)
	if cfg.Droidplexd != "" {
		dpx = client.New(cfg.Droidplexd)
		hc := ctlhttp.NewClient(cfg.Droidplexd)
		defer hc.CloseIdleConnections()
		notes = newNotifier(postTo(hc))
		onNodes = notes.OnNodes
	}
	r := NewRouter(cfg.Backend, RouterConfig{
		Devices: cfg.Devices, Chord: chord, Virtual: cfg.Virtual,
		VirtualWidth: w, VirtualHeight: h,
		OnChord: func(c string) {
			if dpx == nil {
				return
			}
			ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
			defer cancel()
			if err := dpx.SetForeground(ctx, c); err != nil {
				log.Warn("tell droidplexd the chord's foreground", "container", c, "err", err)
			}
		},
		OnNodes: onNodes,
	}, log)
	for _, c := range cfg.Containers {
		if err := r.AddContainer(c); err != nil {
			log.Warn("clone devices for container", "container", c, "err", err)
		}
	}
	r.SetForeground(cfg.Foreground)

	if err := os.MkdirAll(filepath.Dir(cfg.APISocket), 0o755); err != nil {
		return err
	}
	l, err := unixsock.Listen(unixsock.Stream, cfg.APISocket, unixsock.ListenOptions{Mode: 0o660, UID: -1, GID: -1})
	if err != nil {
		return err
	}
	rec, _ := cfg.Backend.(*Recorder)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	routed := make(chan error, 1)
	go func() { routed <- r.Run(ctx) }()
	followed := make(chan struct{})
	go func() {
		defer close(followed)
		if dpx != nil {
			_ = dpx.Follow(ctx, log, func(ev wire.Event) { apply(r, ev, log) })
		}
	}()
	notified := make(chan struct{})
	go func() {
		defer close(notified)
		if notes != nil {
			notes.run(ctx, log)
		}
	}()
	log.Info("inputproxyd serving", "api", cfg.APISocket, "droidplexd", cfg.Droidplexd,
		"containers", cfg.Containers, "foreground", cfg.Foreground, "chord", cfg.Chord, "recording", rec != nil)
	err = ctlhttp.Serve(ctx, l, NewAPI(r, rec, cfg.Chord).Handler())
	cancel()
	<-followed
	<-notified
	if rerr := <-routed; err == nil {
		err = rerr
	}
	return err
}

// apply follows one droidplexd event: a running container gets clones, a
// stopped one loses them, the foreground follows droidplexd's. A failed
// container keeps its clones: droidplexd is restarting it and its start
// asks for (PUT) the very same clones, which must not be destroyed under
// it; only a stop drops them.
func apply(r *Router, ev wire.Event, log *slog.Logger) {
	switch {
	case ev.Foreground != nil:
		if c := ev.Foreground.Container; c != "" {
			if err := r.AddContainer(c); err != nil {
				log.Warn("clone devices for container", "container", c, "err", err)
			}
		}
		r.SetForeground(ev.Foreground.Container)
	case ev.ContainerState != nil:
		cs := ev.ContainerState
		switch cs.State {
		case wire.StateStarting, wire.StateRunning:
			if err := r.AddContainer(cs.Container); err != nil {
				log.Warn("clone devices for container", "container", cs.Container, "err", err)
			}
		case wire.StateStopped:
			r.RemoveContainer(cs.Container)
		}
	}
}

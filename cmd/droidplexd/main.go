// Command droidplexd is droidplex's container manager and event hub. It
// serves the control-plane API (HTTP+JSON and an NDJSON event stream) on a
// unix socket.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"droidplex/container/api"
	"droidplex/container/events"
	"droidplex/container/wire"
	"droidplex/internal/ctlhttp"
	"droidplex/internal/unixsock"
	"droidplex/internal/version"
)

type config struct {
	socket string
}

func main() {
	var cfg config
	fs := flag.NewFlagSet("droidplexd", flag.ExitOnError)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), `Usage: droidplexd [flags]

droidplexd holds the truth about the containers and which one is in the
foreground, and serves the control-plane API on a unix socket:
GET /v1/status, GET /v1/events (NDJSON stream), POST /v1/events,
GET|PUT /v1/foreground.

Flags:
`)
		fs.PrintDefaults()
	}
	fs.StringVar(&cfg.socket, "socket", wire.DefaultSocket, "API socket path")
	showVersion := fs.Bool("version", false, "print the version and exit")
	fs.Parse(os.Args[1:])
	if *showVersion {
		fmt.Println(version.String())
		return
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, cfg, log); err != nil {
		log.Error("droidplexd failed", "err", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, cfg config, log *slog.Logger) error {
	if err := os.MkdirAll(filepath.Dir(cfg.socket), 0o755); err != nil {
		return err
	}
	l, err := unixsock.Listen(unixsock.Stream, cfg.socket, unixsock.ListenOptions{Mode: 0o660, UID: -1, GID: -1})
	if err != nil {
		return err
	}
	srv := api.New(events.NewHub())
	srv.SetReady(true)
	log.Info("serving", "socket", cfg.socket, "version", version.String())
	return ctlhttp.Serve(ctx, l, srv.Handler(nil))
}

// Command droidplexd is droidplex's container manager and event hub. It
// creates or starts the configured Android containers on request, keeps
// them running, and serves the control-plane API (HTTP+JSON and an NDJSON
// event stream) on a unix socket.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"droidplex/container/daemon"
	"droidplex/container/wire"
	inputwire "droidplex/inputproxy/wire"
	"droidplex/internal/daemonconf"
	"droidplex/internal/version"
)

// DefaultConfig is where droidplexd reads its container list.
const DefaultConfig = "/etc/droidplex/containers.toml"

func main() {
	daemon.RunHelperIfRequested() // re-executed container start helpers
	var cfg daemon.Config
	fs := flag.NewFlagSet("droidplexd", flag.ExitOnError)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), `Usage: droidplexd [flags]

droidplexd holds the truth about the containers and which one is in the
foreground. It creates a configured container if it is missing and else
starts it (droidplex autostart asks it to at boot), restarts a container
whose init dies, and serves the control-plane API on a unix socket:
GET /v1/status, GET|POST /v1/events, GET|PUT /v1/foreground,
GET /v1/containers[/NAME], POST /v1/containers/NAME/{ensure,start,stop,restart},
POST /v1/containers/NAME/input (inputproxyd: input clones plugged in or out
of a running container; their nodes are created in or removed from its
/dev/input and allowed or denied in its devices cgroup).

Flags:
`)
		fs.PrintDefaults()
	}
	fs.StringVar(&cfg.Socket, "socket", wire.DefaultSocket, "API socket path")
	fs.StringVar(&cfg.ConfigFile, "config", DefaultConfig, "container list (TOML)")
	fs.StringVar(&cfg.Runtime, "runtime", daemon.RuntimeLXC, "container runtime: lxc, or proc (stand-in containers as plain processes)")
	fs.BoolVar(&cfg.StopOnExit, "stop-on-exit", false, "stop the containers when droidplexd exits (always so with --runtime proc)")
	fs.DurationVar(&cfg.StopTimeout, "stop-timeout", 10*time.Second, "how long a stopping container's init gets (SIGTERM) before it is killed")
	fs.StringVar(&cfg.InputSocket, "inputproxyd", inputwire.DefaultAPISocket, "inputproxyd's API socket, asked for each container's input clones (\"\": none)")
	showVersion := fs.Bool("version", false, "print the version and exit")
	daemonconf.ParseArgs(fs, os.Args[1:]) // exits on a bad flag or a stray argument
	if *showVersion {
		fmt.Println(version.String())
		return
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := daemon.Run(ctx, cfg, log); err != nil {
		log.Error("droidplexd failed", "err", err)
		os.Exit(1)
	}
}

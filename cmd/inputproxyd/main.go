// Command inputproxyd routes the real touchscreen and keys to the
// foreground container only: it grabs the real input devices, gives every
// container a uinput clone of each, writes the real events to the
// foreground container's clones, and injects taps, swipes, keys and text
// for automation through its HTTP API.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"droidplex/inputproxy"
	"droidplex/inputproxy/evdev"
	"droidplex/internal/daemonconf"
)

func main() {
	fs := flag.NewFlagSet("inputproxyd", flag.ExitOnError)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), `Usage: inputproxyd [flags]

inputproxyd grabs the input devices under --input-dir (the --device list, or
every touchscreen and key device), follows hot-plug, and gives every
container a uinput clone of each. Only the foreground container's clones
receive events; droidplexd's event stream (--droidplexd) or the --chord keys
switch it. With --clones=record (the default when /dev/uinput is missing)
clones record what they are sent instead, readable with
'droidplex input log'. The HTTP API on --api-socket serves /v1/status,
clone nodes, injection and /metrics. Flags override the --config file.

Flags:
`)
		fs.PrintDefaults()
	}
	cfg := inputproxy.DefaultConfig()
	fs.StringVar(&cfg.APISocket, "api-socket", cfg.APISocket, "HTTP API socket")
	fs.StringVar(&cfg.Droidplexd, "droidplexd", cfg.Droidplexd, `droidplexd's socket to follow ("" = standalone)`)
	fs.Var(daemonconf.List{P: &cfg.Containers}, "containers", "comma-separated `containers` that get clones from the start")
	fs.StringVar(&cfg.Foreground, "foreground", cfg.Foreground, "container that receives input until droidplexd says otherwise")
	fs.Var(daemonconf.List{P: &cfg.Devices}, "device", "comma-separated device `paths` to route (default: every touchscreen and key device)")
	fs.StringVar(&cfg.Chord, "chord", cfg.Chord, `key chord that switches to the next container ("" = none)`)
	fs.StringVar(&cfg.InputDir, "input-dir", cfg.InputDir, "where the input device nodes are")
	fs.StringVar(&cfg.Uinput, "uinput", cfg.Uinput, "the uinput device")
	fs.StringVar(&cfg.Clones, "clones", cfg.Clones, "uinput | record | auto (uinput if it exists, else record)")
	fs.BoolVar(&cfg.Virtual, "virtual", cfg.Virtual, "create a virtual touchscreen and keyboard when no real one exists")
	fs.StringVar(&cfg.VirtualSize, "virtual-size", cfg.VirtualSize, "virtual touchscreen size WIDTHxHEIGHT")
	log := daemonconf.Start(fs, os.Args[1:], func(p string) (err error) {
		cfg, err = inputproxy.LoadConfig(p)
		return err
	})
	real := &evdev.Backend{Dir: cfg.InputDir, Uinput: cfg.Uinput}
	switch cfg.Clones {
	case "uinput":
		cfg.Backend = real
	case "record":
		cfg.Backend = inputproxy.NewRecorder(real)
	default: // auto; Validate refuses anything else
		if _, err := os.Stat(cfg.Uinput); err == nil {
			cfg.Backend = real
		} else {
			log.Warn("no uinput: clones record what they are sent instead (modprobe uinput for real clones)", "uinput", cfg.Uinput)
			cfg.Backend = inputproxy.NewRecorder(real)
		}
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := inputproxy.Run(ctx, cfg, log); err != nil {
		log.Error("inputproxyd failed", "err", err)
		os.Exit(1)
	}
}

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
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"droidplex/inputproxy"
	"droidplex/inputproxy/evdev"
	"droidplex/internal/version"
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
	def := inputproxy.DefaultConfig()
	cfgPath := fs.String("config", "", "TOML configuration file")
	api := fs.String("api-socket", def.APISocket, "HTTP API socket")
	dpx := fs.String("droidplexd", def.Droidplexd, `droidplexd's socket to follow ("" = standalone)`)
	containers := fs.String("containers", "", "comma-separated containers that get clones from the start")
	fg := fs.String("foreground", "", "container that receives input until droidplexd says otherwise")
	devices := fs.String("device", "", "comma-separated device paths to route (default: every touchscreen and key device)")
	chord := fs.String("chord", def.Chord, `key chord that switches to the next container ("" = none)`)
	inputDir := fs.String("input-dir", def.InputDir, "where the input device nodes are")
	uinput := fs.String("uinput", def.Uinput, "the uinput device")
	clones := fs.String("clones", def.Clones, "uinput | record | auto (uinput if it exists, else record)")
	virtual := fs.Bool("virtual", def.Virtual, "create a virtual touchscreen and keyboard when no real one exists")
	size := fs.String("virtual-size", def.VirtualSize, "virtual touchscreen size WIDTHxHEIGHT")
	showVersion := fs.Bool("version", false, "print the version and exit")
	fs.Parse(os.Args[1:])
	if *showVersion {
		fmt.Println(version.String())
		return
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))

	cfg := def
	if *cfgPath != "" {
		var err error
		if cfg, err = inputproxy.LoadConfig(*cfgPath); err != nil {
			log.Error("inputproxyd", "err", err)
			os.Exit(2)
		}
	}
	fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "api-socket":
			cfg.APISocket = *api
		case "droidplexd":
			cfg.Droidplexd = *dpx
		case "containers":
			cfg.Containers = split(*containers)
		case "foreground":
			cfg.Foreground = *fg
		case "device":
			cfg.Devices = split(*devices)
		case "chord":
			cfg.Chord = *chord
		case "input-dir":
			cfg.InputDir = *inputDir
		case "uinput":
			cfg.Uinput = *uinput
		case "clones":
			cfg.Clones = *clones
		case "virtual":
			cfg.Virtual = *virtual
		case "virtual-size":
			cfg.VirtualSize = *size
		}
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

func split(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

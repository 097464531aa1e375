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

	"droidplex/container/wire"
	"droidplex/inputproxy"
	"droidplex/inputproxy/evdev"
	inputwire "droidplex/inputproxy/wire"
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
clone nodes, injection and /metrics.

Flags:
`)
		fs.PrintDefaults()
	}
	api := fs.String("api-socket", inputwire.DefaultAPISocket, "HTTP API socket")
	dpx := fs.String("droidplexd", wire.DefaultSocket, `droidplexd's socket to follow ("" = standalone)`)
	containers := fs.String("containers", "", "comma-separated containers that get clones from the start")
	fg := fs.String("foreground", "", "container that receives input until droidplexd says otherwise")
	devices := fs.String("device", "", "comma-separated device paths to route (default: every touchscreen and key device)")
	chord := fs.String("chord", "KEY_LEFTMETA+KEY_F12", `key chord that switches to the next container ("" = none)`)
	inputDir := fs.String("input-dir", "/dev/input", "where the input device nodes are")
	uinput := fs.String("uinput", "/dev/uinput", "the uinput device")
	clones := fs.String("clones", "auto", "uinput | record | auto (uinput if it exists, else record)")
	virtual := fs.Bool("virtual", true, "create a virtual touchscreen and keyboard when no real one exists")
	size := fs.String("virtual-size", "1080x2400", "virtual touchscreen size WIDTHxHEIGHT")
	showVersion := fs.Bool("version", false, "print the version and exit")
	fs.Parse(os.Args[1:])
	if *showVersion {
		fmt.Println(version.String())
		return
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))

	cfg := inputproxy.Config{APISocket: *api, Droidplexd: *dpx, Foreground: *fg, Chord: *chord, Virtual: *virtual}
	cfg.Containers = split(*containers)
	cfg.Devices = split(*devices)
	if _, err := fmt.Sscanf(*size, "%dx%d", &cfg.VirtualWidth, &cfg.VirtualHeight); err != nil {
		log.Error("inputproxyd: bad --virtual-size", "value", *size, "err", err)
		os.Exit(2)
	}
	real := &evdev.Backend{Dir: *inputDir, Uinput: *uinput}
	switch *clones {
	case "uinput":
		cfg.Backend = real
	case "record":
		cfg.Backend = inputproxy.NewRecorder(real)
	case "auto":
		if _, err := os.Stat(*uinput); err == nil {
			cfg.Backend = real
		} else {
			log.Warn("no uinput: clones record what they are sent instead (modprobe uinput for real clones)", "uinput", *uinput)
			cfg.Backend = inputproxy.NewRecorder(real)
		}
	default:
		log.Error("inputproxyd: bad --clones", "value", *clones)
		os.Exit(2)
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

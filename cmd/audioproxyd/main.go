// Command audioproxyd is droidplex's audio server: it mixes every
// container's streams (shared-memory rings written by the audio shims) into
// one sound device, and serves volume, mute, recording and metrics on a unix
// socket.
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

	"droidplex/audioproxy"
	"droidplex/audioproxy/sink"
	"droidplex/audioproxy/sink/malgosink"
	"droidplex/internal/version"
)

func main() {
	fs := flag.NewFlagSet("audioproxyd", flag.ExitOnError)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), `Usage: audioproxyd [flags]

audioproxyd creates <runtime-dir>/<name>/audio (SOCK_SEQPACKET) for every
container; the audio shim in a container opens streams there. Every stream
is mixed into the device (null, wav:PATH, or a sound device through malgo:
pulseaudio, alsa, aaudio, opensl, malgo-null). The HTTP API on --api-socket
serves /v1/status, per-container volume and mute, recording and /metrics.
Flags override the --config file.

Flags:
`)
		fs.PrintDefaults()
	}
	def := audioproxy.DefaultConfig()
	cfgPath := fs.String("config", "", "TOML configuration file")
	containers := fs.String("containers", strings.Join(def.Containers, ","), "comma-separated container names")
	device := fs.String("device", def.Device, "null | wav:PATH | pulse | pulseaudio | alsa | aaudio | opensl | malgo-null")
	runtimeDir := fs.String("runtime-dir", def.RuntimeDir, "directory holding <name>/audio sockets")
	apiSocket := fs.String("api-socket", def.APISocket, "HTTP API socket")
	rate := fs.Uint("rate", uint(def.Rate), "device rate (Hz)")
	channels := fs.Uint("channels", uint(def.Channels), "device channels")
	format := fs.String("format", def.Format, "device sample format: s16 | f32")
	periodMs := fs.Float64("period-ms", def.PeriodMs, "device period (ms)")
	ringPeriods := fs.Int("ring-periods", def.RingPeriods, "periods a stream's ring buffers")
	maxStreams := fs.Int("max-streams", def.MaxStreams, "streams per container")
	realtime := fs.Bool("realtime", def.Realtime, "SCHED_FIFO device thread (malgo devices; needs CAP_SYS_NICE)")
	droidplexd := fs.String("droidplexd", def.Droidplexd, "droidplexd socket for foreground and call-state events (none: do without)")
	capture := fs.String("capture", def.Capture, "capture device (microphone): none | tone:FREQ | pulse[:SOURCE]")
	foreground := fs.String("foreground", def.Foreground, "foreground container until droidplexd says otherwise")
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
		if cfg, err = audioproxy.LoadConfig(*cfgPath); err != nil {
			log.Error("audioproxyd", "err", err)
			os.Exit(2)
		}
	}
	fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "containers":
			cfg.Containers = strings.Split(*containers, ",")
		case "device":
			cfg.Device = *device
		case "runtime-dir":
			cfg.RuntimeDir = *runtimeDir
		case "api-socket":
			cfg.APISocket = *apiSocket
		case "rate":
			cfg.Rate = uint32(*rate)
		case "channels":
			cfg.Channels = uint16(*channels)
		case "format":
			cfg.Format = *format
		case "period-ms":
			cfg.PeriodMs = *periodMs
		case "ring-periods":
			cfg.RingPeriods = *ringPeriods
		case "max-streams":
			cfg.MaxStreams = *maxStreams
		case "realtime":
			cfg.Realtime = *realtime
		case "droidplexd":
			cfg.Droidplexd = *droidplexd
		case "capture":
			cfg.Capture = *capture
		case "foreground":
			cfg.Foreground = *foreground
		}
	})
	cfg.OpenDevice = func(name string, c sink.Config, rt bool) (sink.Sink, error) {
		switch name {
		case "pulse":
			name = "pulseaudio"
		case "malgo-null":
			name = "null"
		}
		return malgosink.New(name, c, malgosink.Options{Realtime: rt, Log: func(m string) { log.Debug("miniaudio", "msg", strings.TrimSpace(m)) }})
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := audioproxy.Run(ctx, cfg, log); err != nil {
		log.Error("audioproxyd failed", "err", err)
		os.Exit(1)
	}
}

// Command audioproxyd is droidplex's audio server: it mixes every
// container's streams (shared-memory rings written by the audio shims) into
// one sound device, and serves volume, mute, recording and metrics on a unix
// socket.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"droidplex/audioproxy"
	"droidplex/audioproxy/sink"
	"droidplex/audioproxy/sink/malgosink"
	"droidplex/internal/daemonconf"
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
	cfg := audioproxy.DefaultConfig()
	fs.Var(daemonconf.List{P: &cfg.Containers}, "containers", "comma-separated container `names`")
	fs.StringVar(&cfg.Device, "device", cfg.Device, "null | wav:PATH | pulse | pulseaudio | alsa | aaudio | opensl | malgo-null")
	fs.StringVar(&cfg.RuntimeDir, "runtime-dir", cfg.RuntimeDir, "directory holding <name>/audio sockets")
	fs.StringVar(&cfg.APISocket, "api-socket", cfg.APISocket, "HTTP API socket")
	fs.Var(daemonconf.Uint32{P: &cfg.Rate}, "rate", "device `rate` (Hz)")
	fs.Var(daemonconf.Uint16{P: &cfg.Channels}, "channels", "device `channels`")
	fs.StringVar(&cfg.Format, "format", cfg.Format, "device sample format: s16 | f32")
	fs.Float64Var(&cfg.PeriodMs, "period-ms", cfg.PeriodMs, "device period (ms)")
	fs.IntVar(&cfg.RingPeriods, "ring-periods", cfg.RingPeriods, "periods a stream's ring buffers")
	fs.IntVar(&cfg.MaxStreams, "max-streams", cfg.MaxStreams, "streams per container")
	fs.BoolVar(&cfg.Realtime, "realtime", cfg.Realtime, "SCHED_FIFO device thread (needs CAP_SYS_NICE; without it the null and WAV devices refuse to start, malgo devices run at normal priority)")
	fs.StringVar(&cfg.Droidplexd, "droidplexd", cfg.Droidplexd, "droidplexd socket for foreground and call-state events (none: do without)")
	fs.StringVar(&cfg.Capture, "capture", cfg.Capture, "capture device (microphone): none | tone:FREQ | pulse[:SOURCE]")
	fs.StringVar(&cfg.Foreground, "foreground", cfg.Foreground, "foreground container until droidplexd says otherwise")
	fs.StringVar(&cfg.PeerCheck, "peer-check", cfg.PeerCheck, "a client must be in its container's pid namespace: auto (when droidplexd knows it) | strict (refuse when unknown) | off")
	log := daemonconf.Start(fs, os.Args[1:], func(p string) (err error) {
		cfg, err = audioproxy.LoadConfig(p)
		return err
	})
	cfg.OpenDevice = func(name string, c sink.Config) (sink.Sink, error) {
		switch name {
		case "pulse":
			name = "pulseaudio"
		case "malgo-null":
			name = "null"
		}
		return malgosink.New(name, c, malgosink.Options{Log: func(m string) { log.Debug("miniaudio", "msg", strings.TrimSpace(m)) }})
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := audioproxy.Run(ctx, cfg, log); err != nil {
		log.Error("audioproxyd failed", "err", err)
		os.Exit(1)
	}
}

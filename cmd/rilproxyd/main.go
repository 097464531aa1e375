// Command rilproxyd is droidplex's telephony daemon. With --containers it
// runs the RIL multiplexer: one rild socket per container
// (<run-dir>/<name>/rild) in front of one modem, the in-process mock
// (--modem=mock, its control API on --control) or a real rild socket
// (--modem=<path>). Without --containers it serves the mock modem alone.
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

	"droidplex/internal/daemonconf"
	"droidplex/internal/peercheck"
	"droidplex/internal/version"
	"droidplex/rilproxy"
	"droidplex/rilproxy/mockmodem"
)

func main() {
	cfg := mockmodem.RunConfig{Modem: mockmodem.DefaultConfig()}
	fs := flag.NewFlagSet("rilproxyd", flag.ExitOnError)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), `Usage: rilproxyd --containers a,b [--modem=mock|<rild socket>] [flags]
       rilproxyd --modem=mock [flags]

With --containers, rilproxyd multiplexes one rild socket per container
(<run-dir>/<name>/rild, for uid 1001) onto one modem, applying the telephony
policies of docs/telephony-policy.md; it follows the foreground and publishes
call-state events on --droidplexd.

rilproxyd --modem=mock serves a scriptable mock modem on a rild socket (the
legacy Android RIL socket protocol; bind its directory as a client's
/dev/socket) and its control API on --control (HTTP+JSON: GET /v1/status,
POST /v1/calls/{incoming,answer-remote,reject-remote,hangup-remote},
/v1/sms/incoming, /v1/ussd/incoming, /v1/signal, /v1/registration,
/v1/scenario); "droidplex modem" drives it.

Flags:
`)
		fs.PrintDefaults()
	}
	modem := fs.String("modem", "mock", "upstream modem: mock (the built-in mock modem), or a real rild socket's path (with --containers)")
	var run rilproxy.RunConfig
	containers := fs.String("containers", "", "comma-separated container names: run the multiplexer")
	fs.StringVar(&run.RunDir, "run-dir", rilproxy.DefaultRunDir, "runtime directory; each container's socket is <run-dir>/<name>/rild")
	fs.StringVar(&run.Droidplexd, "droidplexd", "", "droidplexd's socket (foreground, call-state events); empty: run on defaults")
	peerCheck := fs.String("peer-check", "auto", "a client must be in its container's pid namespace: auto (when droidplexd knows it) | strict (refuse when unknown) | off")
	fs.StringVar(&run.Mux.Policy.Owner, "owner", "", "container allowed to change shared modem settings (default: the first)")
	fs.StringVar(&run.Mux.Policy.Ring, "ring", "foreground", "where incoming calls ring: foreground, all, or a container name")
	fs.StringVar(&run.Mux.Policy.SMSTarget, "sms-target", "foreground", "where incoming SMS go: foreground or a container name")
	fs.BoolVar(&run.Mux.Policy.ConcurrentCalls, "concurrent-calls", false, "let a container dial while another has a call")
	fs.DurationVar(&run.Mux.Timeout, "timeout", 0, "answer a request the modem leaves unanswered this long (default 20s)")
	fs.StringVar(&cfg.RildSocket, "rild", mockmodem.DefaultRildSocket, "mock modem's rild socket")
	fs.StringVar(&cfg.ControlSocket, "control", mockmodem.DefaultControlSocket, "mock modem's control API socket")
	scenario := fs.String("scenario", "", "run this mock-modem scenario file once the sockets are up")
	fs.DurationVar(&cfg.Modem.AlertAfter, "alert-after", cfg.Modem.AlertAfter, "an outgoing call rings (ALERTING) this long after DIALING")
	fs.DurationVar(&cfg.Modem.AnswerAfter, "answer-after", 0, "the far end answers this long after ringing (0: only on answer-remote)")
	fs.BoolVar(&cfg.Modem.WakeAcks, "wake-acks", false, "mock modem acts as libril 7 with a vendor RIL >= 13: type 2/3 responses, type 4 indications, 800 acks expected")
	debug := fs.Bool("debug", false, "log every client connection")
	showVersion := fs.Bool("version", false, "print the version and exit")
	daemonconf.ParseArgs(fs, os.Args[1:]) // exits on a bad flag or a stray argument
	if *showVersion {
		fmt.Println(version.String())
		return
	}
	level := slog.LevelInfo
	if *debug {
		level = slog.LevelDebug
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	mode, err := peercheck.ParseMode(*peerCheck)
	if err != nil {
		log.Error("rilproxyd", "err", err)
		os.Exit(2)
	}
	run.PeerCheck = mode
	if *modem != "mock" && *containers == "" {
		log.Error("a real rild socket as --modem needs --containers", "modem", *modem)
		os.Exit(2)
	}
	if *scenario != "" {
		f, err := os.Open(*scenario)
		if err == nil {
			cfg.Scenario, err = mockmodem.ParseScenario(f)
			f.Close()
		}
		if err != nil {
			log.Error("scenario", "err", err)
			os.Exit(2)
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if *containers != "" {
		run.Mux.Policy.Containers = strings.Split(*containers, ",")
		run.Modem, run.MockControl, run.MockModem = *modem, cfg.ControlSocket, cfg.Modem
		if len(cfg.Scenario) > 0 {
			log.Error("--scenario needs the mock modem alone (no --containers)")
			os.Exit(2)
		}
		if err := rilproxy.Run(ctx, run, log); err != nil {
			log.Error("rilproxyd failed", "err", err)
			os.Exit(1)
		}
		return
	}
	if err := mockmodem.Run(ctx, cfg, log); err != nil {
		log.Error("rilproxyd failed", "err", err)
		os.Exit(1)
	}
}

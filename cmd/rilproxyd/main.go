// Command rilproxyd is droidplex's telephony daemon. For now it serves the
// built-in mock modem (--modem=mock): a rild socket that oFono, RIL.java or
// the RIL multiplexer connect to, and the modem's control API.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"droidplex/internal/version"
	"droidplex/rilproxy/mockmodem"
)

func main() {
	cfg := mockmodem.RunConfig{Modem: mockmodem.DefaultConfig()}
	fs := flag.NewFlagSet("rilproxyd", flag.ExitOnError)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), `Usage: rilproxyd --modem=mock [flags]

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
	modem := fs.String("modem", "mock", "upstream modem: mock (the built-in mock modem)")
	fs.StringVar(&cfg.RildSocket, "rild", mockmodem.DefaultRildSocket, "mock modem's rild socket")
	fs.StringVar(&cfg.ControlSocket, "control", mockmodem.DefaultControlSocket, "mock modem's control API socket")
	scenario := fs.String("scenario", "", "run this mock-modem scenario file once the sockets are up")
	fs.DurationVar(&cfg.Modem.AlertAfter, "alert-after", cfg.Modem.AlertAfter, "an outgoing call rings (ALERTING) this long after DIALING")
	fs.DurationVar(&cfg.Modem.AnswerAfter, "answer-after", 0, "the far end answers this long after ringing (0: only on answer-remote)")
	debug := fs.Bool("debug", false, "log every client connection")
	showVersion := fs.Bool("version", false, "print the version and exit")
	_ = fs.Parse(os.Args[1:])
	if *showVersion {
		fmt.Println(version.String())
		return
	}
	level := slog.LevelInfo
	if *debug {
		level = slog.LevelDebug
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	if *modem != "mock" {
		log.Error("unsupported --modem; only mock is implemented", "modem", *modem)
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
	if err := mockmodem.Run(ctx, cfg, log); err != nil {
		log.Error("rilproxyd failed", "err", err)
		os.Exit(1)
	}
}

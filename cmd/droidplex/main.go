// Command droidplex is the operator CLI: kernel checks, containers and the
// foreground, and the proxies' controls (audio, modem, input). Each group of
// subcommands lives in its own file and registers itself here.
package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"droidplex/internal/version"
)

// commands holds the constructors of the top-level subcommands; each file
// adds its own with register.
var commands []func() *cobra.Command

func register(c func() *cobra.Command) { commands = append(commands, c) }

// exitError carries a process exit code without printing anything more.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

func newRoot() *cobra.Command {
	root := &cobra.Command{
		Use:   "droidplex",
		Short: "Run several Android systems side by side on one kernel",
		Long: `droidplex is the operator CLI of the droidplex suite: the container manager
(droidplexd) and the audio, telephony and input proxies (audioproxyd,
rilproxyd, inputproxyd). Each daemon serves an HTTP+JSON API on a unix socket
under /run/droidplex; every subcommand takes --socket to point elsewhere.`,
		Version:       version.String(),
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetVersionTemplate("{{.Version}}\n")
	for _, c := range commands {
		root.AddCommand(c())
	}
	root.InitDefaultCompletionCmd() // now, so that it is checked too
	refuseUnknownSubcommands(root)
	refuseUnknownHelpTopics(root)
	explainArgErrors(root)
	return root
}

// explainArgErrors adds the command's usage line to its argument errors
// ("accepts 1 arg(s), received 0"): usage is not printed otherwise.
func explainArgErrors(c *cobra.Command) {
	for _, sub := range c.Commands() {
		explainArgErrors(sub)
		if check := sub.Args; check != nil {
			sub.Args = func(cmd *cobra.Command, args []string) error {
				if err := check(cmd, args); err != nil {
					return fmt.Errorf("%w\nUsage: %s", err, cmd.UseLine())
				}
				return nil
			}
		}
	}
}

// refuseUnknownHelpTopics makes "droidplex help bogus" fail (cobra prints
// "Unknown help topic" and succeeds).
func refuseUnknownHelpTopics(root *cobra.Command) {
	root.InitDefaultHelpCmd()
	for _, h := range root.Commands() {
		if h.Name() != "help" || h.Run == nil {
			continue
		}
		show := h.Run
		h.Run = nil
		h.RunE = func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				if c, rest, err := root.Find(args); err != nil || c == nil || len(rest) > 0 {
					return fmt.Errorf("unknown help topic %q (see droidplex --help)", strings.Join(args, " "))
				}
			}
			show(cmd, args)
			return nil
		}
	}
}

// refuseUnknownSubcommands makes every command group below root fail on an
// unknown subcommand (cobra would print the group's help and succeed); a
// group given no arguments still prints its help.
func refuseUnknownSubcommands(c *cobra.Command) {
	for _, sub := range c.Commands() {
		refuseUnknownSubcommands(sub)
		if sub.HasSubCommands() && !sub.Runnable() {
			sub.Args = cobra.NoArgs
			sub.RunE = func(cmd *cobra.Command, _ []string) error { return cmd.Help() }
		}
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := newRoot().ExecuteContext(ctx)
	stop()
	var ee exitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		os.Exit(ee.code)
	default:
		fmt.Fprintln(os.Stderr, "droidplex:", explainDial(err))
		os.Exit(1)
	}
}

// explainDial turns "dial unix SOCK: connect: no such file or directory"
// (or "connection refused") into what it means: the daemon serving SOCK is
// not running there.
func explainDial(err error) error {
	var oe *net.OpError
	if !errors.As(err, &oe) || oe.Op != "dial" || oe.Addr == nil ||
		!(errors.Is(err, syscall.ENOENT) || errors.Is(err, syscall.ECONNREFUSED)) {
		return err
	}
	return fmt.Errorf("nothing is serving %s: is the daemon running? (start it, or point --socket at its socket): %w", oe.Addr, err)
}

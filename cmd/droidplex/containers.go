package main

import (
	"context"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"droidplex/container/api"
	"droidplex/container/boot"
	"droidplex/container/client"
	"droidplex/container/standin"
	"droidplex/container/wire"
	"droidplex/internal/ctlhttp"
)

func init() {
	register(newListCmd)
	register(newStatusCmd)
	for _, a := range []wire.Action{wire.ActionStart, wire.ActionStop, wire.ActionRestart} {
		register(func() *cobra.Command { return newActionCmd(a) })
	}
	register(newSwitchCmd)
	register(newAutostartCmd)
}

// withSocket adds the --socket flag every container command takes.
func withSocket(cmd *cobra.Command, socket *string) *cobra.Command {
	cmd.Flags().StringVar(socket, "socket", wire.DefaultSocket, "droidplexd's API socket")
	return cmd
}

// containers is the client of droidplexd's container routes. It has no
// timeout of its own: a start or stop takes as long as droidplexd's (a stop
// up to its --stop-timeout before the kill); Ctrl-C ends the wait.
func containers(socket string) api.ContainersClient {
	return api.ContainersClient{HTTP: ctlhttp.NewClient(socket)}
}

func newListCmd() *cobra.Command {
	var socket string
	return withSocket(&cobra.Command{
		Use:   "list",
		Short: "List the configured containers and their state",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			list, err := containers(socket).List(cmd.Context())
			if err != nil {
				return err
			}
			w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "NAME\tSTATE\tPID\tAUTOSTART\tRESTARTS\tREASON")
			for _, c := range list {
				fmt.Fprintf(w, "%s\t%s\t%d\t%v\t%d\t%s\n", c.Name, c.State, c.Pid, c.Autostart, c.Restarts, c.Reason)
			}
			return w.Flush()
		},
	}, &socket)
}

func printInfo(cmd *cobra.Command, c wire.ContainerInfo) {
	fmt.Fprintf(cmd.OutOrStdout(), "%s: %s", c.Name, c.State)
	if c.Pid != 0 {
		fmt.Fprintf(cmd.OutOrStdout(), " (pid %d)", c.Pid)
	}
	if c.Reason != "" {
		fmt.Fprintf(cmd.OutOrStdout(), " - %s", c.Reason)
	}
	fmt.Fprintln(cmd.OutOrStdout())
}

func newStatusCmd() *cobra.Command {
	var socket string
	return withSocket(&cobra.Command{
		Use:   "status NAME",
		Short: "Show one container's state",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := containers(socket).Status(cmd.Context(), args[0])
			if err != nil {
				return err
			}
			printInfo(cmd, c)
			return nil
		},
	}, &socket)
}

func newActionCmd(a wire.Action) *cobra.Command {
	var socket string
	short := map[wire.Action]string{
		wire.ActionStart:   "Start a created container",
		wire.ActionStop:    "Stop a container (SIGTERM to its init, then kill)",
		wire.ActionRestart: "Stop and start a container",
	}[a]
	return withSocket(&cobra.Command{
		Use:   string(a) + " NAME",
		Short: short,
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := containers(socket).Act(cmd.Context(), args[0], a)
			if err != nil {
				return err
			}
			printInfo(cmd, c)
			return nil
		},
	}, &socket)
}

func newSwitchCmd() *cobra.Command {
	var socket string
	return withSocket(&cobra.Command{
		Use:   "switch NAME",
		Short: "Make NAME the foreground container (screen, keys, microphone)",
		Long: `switch makes NAME the foreground container. droidplexd publishes a
foreground event; inputproxyd then routes input to NAME and audioproxyd gives
it the microphone.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := client.New(socket).SetForeground(cmd.Context(), args[0]); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "foreground: %s\n", args[0])
			return nil
		},
	}, &socket)
}

func newAutostartCmd() *cobra.Command {
	var socket string
	wait := 30 * time.Second
	cmd := withSocket(&cobra.Command{
		Use:   "autostart",
		Short: "Boot-time master: create or start every autostart container, foreground first",
		Long: `autostart waits until droidplexd reports ready, then asks it, for each
container marked autostart (the foreground one first), to create it if it is
missing or else to start it. Run at every boot: the first run creates the
containers, later runs start what exists.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, cancel := context.WithTimeout(cmd.Context(), wait)
			defer cancel()
			return boot.Autostart(ctx, boot.Remote(socket), func(r wire.EnsureResult, err error) {
				switch {
				case err != nil:
					fmt.Fprintf(cmd.ErrOrStderr(), "%v\n", err)
				case r.Created:
					fmt.Fprintf(cmd.OutOrStdout(), "%s: created, %s\n", r.Container, r.State)
				default:
					fmt.Fprintf(cmd.OutOrStdout(), "%s: %s\n", r.Container, r.State)
				}
			})
		},
	}, &socket)
	cmd.Flags().DurationVar(&wait, "wait", wait, "give up if droidplexd and the containers are not up within this time")
	return cmd
}

func init() { register(newStandinCmd) }

func newStandinCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "standin-image DIR",
		Short: "Build the busybox stand-in Android image (DIR/rootfs, DIR/system) for demos",
		Long: `standin-image builds, from the host's static busybox, a read-only rootfs
whose /init starts long-running stand-in services and reports what it sees to
/data/seen, plus a shared /system lower. Use the two paths as a container's
rootfs and system in droidplexd's config.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			rootfs, system, err := standin.Image(args[0])
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "rootfs = %q\nsystem = %q\n", rootfs, system)
			return nil
		},
	}
}

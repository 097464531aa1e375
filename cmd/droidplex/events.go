package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"droidplex/container/client"
	"droidplex/container/wire"
)

func init() { register(newEventsCmd) }

// newEventsCmd prints droidplexd's event stream.
func newEventsCmd() *cobra.Command {
	socket := wire.DefaultSocket
	cmd := &cobra.Command{
		Use:   "events",
		Short: "Print droidplexd's events (foreground, container-state, call-state) as they happen",
		Long: `events follows droidplexd's event stream and prints one line per event until
interrupted. It starts with the current state: the foreground container, then
one container-state line per container.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := client.New(socket).Events(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			for {
				ev, err := st.Next()
				if err != nil {
					if cmd.Context().Err() != nil {
						return nil
					}
					return fmt.Errorf("event stream ended: %w", err)
				}
				fmt.Fprintln(cmd.OutOrStdout(), describe(ev))
			}
		},
	}
	cmd.Flags().StringVar(&socket, "socket", socket, "droidplexd's API socket")
	return cmd
}

// describe renders an event as one human-readable line.
func describe(ev wire.Event) string {
	t := ev.Time.Format("15:04:05.000")
	switch {
	case ev.Foreground != nil:
		return fmt.Sprintf("%s #%d foreground %s (was %q)", t, ev.Seq, ev.Foreground.Container, ev.Foreground.Previous)
	case ev.ContainerState != nil:
		s := ev.ContainerState
		return fmt.Sprintf("%s #%d container-state %s %s %s", t, ev.Seq, s.Container, s.State, s.Reason)
	case ev.CallState != nil:
		c := ev.CallState
		return fmt.Sprintf("%s #%d call-state %s call %d %s %s %s", t, ev.Seq, c.Container, c.Index, c.Direction, c.State, c.Number)
	case ev.Missed != nil:
		return fmt.Sprintf("missed events from #%d: too slow", ev.Missed.From)
	}
	return fmt.Sprintf("%s #%d %s", t, ev.Seq, ev.Type)
}

package main

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"droidplex/inputproxy/wire"
	"droidplex/internal/ctlhttp"
)

func init() { register(newInputCmd) }

// newInputCmd is `droidplex input`: inputproxyd's devices and clones, and
// injection of taps, swipes, keys and text into one container.
func newInputCmd() *cobra.Command {
	socket := wire.DefaultAPISocket
	var container string
	cmd := &cobra.Command{
		Use:   "input",
		Short: "Input: routed devices and clones, injection into one container (inputproxyd)",
	}
	cmd.PersistentFlags().StringVar(&socket, "socket", socket, "inputproxyd's API socket")
	client := func() *http.Client { return ctlhttp.NewClient(socket) }
	// post sends an injection to --container.
	post := func(c *cobra.Command, what string, body any) error {
		if container == "" {
			return fmt.Errorf("input %s: --container is required", what)
		}
		return ctlhttp.Do(c.Context(), client(), "POST", "/v1/containers/"+url.PathEscape(container)+"/"+what, body, nil)
	}
	inject := func(use, short string, args cobra.PositionalArgs, body func([]string) (any, error)) *cobra.Command {
		c := &cobra.Command{Use: use, Short: short, Args: args,
			RunE: func(c *cobra.Command, args []string) error {
				b, err := body(args)
				if err != nil {
					return err
				}
				return post(c, strings.Fields(use)[0], b)
			}}
		c.Flags().StringVar(&container, "container", "", "container to inject into (required)")
		return c
	}

	cmd.AddCommand(&cobra.Command{
		Use:   "status",
		Short: "Show the foreground, the routed devices and every container's clone nodes",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			var st wire.Status
			if err := ctlhttp.Do(c.Context(), client(), "GET", "/v1/status", nil, &st); err != nil {
				return err
			}
			w := c.OutOrStdout()
			fmt.Fprintf(w, "foreground %q; containers %v; chord %q; clones: %s; %d write errors\n", st.Foreground, st.Containers, st.Chord, st.Clones, st.WriteErrors)
			for _, d := range st.Devices {
				v := ""
				if d.Virtual {
					v = " (virtual)"
				}
				fmt.Fprintf(w, "%s %q %s%s bus %#x %04x:%04x", d.Path, d.Name, d.Kind, v, d.Bus, d.Vendor, d.Product)
				if d.X != nil && d.Y != nil {
					fmt.Fprintf(w, " x %d..%d y %d..%d", d.X.Min, d.X.Max, d.Y.Min, d.Y.Max)
				}
				fmt.Fprintln(w)
				for _, ct := range st.Containers {
					switch n, ok := d.Clones[ct]; {
					case !ok:
					case n.Path == "":
						fmt.Fprintf(w, "  %-12s (recording clone, no device node)\n", ct)
					default:
						fmt.Fprintf(w, "  %-12s %s %d:%d\n", ct, n.Path, n.Major, n.Minor)
					}
				}
			}
			return nil
		},
	})
	cmd.AddCommand(inject("tap X Y", "Tap at X,Y (touchscreen units; see status)", cobra.ExactArgs(2), func(a []string) (any, error) {
		xy, err := ints(a)
		return wire.Tap{X: xy[0], Y: xy[1]}, err
	}))
	var dur time.Duration
	swipe := inject("swipe X1 Y1 X2 Y2", "Swipe from X1,Y1 to X2,Y2 over --duration", cobra.ExactArgs(4), func(a []string) (any, error) {
		v, err := ints(a)
		return wire.Swipe{X1: v[0], Y1: v[1], X2: v[2], Y2: v[3], DurationMs: int(dur / time.Millisecond)}, err
	})
	swipe.Flags().DurationVar(&dur, "duration", 300*time.Millisecond, "how long the swipe takes (at most 10s)")
	cmd.AddCommand(swipe)
	cmd.AddCommand(inject("key KEY", "Press and release a key (KEY_HOME, home, back, power, or a code)", cobra.ExactArgs(1), func(a []string) (any, error) {
		return wire.Key{Key: a[0]}, nil
	}))
	cmd.AddCommand(inject("text TEXT", "Type TEXT (US layout, printable ASCII, newline and tab; at most 4096 bytes)", cobra.ExactArgs(1), func(a []string) (any, error) {
		return wire.Text{Text: a[0]}, nil
	}))
	cmd.AddCommand(&cobra.Command{
		Use:   "foreground CONTAINER",
		Short: "Route the real devices to CONTAINER (inputproxyd alone; droidplexd normally decides)",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			var st wire.Status
			err := ctlhttp.Do(c.Context(), client(), "PUT", "/v1/foreground", wire.SetForeground{Container: args[0]}, &st)
			if err == nil {
				fmt.Fprintf(c.OutOrStdout(), "foreground %q\n", st.Foreground)
			}
			return err
		},
	})
	logCmd := &cobra.Command{
		Use:   "log",
		Short: "Show what --container's clones were sent (inputproxyd --clones=record)",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if container == "" {
				return fmt.Errorf("input log: --container is required")
			}
			var l wire.Log
			if err := ctlhttp.Do(c.Context(), client(), "GET", "/v1/containers/"+url.PathEscape(container)+"/log", nil, &l); err != nil {
				return err
			}
			for _, f := range l.Frames {
				fmt.Fprintln(c.OutOrStdout(), f)
			}
			return nil
		},
	}
	logCmd.Flags().StringVar(&container, "container", "", "container whose clones to show (required)")
	cmd.AddCommand(logCmd)
	return cmd
}

func ints(args []string) ([]int32, error) {
	out := make([]int32, len(args))
	for i, a := range args {
		v, err := strconv.ParseInt(a, 10, 32)
		if err != nil {
			return out, fmt.Errorf("coordinate %q: %w", a, err)
		}
		out[i] = int32(v)
	}
	return out, nil
}

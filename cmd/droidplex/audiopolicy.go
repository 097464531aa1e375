package main

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"

	"github.com/spf13/cobra"

	"droidplex/audioproxy/wire"
	"droidplex/internal/ctlhttp"
)

// newAudioPolicyCmds are `droidplex audio policy|accessories|route`: the
// audio policy's decision, the accessories it assumes, and a container's
// route wish (what its shim's set_parameters would ask for).
func newAudioPolicyCmds(client func() *http.Client) []*cobra.Command {
	show := &cobra.Command{
		Use:   "policy",
		Short: "Show the audio policy: mode, route, calls, who has the microphone, each stream's gain",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			var st wire.PolicyStatus
			if err := ctlhttp.Do(c.Context(), client(), "GET", "/v1/policy", nil, &st); err != nil {
				return err
			}
			printPolicy(c.OutOrStdout(), st)
			return nil
		},
	}
	var headset, bluetooth bool
	acc := &cobra.Command{
		Use:   "accessories",
		Short: "Say whether a headset and a Bluetooth audio device are present",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			var st wire.PolicyStatus
			req := wire.AccessoriesRequest{Headset: headset, Bluetooth: bluetooth}
			if err := ctlhttp.Do(c.Context(), client(), "PUT", "/v1/accessories", req, &st); err != nil {
				return err
			}
			printPolicy(c.OutOrStdout(), st)
			return nil
		},
	}
	acc.Flags().BoolVar(&headset, "headset", false, "a wired headset is plugged in")
	acc.Flags().BoolVar(&bluetooth, "bluetooth", false, "a Bluetooth audio device is connected")
	route := &cobra.Command{
		Use:   "route CONTAINER speaker|earpiece|headset|bluetooth|none",
		Short: "Set the route a container asks for, as its shim does with set_parameters(routing=)",
		Args:  cobra.ExactArgs(2),
		RunE: func(c *cobra.Command, args []string) error {
			r := args[1]
			if r == "none" {
				r = ""
			}
			var st wire.PolicyStatus
			if err := ctlhttp.Do(c.Context(), client(), "PUT", "/v1/containers/"+url.PathEscape(args[0])+"/route", wire.RouteRequest{Route: r}, &st); err != nil {
				return err
			}
			printPolicy(c.OutOrStdout(), st)
			return nil
		},
	}
	return []*cobra.Command{show, acc, route}
}

func printPolicy(w io.Writer, st wire.PolicyStatus) {
	fmt.Fprintf(w, "mode %s, route %s", st.Mode, st.Route)
	if st.Owner != "" {
		fmt.Fprintf(w, ", owner %s", st.Owner)
	}
	fmt.Fprintf(w, "; foreground %q; headset %v, bluetooth %v\n", st.Foreground, st.Headset, st.Bluetooth)
	for _, c := range st.Calls {
		fmt.Fprintf(w, "call %s #%d %s\n", c.Container, c.Index, c.State)
	}
	names := make([]string, 0, len(st.Requested))
	for n := range st.Requested {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "%s asks for %s\n", n, st.Requested[n])
	}
	fmt.Fprintf(w, "capture device open %v (opened %d times)\n", st.Capture, st.Opened)
	for _, s := range st.Streams {
		if s.Direction == "input" {
			mic := "silence"
			if s.Mic {
				mic = "microphone"
			}
			fmt.Fprintf(w, "  stream %d %s input: %s\n", s.ID, s.Container, mic)
			continue
		}
		fmt.Fprintf(w, "  stream %d %s output: gain %.2f\n", s.ID, s.Container, s.Gain)
	}
}

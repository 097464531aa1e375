package main

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/spf13/cobra"

	"droidplex/internal/ctlhttp"
)

func init() { register(newRILCmd) }

// DefaultRILSocket is rilproxyd's API socket.
const DefaultRILSocket = "/run/droidplex/rilproxyd.sock"

// rilStatus mirrors GET /v1/status of rilproxyd (rilproxy.Status); the CLI
// does not import the daemon's package.
type rilStatus struct {
	ModemConnected bool     `json:"modem_connected"`
	RadioState     int32    `json:"radio_state"`
	Foreground     string   `json:"foreground"`
	Connected      []string `json:"connected"`
	InCall         []string `json:"in_call"`
	InFlight       int      `json:"in_flight"`
	Cached         int      `json:"cached"`
	SMSPending     string   `json:"sms_pending"`
}

var radioStates = map[int32]string{0: "off", 1: "unavailable", 10: "on"}

// newRILCmd is `droidplex ril`: the RIL multiplexer's state.
func newRILCmd() *cobra.Command {
	socket := DefaultRILSocket
	cmd := &cobra.Command{
		Use:   "ril",
		Short: "RIL multiplexer: which containers are connected, in a call, and the modem (rilproxyd --containers)",
	}
	cmd.PersistentFlags().StringVar(&socket, "socket", socket, "rilproxyd's API socket")
	cmd.AddCommand(&cobra.Command{
		Use:   "status",
		Short: "Show the modem link, radio state, connected containers and calls",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			var st rilStatus
			if err := ctlhttp.Do(c.Context(), ctlhttp.NewClient(socket), http.MethodGet, "/v1/status", nil, &st); err != nil {
				return err
			}
			w := c.OutOrStdout()
			link := "connected"
			if !st.ModemConnected {
				link = "not connected"
			}
			radio := radioStates[st.RadioState]
			if radio == "" {
				radio = fmt.Sprint(st.RadioState)
			}
			fmt.Fprintf(w, "modem %s, radio %s, foreground %q\n", link, radio, st.Foreground)
			fmt.Fprintf(w, "connected: %s\n", strings.Join(st.Connected, " "))
			fmt.Fprintf(w, "in a call: %s\n", strings.Join(st.InCall, " "))
			fmt.Fprintf(w, "%d request(s) in flight, %d cached answer(s)\n", st.InFlight, st.Cached)
			if st.SMSPending != "" {
				fmt.Fprintf(w, "an SMS awaits %s's acknowledgement\n", st.SMSPending)
			}
			return nil
		},
	})
	return cmd
}

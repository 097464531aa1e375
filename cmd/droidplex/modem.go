package main

import (
	"fmt"
	"os"
	"strconv"

	"github.com/spf13/cobra"

	"droidplex/rilproxy/mockmodem/modemapi"
)

func init() { register(newModemCmd) }

// DefaultModemSocket is the mock modem's control socket (rilproxyd --control).
const DefaultModemSocket = "/run/droidplex/modem.sock"

// newModemCmd is `droidplex modem`: scripting of the mock modem served by
// `rilproxyd --modem=mock`.
func newModemCmd() *cobra.Command {
	socket := DefaultModemSocket
	cmd := &cobra.Command{
		Use:   "modem",
		Short: "Mock modem: inject calls and SMS, move the far end, show state (rilproxyd --modem=mock)",
	}
	cmd.PersistentFlags().StringVar(&socket, "socket", socket, "the mock modem's control socket")
	api := func() *modemapi.Client { return modemapi.NewClient(socket) }
	simple := func(use, short string, args cobra.PositionalArgs, run func(c *cobra.Command, a []string) error) *cobra.Command {
		return &cobra.Command{Use: use, Short: short, Args: args, RunE: run}
	}
	cmd.AddCommand(
		simple("call-in NUMBER", "A call from NUMBER rings", cobra.ExactArgs(1), func(c *cobra.Command, a []string) error {
			idx, err := api().CallIn(c.Context(), a[0])
			if err == nil {
				fmt.Fprintf(c.OutOrStdout(), "call %d ringing from %s\n", idx, a[0])
			}
			return err
		}),
		simple("answer-remote", "The far end answers the outgoing call", cobra.NoArgs, func(c *cobra.Command, _ []string) error {
			return api().AnswerRemote(c.Context())
		}),
		simple("reject-remote", "The far end rejects the outgoing call (busy)", cobra.NoArgs, func(c *cobra.Command, _ []string) error {
			return api().RejectRemote(c.Context())
		}),
		simple("hangup-remote [INDEX]", "The far end hangs up call INDEX (default: every call)", cobra.MaximumNArgs(1), func(c *cobra.Command, a []string) error {
			idx := 0
			if len(a) == 1 {
				var err error
				if idx, err = strconv.Atoi(a[0]); err != nil {
					return fmt.Errorf("call index %q: %w", a[0], err)
				}
			}
			return api().HangupRemote(c.Context(), idx)
		}),
		simple("sms-in FROM TEXT", "An SMS from FROM arrives", cobra.ExactArgs(2), func(c *cobra.Command, a []string) error {
			return api().SMSIn(c.Context(), a[0], a[1])
		}),
		simple("ussd-in TEXT", "A network USSD notification arrives", cobra.ExactArgs(1), func(c *cobra.Command, a []string) error {
			return api().USSDIn(c.Context(), a[0])
		}),
		simple("signal BARS", "Set the signal strength, 0 to 4 bars", cobra.ExactArgs(1), func(c *cobra.Command, a []string) error {
			bars, err := strconv.Atoi(a[0])
			if err != nil {
				return fmt.Errorf("bars %q: %w", a[0], err)
			}
			return api().Signal(c.Context(), bars)
		}),
		simple("registration STATE", "Set the registration: home, roaming, searching, denied, none", cobra.ExactArgs(1), func(c *cobra.Command, a []string) error {
			return api().Registration(c.Context(), a[0])
		}),
		simple("run FILE", "Run a scenario file on the modem and wait for its end", cobra.ExactArgs(1), func(c *cobra.Command, a []string) error {
			script, err := os.ReadFile(a[0])
			if err != nil {
				return err
			}
			return api().RunScenario(c.Context(), string(script))
		}),
		simple("status", "Show radio, network, calls and messages", cobra.NoArgs, func(c *cobra.Command, _ []string) error {
			st, err := api().Status(c.Context())
			if err != nil {
				return err
			}
			printModemStatus(c, st)
			return nil
		}),
	)
	return cmd
}

func printModemStatus(c *cobra.Command, st modemapi.Status) {
	w := c.OutOrStdout()
	fmt.Fprintf(w, "radio %s, %s, signal %d/4, %d rild client(s), mute %v\n", st.Radio, st.Registration, st.Signal, st.Clients, st.Mute)
	for _, call := range st.Calls {
		mp := ""
		if call.Multiparty {
			mp = " (conference)"
		}
		fmt.Fprintf(w, "call %d %s %s %s%s\n", call.Index, call.Direction, call.State, call.Number, mp)
	}
	for _, s := range st.SMSSent {
		fmt.Fprintf(w, "sms sent ref %d to %s: %q\n", s.Ref, s.To, s.Text)
	}
	if st.SMSWaiting > 0 {
		fmt.Fprintf(w, "%d incoming sms not yet acknowledged\n", st.SMSWaiting)
	}
	if st.DTMF != "" {
		fmt.Fprintf(w, "dtmf received: %s\n", st.DTMF)
	}
	for _, d := range st.DataCalls {
		fmt.Fprintf(w, "data call %d apn %q address %s\n", d.CID, d.APN, d.Address)
	}
}

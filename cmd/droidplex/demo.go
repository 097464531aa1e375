package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"droidplex/internal/demo"
)

func init() { register(newStandinAndroidCmd) }

// newStandinAndroidCmd is the hidden /init of the demo's stand-in Android
// containers (proc runtime).
func newStandinAndroidCmd() *cobra.Command {
	var o demo.StandinOptions
	cmd := &cobra.Command{
		Use:    "standin-android NAME",
		Short:  "Run as a stand-in Android container's init: system bus, oFono, an audio client",
		Hidden: true,
		Args:   cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			o.Name = args[0]
			self, err := os.Executable()
			if err != nil {
				return err
			}
			o.Self, o.Output = self, c.ErrOrStderr()
			return demo.RunStandin(c.Context(), o)
		},
	}
	cmd.Flags().Float64Var(&o.Tone, "tone", 0, "frequency (Hz) of the tone the container plays; 0: none")
	return cmd
}

func init() { register(newDemoCmd) }

func newDemoCmd() *cobra.Command {
	var cfg demo.Config
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Run the kernel-less demo: two stand-in Androids, both heard, calls and SMS from either",
		Long: `demo shows droidplex working end to end on an ordinary Linux machine, with no
Android kernel. It starts, as plain processes: audioproxyd on a private
PulseAudio null sink (or a WAV file when PulseAudio is not installed),
rilproxyd with the mock modem, inputproxyd, and droidplexd with two stand-in
Android containers, "personal" and "work", each running a real RIL client
(oFono, on its own system bus) and an audio client playing a tone.

Then it tells the story, one numbered step at a time, and checks that each
step happened: both tones play at once; personal calls out and the far end
answers and hangs up; work calls out; an incoming call rings the foreground
container; after a foreground switch the next one rings the other; an
incoming SMS reaches the target only; both tones are heard together in the
recorded mix. It ends with a summary table (ok, FAILED with the reason, or
not run) and exits 1 if any step failed or did not run.

Needs: root (the stand-in containers get mount namespaces); ofono, dbus and
util-linux; the droidplex binaries (make build) in --bin. Optional:
pulseaudio and pulseaudio-utils (needed for --sound pulse; with --sound auto
the mix goes to a WAV file without them), sox (for the spectrogram). make
deps installs them all. It takes about 10 seconds.

Results go to --out (default out/demo): summary.txt, mix.wav, mix.png (a
spectrogram) and logs/ (every daemon's and container's log). --out must be
new, empty, or a previous demo's output (whose results are replaced); two
demos cannot write into the same --out at once. Ctrl-C (or SIGTERM) stops
everything the demo started and exits 1; the steps not reached show as not
run.`,
		Example: "  sudo make demo\n  sudo droidplex demo --out /tmp/demo",
		Args:    cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if cfg.Bin == "" {
				self, err := os.Executable()
				if err != nil {
					return err
				}
				cfg.Bin = filepath.Dir(self)
			}
			cfg.Output = c.OutOrStdout()
			steps, err := demo.Run(c.Context(), cfg)
			if len(steps) > 0 {
				demo.WriteSummary(c.OutOrStdout(), steps)
			}
			if err != nil {
				// %v: the demo's own words, not a daemon-dial hint.
				return fmt.Errorf("%v", err)
			}
			if demo.Failed(steps) {
				fmt.Fprintf(c.ErrOrStderr(), "droidplex demo: not every step worked; the summary and the logs are in %s\n", cfg.OutDir)
				return exitError{code: 1}
			}
			fmt.Fprintf(c.OutOrStdout(), "results in %s\n", cfg.OutDir)
			return nil
		},
	}
	cmd.Flags().StringVar(&cfg.Bin, "bin", "", "directory with the droidplex binaries (default: this binary's)")
	cmd.Flags().StringVar(&cfg.Sound, "sound", "auto", "sound device: pulse (a private PulseAudio null sink, recorded), wav (a WAV file) or auto")
	cmd.Flags().StringVar(&cfg.OutDir, "out", "out/demo", "new, empty or previous demo directory for summary.txt, mix.wav, mix.png and logs/")
	return cmd
}

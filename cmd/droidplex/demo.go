package main

import (
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
		Long: `demo starts, as plain processes: audioproxyd on a private PulseAudio null sink
(or a WAV file when PulseAudio is missing), rilproxyd with the mock modem,
and droidplexd with two stand-in Android containers, "personal" and "work",
each running a real RIL client (oFono, on its own system bus) and an audio
client playing a tone. Then it tells the story: both tones play at once;
personal calls out and the far end answers and hangs up; work calls out; an
incoming call rings the foreground container; after a foreground switch the
next one rings the other; an incoming SMS reaches the target. It ends with a
summary table, leaves the mix as mix.wav and mix.png (spectrogram) in --out,
and exits 1 if any step did not happen. Needs root (mount namespaces).`,
		Example: "  make demo\n  droidplex demo --out /tmp/demo",
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
			demo.WriteSummary(c.OutOrStdout(), steps)
			if f, ferr := os.Create(filepath.Join(cfg.OutDir, "summary.txt")); ferr == nil {
				demo.WriteSummary(f, steps)
				f.Close()
			}
			if err != nil {
				return err
			}
			if demo.Failed(steps) {
				return exitError{code: 1}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&cfg.Bin, "bin", "", "directory with the droidplex binaries (default: this binary's)")
	cmd.Flags().StringVar(&cfg.OutDir, "out", "out/demo", "where mix.wav, mix.png, summary.txt and logs/ go")
	return cmd
}

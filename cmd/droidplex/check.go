package main

import (
	"github.com/spf13/cobra"

	"droidplex/kernel"
)

func init() { register(newCheckCmd) }

func newCheckCmd() *cobra.Command {
	mode := string(kernel.ModeAndroid)
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Check that this kernel has what Android containers need",
		Long: `check probes the running kernel for everything droidplex uses, in the manner
of lxc-checkconfig: namespaces, cgroups and the devices controller,
overlayfs, memfd seals, eventfd, evdev, uinput, binder (device or binderfs)
and ashmem. Each line says OK or missing, with the kernel option that
provides the feature.

Modes: kernel-less (proxies, mock modem and stand-in containers as plain
processes), lxc (stand-in containers under LXC), android (real Android
containers). check exits 1 only when something the chosen mode requires is
missing. Run it as root to also try allocating a binderfs device.`,
		Example: "  droidplex check\n  droidplex check --mode kernel-less",
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			m, err := kernel.ParseMode(mode)
			if err != nil {
				return err
			}
			if missing := kernel.Report(cmd.OutOrStdout(), kernel.Probe(), m); len(missing) > 0 {
				return exitError{code: 1}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&mode, "mode", mode, "what will run here: kernel-less, lxc or android")
	return cmd
}

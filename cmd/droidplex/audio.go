package main

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"droidplex/audioproxy/sink"
	"droidplex/audioproxy/wire"
	audioshim "droidplex/hal-shims/audio"
	"droidplex/internal/ctlhttp"
)

func init() { register(newAudioCmd) }

// newAudioCmd is `droidplex audio`: audioproxyd's volume, mute, status,
// per-container recording and a test-tone player.
func newAudioCmd() *cobra.Command {
	socket := wire.DefaultAPISocket
	cmd := &cobra.Command{
		Use:   "audio",
		Short: "Audio: per-container volume and mute, status, recording, test tones, policy (audioproxyd)",
	}
	cmd.PersistentFlags().StringVar(&socket, "socket", socket, "audioproxyd's API socket")
	client := func() *http.Client { return ctlhttp.NewClient(socket) }

	cmd.AddCommand(&cobra.Command{
		Use:   "status",
		Short: "Show the device, every container's volume and mute, and the open streams",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			var st wire.Status
			if err := ctlhttp.Do(c.Context(), client(), "GET", "/v1/status", nil, &st); err != nil {
				return err
			}
			w := c.OutOrStdout()
			d := st.Device
			fmt.Fprintf(w, "device %s: %d Hz, %d ch, %s, %d-frame period; %d frames mixed\n", d.Name, d.Rate, d.Channels, d.Format, d.Period, st.FramesMixed)
			for _, ct := range st.Containers {
				mute := ""
				if ct.Muted {
					mute = " muted"
				}
				fmt.Fprintf(w, "%-12s volume %.2f%s, %d streams, %d underruns\n", ct.Name, ct.Volume, mute, len(ct.Streams), ct.Underruns)
				for _, s := range ct.Streams {
					fmt.Fprintf(w, "  stream %d %s %s: %d/%d frames queued, %.1f ms latency, %d underruns\n",
						s.ID, s.Direction, s.Usage, s.Buffered, s.Frames, s.LatencyMs, s.Underruns)
				}
			}
			return nil
		},
	})
	cmd.AddCommand(&cobra.Command{
		Use:   "volume CONTAINER VOLUME",
		Short: "Set a container's linear volume (0..4, 1 = unity)",
		Args:  cobra.ExactArgs(2),
		RunE: func(c *cobra.Command, args []string) error {
			v, err := strconv.ParseFloat(args[1], 32)
			if err != nil {
				return fmt.Errorf("volume %q: %w", args[1], err)
			}
			var cs wire.ContainerStatus
			err = ctlhttp.Do(c.Context(), client(), "PUT", "/v1/containers/"+url.PathEscape(args[0])+"/volume", wire.VolumeRequest{Volume: float32(v)}, &cs)
			if err == nil {
				fmt.Fprintf(c.OutOrStdout(), "%s volume %.2f\n", cs.Name, cs.Volume)
			}
			return err
		},
	})
	cmd.AddCommand(&cobra.Command{
		Use:   "mute CONTAINER [on|off]",
		Short: "Mute (default) or unmute a container; its streams keep running silently",
		Args:  cobra.RangeArgs(1, 2),
		RunE: func(c *cobra.Command, args []string) error {
			m := true
			if len(args) == 2 {
				switch args[1] {
				case "on", "true", "1":
				case "off", "false", "0":
					m = false
				default:
					return fmt.Errorf("mute %q: want on or off", args[1])
				}
			}
			var cs wire.ContainerStatus
			err := ctlhttp.Do(c.Context(), client(), "PUT", "/v1/containers/"+url.PathEscape(args[0])+"/mute", wire.MuteRequest{Muted: m}, &cs)
			if err == nil {
				fmt.Fprintf(c.OutOrStdout(), "%s muted %v\n", cs.Name, cs.Muted)
			}
			return err
		},
	})
	cmd.AddCommand(newAudioRecordCmd(client), newPlayToneCmd())
	cmd.AddCommand(newAudioPolicyCmds(client)...) // audiopolicy.go
	return cmd
}

func newAudioRecordCmd(client func() *http.Client) *cobra.Command {
	var dur time.Duration
	cmd := &cobra.Command{
		Use:   "record CONTAINER OUT.wav",
		Short: "Record what a container plays (before its volume) to a WAV file",
		Long:  "record writes a container's own mix to OUT.wav for --duration, or until interrupted if it is 0.",
		Args:  cobra.ExactArgs(2),
		RunE: func(c *cobra.Command, args []string) error {
			u := fmt.Sprintf("http://unix/v1/containers/%s/record?seconds=%g", url.PathEscape(args[0]), dur.Seconds())
			req, err := http.NewRequestWithContext(c.Context(), "GET", u, nil)
			if err != nil {
				return err
			}
			resp, err := client().Do(req)
			if err != nil {
				return err
			}
			defer resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				b, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
				return fmt.Errorf("record: HTTP %d: %s", resp.StatusCode, b)
			}
			f, err := os.OpenFile(args[1], os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
			if err != nil {
				return err
			}
			n, cerr := io.Copy(f, resp.Body)
			if c.Context().Err() != nil {
				cerr = nil // interrupted: keep what arrived
			}
			// Fix the sizes for a recording cut short or of unknown length.
			if data := n - sink.WAVHeaderSize; data >= 0 {
				var b [4]byte
				binary.LittleEndian.PutUint32(b[:], uint32(min(data+36, math.MaxUint32)))
				f.WriteAt(b[:], 4)
				binary.LittleEndian.PutUint32(b[:], uint32(min(data, math.MaxUint32)))
				f.WriteAt(b[:], 40)
			}
			if err := f.Close(); cerr == nil {
				cerr = err
			}
			if cerr == nil {
				fmt.Fprintf(c.OutOrStdout(), "%s: %d bytes of audio from %s\n", filepath.Base(args[1]), max(n-sink.WAVHeaderSize, 0), args[0])
			}
			return cerr
		},
	}
	cmd.Flags().DurationVar(&dur, "duration", 5*time.Second, "how long to record (0: until interrupted)")
	return cmd
}

// newPlayToneCmd plays a sine through the Go audio shim, as a container would.
func newPlayToneCmd() *cobra.Command {
	var (
		runtimeDir = "/run/droidplex"
		sockPath   string
		freq, amp  float64
		dur        time.Duration
		rate       uint32
		channels   uint16
	)
	cmd := &cobra.Command{
		Use:   "play-tone CONTAINER",
		Short: "Play a sine tone into a container's audio socket through the Go shim",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			p := sockPath
			if p == "" {
				p = filepath.Join(runtimeDir, args[0], "audio")
			}
			params := wire.Params{Rate: rate, Channels: channels, Format: wire.FormatS16}
			period := rate / 50 // 20 ms writes, as AudioFlinger's normal mixer
			s, err := audioshim.Open(audioshim.Config{Path: p, Usage: wire.UsageMedia, Params: params, PeriodHint: period})
			if err != nil {
				return err
			}
			defer s.Close()
			buf := make([]byte, int(period)*params.FrameBytes())
			total := uint64(dur.Seconds() * float64(rate))
			for k := uint64(0); (dur == 0 || k < total) && c.Context().Err() == nil; {
				for i := 0; i < int(period); i, k = i+1, k+1 {
					v := int16(amp * 32767 * math.Sin(2*math.Pi*freq*float64(k)/float64(rate)))
					for ch := range int(channels) {
						binary.LittleEndian.PutUint16(buf[(i*int(channels)+ch)*2:], uint16(v))
					}
				}
				if _, err := s.Write(buf); err != nil {
					return err
				}
			}
			s.Standby()
			pos, _ := s.PresentationPosition()
			fmt.Fprintf(c.OutOrStdout(), "played %d frames of %g Hz into %s (%d reconnects)\n", pos, freq, args[0], s.Reconnects())
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&runtimeDir, "runtime-dir", runtimeDir, "directory holding <container>/audio")
	f.StringVar(&sockPath, "audio-socket", "", "the container's audio socket (overrides --runtime-dir)")
	f.Float64Var(&freq, "freq", 440, "frequency (Hz)")
	f.Float64Var(&amp, "amp", 0.5, "amplitude (0..1)")
	f.DurationVar(&dur, "duration", 5*time.Second, "how long to play (0: until interrupted)")
	f.Uint32Var(&rate, "rate", 48000, "sample rate (must match the device)")
	f.Uint16Var(&channels, "channels", 2, "channels (must match the device)")
	return cmd
}

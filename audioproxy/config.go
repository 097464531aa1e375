package audioproxy

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"droidplex/audioproxy/sink"
	"droidplex/audioproxy/wire"
	cwire "droidplex/container/wire"
	"droidplex/internal/daemonconf"
	"droidplex/internal/peercheck"
)

// Config is audioproxyd's configuration, read from a TOML file and
// overridden by flags.
//
//	containers   = ["personal", "work"]
//	runtime_dir  = "/run/droidplex"           # <dir>/<name>/audio per container
//	api_socket   = "/run/droidplex/audioproxyd.sock"
//	device       = "pulseaudio"               # null | wav:PATH | pulseaudio | alsa | aaudio | opensl | malgo-null
//	rate         = 48000
//	channels     = 2
//	format       = "s16"                      # s16 | f32
//	period_ms    = 5
//	ring_periods = 4                          # a stream buffers this many periods, 1..64 (or its own period hint)
//	max_streams  = 16                         # per container
//	socket_mode  = 0o666                      # of the per-container sockets
//	realtime     = false                      # SCHED_FIFO device thread (needs CAP_SYS_NICE: null/wav refuse to start without it)
//	droidplexd   = "/run/droidplex/droidplexd.sock"  # events for the audio policy; "none": no control plane
//	capture      = "none"                     # microphone: none | tone:FREQ | pulse[:SOURCE] (open only while a stream may hear it)
//	foreground   = ""                         # who has the microphone until droidplexd says (default: nobody)
//	peer_check   = "auto"                     # auto | strict | off: a client must be in its container's pid namespace
//	[volumes]
//	work = 0.5
type Config struct {
	Containers  []string           `toml:"containers"`
	RuntimeDir  string             `toml:"runtime_dir"`
	APISocket   string             `toml:"api_socket"`
	Device      string             `toml:"device"`
	Rate        uint32             `toml:"rate"`
	Channels    uint16             `toml:"channels"`
	Format      string             `toml:"format"`
	PeriodMs    float64            `toml:"period_ms"`
	RingPeriods int                `toml:"ring_periods"`
	MaxStreams  int                `toml:"max_streams"`
	SocketMode  uint32             `toml:"socket_mode"`
	Realtime    bool               `toml:"realtime"`
	Volumes     map[string]float32 `toml:"volumes"`
	Droidplexd  string             `toml:"droidplexd"`
	Capture     string             `toml:"capture"`
	Foreground  string             `toml:"foreground"`
	PeerCheck   string             `toml:"peer_check"`

	// OpenDevice opens device names other than null and wav:PATH (the daemon
	// sets it to open malgo devices), in format c (c.Realtime: a SCHED_FIFO
	// callback thread). Not read from the file.
	OpenDevice func(name string, c sink.Config) (sink.Sink, error) `toml:"-"`
	// OpenCapture opens capture device names other than none and tone:FREQ.
	// Not read from the file.
	OpenCapture func(name string, c sink.Config) (Source, error) `toml:"-"`
	// DeviceStall is how long a device opened by OpenDevice may go without
	// calling back before it is closed and opened again (0: 3 s). Not read
	// from the file.
	DeviceStall time.Duration `toml:"-"`
}

// DefaultConfig returns the defaults: 48 kHz stereo s16, 5 ms periods, the
// null device, containers "personal" and "work".
func DefaultConfig() Config {
	return Config{
		Containers: []string{"personal", "work"},
		RuntimeDir: "/run/droidplex", APISocket: wire.DefaultAPISocket,
		Device: "null", Rate: 48000, Channels: 2, Format: "s16", PeriodMs: 5,
		RingPeriods: 4, MaxStreams: 16, SocketMode: 0o666,
		Droidplexd: cwire.DefaultSocket, Capture: "none", PeerCheck: string(peercheck.ModeAuto),
	}
}

// LoadConfig reads a TOML file over the defaults. Unknown keys are errors.
func LoadConfig(path string) (Config, error) {
	cfg := DefaultConfig()
	err := daemonconf.LoadTOML(path, &cfg)
	return cfg, err
}

var nameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]{0,63}$`)

// Validate checks the configuration.
func (c Config) Validate() error {
	if len(c.Containers) == 0 {
		return fmt.Errorf("config: no containers")
	}
	seen := map[string]bool{}
	for _, n := range c.Containers {
		if !nameRE.MatchString(n) || seen[n] {
			return fmt.Errorf("config: bad or repeated container name %q", n)
		}
		seen[n] = true
	}
	for n, v := range c.Volumes {
		if !seen[n] || !(v >= 0 && v <= 4) { // NaN too
			return fmt.Errorf("config: volume %v for %q (unknown container or outside 0..4)", v, n)
		}
	}
	if _, err := c.SinkConfig(); err != nil {
		return err
	}
	if c.RingPeriods < 1 || c.RingPeriods > 64 {
		return fmt.Errorf("config: ring_periods %d outside 1..64", c.RingPeriods)
	}
	if c.MaxStreams < 1 || c.MaxStreams > 256 {
		return fmt.Errorf("config: max_streams %d outside 1..256", c.MaxStreams)
	}
	if c.Foreground != "" && !seen[c.Foreground] {
		return fmt.Errorf("config: foreground %q is not a configured container", c.Foreground)
	}
	if _, err := sourceOpener(c.Capture, c.OpenCapture); err != nil {
		return fmt.Errorf("config: %w", err)
	}
	if _, err := peercheck.ParseMode(c.PeerCheck); err != nil {
		return fmt.Errorf("config: %w", err)
	}
	if c.RuntimeDir == "" || c.APISocket == "" || c.Device == "" {
		return fmt.Errorf("config: runtime_dir, api_socket and device must be set")
	}
	return nil
}

// SinkConfig returns the device format the configuration asks for.
func (c Config) SinkConfig() (sink.Config, error) {
	f, err := wire.ParseFormat(c.Format)
	if err != nil {
		return sink.Config{}, fmt.Errorf("config: %w", err)
	}
	period := uint32(c.PeriodMs * float64(c.Rate) / 1000)
	sc := sink.Config{Params: wire.Params{Rate: c.Rate, Channels: c.Channels, Format: f}, Period: period, Realtime: c.Realtime}
	if err := sc.Validate(); err != nil {
		return sc, fmt.Errorf("config: %w", err)
	}
	if period > maxChunk || c.PeriodMs < 1 {
		return sc, fmt.Errorf("config: period_ms %v outside 1 ms..%d frames", c.PeriodMs, maxChunk)
	}
	return sc, nil
}

// SocketPath returns the control socket of container name.
func (c Config) SocketPath(name string) string { return filepath.Join(c.RuntimeDir, name, "audio") }

// supervised reports whether the configured device is reopened when its
// callbacks stop: a sound device is, the null and WAV sinks (which keep
// their own clocks) are not.
func (c Config) supervised() bool {
	return c.Device != "null" && !strings.HasPrefix(c.Device, "wav:")
}

// openSink opens the configured device.
func (c Config) openSink(sc sink.Config) (sink.Sink, error) {
	switch {
	case c.Device == "null":
		return sink.NewNull(sc)
	case strings.HasPrefix(c.Device, "wav:"):
		return sink.NewWAV(strings.TrimPrefix(c.Device, "wav:"), sc)
	case c.OpenDevice != nil:
		return c.OpenDevice(c.Device, sc)
	}
	return nil, fmt.Errorf("device %q: unknown (want null, wav:PATH or a sound device)", c.Device)
}

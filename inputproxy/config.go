package inputproxy

import (
	"errors"
	"fmt"
	"regexp"

	"droidplex/container/wire"
	"droidplex/inputproxy/route"
	inputwire "droidplex/inputproxy/wire"
	"droidplex/internal/daemonconf"
)

// Config configures inputproxyd. Flags override a TOML file (LoadConfig)
// that overrides DefaultConfig.
type Config struct {
	// APISocket is where the HTTP API is served.
	APISocket string `toml:"api_socket"`
	// Droidplexd is droidplexd's socket, followed for foreground and
	// container changes; "" runs standalone.
	Droidplexd string `toml:"droidplexd"`
	// Containers get clones from the start; Foreground receives input
	// until droidplexd or the chord says otherwise.
	Containers []string `toml:"containers"`
	Foreground string   `toml:"foreground"`
	// Devices lists the devices to route (default: every touchscreen and
	// key device); Chord switches to the next container ("" for none).
	Devices []string `toml:"devices"`
	Chord   string   `toml:"chord"`
	// InputDir and Uinput locate the devices; Clones is "uinput",
	// "record" or "auto" (uinput when Uinput exists). main reads these to
	// pick the Backend.
	InputDir string `toml:"input_dir"`
	Uinput   string `toml:"uinput"`
	Clones   string `toml:"clones"`
	// Virtual creates a virtual touchscreen (VirtualSize, "WxH") and
	// keyboard when no real one exists.
	Virtual     bool   `toml:"virtual"`
	VirtualSize string `toml:"virtual_size"`
	// Backend opens real devices and creates clones (main builds it from
	// the fields above). A *Recorder makes the API's /log route available.
	Backend Backend `toml:"-"`
}

// DefaultConfig is inputproxyd's configuration without a file or flags.
func DefaultConfig() Config {
	return Config{
		APISocket: inputwire.DefaultAPISocket, Droidplexd: wire.DefaultSocket,
		Chord: "KEY_LEFTMETA+KEY_F12", InputDir: "/dev/input", Uinput: "/dev/uinput",
		Clones: "auto", Virtual: true, VirtualSize: "1080x2400",
	}
}

// LoadConfig reads a TOML file over the defaults. Unknown keys are errors.
func LoadConfig(path string) (Config, error) {
	cfg := DefaultConfig()
	err := daemonconf.LoadTOML(path, &cfg)
	return cfg, err
}

var nameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]{0,63}$`)

// ErrBadName is returned for a container name that is not
// [a-z0-9][a-z0-9_.-]{0,63}.
var ErrBadName = errors.New("bad container name")

func checkName(name string) error {
	if !nameRE.MatchString(name) {
		return fmt.Errorf("%w %q", ErrBadName, name)
	}
	return nil
}

func (c *Config) virtualSize() (w, h int32, err error) {
	if _, err := fmt.Sscanf(c.VirtualSize, "%dx%d", &w, &h); err != nil || w <= 0 || h <= 0 {
		return 0, 0, fmt.Errorf("config: virtual_size %q: want WIDTHxHEIGHT", c.VirtualSize)
	}
	return w, h, nil
}

// Validate checks the configuration.
func (c *Config) Validate() error {
	if c.APISocket == "" {
		return errors.New("config: api_socket not set")
	}
	if c.Backend == nil {
		return errors.New("config: no backend")
	}
	for _, n := range c.Containers {
		if err := checkName(n); err != nil {
			return fmt.Errorf("config: %w", err)
		}
	}
	if c.Foreground != "" {
		if err := checkName(c.Foreground); err != nil {
			return fmt.Errorf("config: foreground: %w", err)
		}
	}
	switch c.Clones {
	case "uinput", "record", "auto", "":
	default:
		return fmt.Errorf("config: clones %q: want uinput, record or auto", c.Clones)
	}
	if c.Virtual {
		if _, _, err := c.virtualSize(); err != nil {
			return err
		}
	}
	if _, err := route.ParseChord(c.Chord); err != nil {
		return fmt.Errorf("config: %w", err)
	}
	return nil
}

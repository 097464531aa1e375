package daemonconf

import (
	"flag"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"droidplex/internal/testutil"
)

func TestMain(m *testing.M) { testutil.Main(m) }

type conf struct {
	Device     string   `toml:"device"`
	Containers []string `toml:"containers"`
	Rate       uint32   `toml:"rate"`
	Channels   uint16   `toml:"channels"`
}

func parse(t *testing.T, file string, args ...string) (conf, error) {
	t.Helper()
	cfg := conf{Device: "null", Containers: []string{"a"}, Rate: 48000, Channels: 2}
	fs := flag.NewFlagSet("d", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	path := fs.String("config", "", "")
	fs.StringVar(&cfg.Device, "device", cfg.Device, "")
	fs.Var(List{&cfg.Containers}, "containers", "")
	fs.Var(Uint32{&cfg.Rate}, "rate", "")
	fs.Var(Uint16{&cfg.Channels}, "channels", "")
	if file != "" {
		p := filepath.Join(t.TempDir(), "c.toml")
		os.WriteFile(p, []byte(file), 0o644)
		args = append([]string{"--config", p}, args...)
	}
	err := Parse(fs, args, path, func(p string) error { return LoadTOML(p, &cfg) })
	return cfg, err
}

func TestFlagsWinOverFileOverDefaults(t *testing.T) {
	for _, c := range []struct {
		name, file string
		args       []string
		want       conf
	}{
		{"defaults", "", nil, conf{"null", []string{"a"}, 48000, 2}},
		{"flags", "", []string{"--device", "pulse", "--containers", "x,y", "--rate", "44100"}, conf{"pulse", []string{"x", "y"}, 44100, 2}},
		{"file", "device = \"wav:/x\"\nchannels = 1\n", nil, conf{"wav:/x", []string{"a"}, 48000, 1}},
		{"flag over file", "device = \"wav:/x\"\ncontainers = [\"p\"]\n", []string{"--device", "alsa"}, conf{"alsa", []string{"p"}, 48000, 2}},
		{"empty list", "", []string{"--containers", ""}, conf{"null", nil, 48000, 2}},
	} {
		got, err := parse(t, c.file, c.args...)
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: got %+v, %v; want %+v", c.name, got, err, c.want)
		}
	}
}

func TestBadInputRefused(t *testing.T) {
	if _, err := parse(t, "bogus = 1\n"); err == nil || !strings.Contains(err.Error(), "unknown keys [bogus]") {
		t.Errorf("unknown key: %v", err)
	}
	if _, err := parse(t, "device = \n"); err == nil {
		t.Error("broken TOML accepted")
	}
	if _, err := parse(t, "", "--channels", "70000"); err == nil {
		t.Error("out-of-range uint16 accepted")
	}
	if _, err := parse(t, "", "--rate", "-1"); err == nil {
		t.Error("negative rate accepted")
	}
	// a stray argument ends flag parsing: the --device after it would be lost
	if _, err := parse(t, "", "x", "--device", "pulse"); err == nil || !strings.Contains(err.Error(), `unexpected argument "x"`) {
		t.Errorf("stray argument: %v", err)
	}
}

// Values of the wrong type or out of range, and unknown tables, are
// refused with an error naming the key and the problem.
func TestBadValuesNamed(t *testing.T) {
	for file, want := range map[string]string{
		"rate = 99999999999\n":  `"rate"): 99999999999 is out of range for uint32`,
		"rate = -1\n":           `"rate"): -1 is out of range for uint32`,
		"channels = 70000\n":    `"channels"): 70000 is out of range for uint16`,
		"rate = \"x\"\n":        `"rate"): incompatible types`,
		"rate = 1e10\n":         `"rate"): incompatible types`,
		"containers = 3\n":      `"containers"): incompatible types`,
		"[extra]\nkey = 1\n":    `unknown keys [extra extra.key]`,
		"device = \"a\" junk\n": `line 1`,
	} {
		if _, err := parse(t, file); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: err = %v, want it to say %s", file, err, want)
		}
	}
}

// A config file larger than MaxFile is refused before it is decoded (a
// --config naming /dev/zero used to read until memory ran out).
func TestHugeConfigFileRefused(t *testing.T) {
	big := filepath.Join(t.TempDir(), "big.toml")
	if err := os.WriteFile(big, []byte(strings.Repeat("# padding\n", MaxFile/10+1)), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{big, "/dev/zero"} {
		var c conf
		if err := LoadTOML(p, &c); err == nil || !strings.Contains(err.Error(), "larger than") {
			t.Errorf("%s: err = %v, want larger than %d bytes", p, err, MaxFile)
		}
	}
}

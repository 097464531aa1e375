package inputproxy_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"droidplex/inputproxy"
	"droidplex/inputproxy/inputproxytest"
)

func TestLoadConfig(t *testing.T) {
	tests := []struct {
		name, file, err string
	}{
		{"full", `api_socket = "/tmp/x.sock"
containers = ["personal", "work"]
foreground = "personal"
devices = ["/dev/input/by-id/usb-kbd"]
chord = "KEY_VOLUMEDOWN+KEY_POWER"
clones = "record"
virtual_size = "720x1280"`, ""},
		{"unknown key", `colour = "blue"`, "unknown keys"},
		{"bad toml", `containers = [`, "config"},
		{"bad container", `containers = ["Work/1"]`, "bad container name"},
		{"bad chord", `chord = "KEY_NOPE"`, "unknown key"},
		{"bad size", `virtual_size = "big"`, "virtual_size"},
		{"bad clones", `clones = "magic"`, "clones"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "inputproxyd.toml")
			if err := os.WriteFile(p, []byte(tt.file), 0o600); err != nil {
				t.Fatal(err)
			}
			cfg, err := inputproxy.LoadConfig(p)
			if err == nil {
				cfg.Backend = inputproxytest.NewBackend()
				err = cfg.Validate()
			}
			if (tt.err == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tt.err)) {
				t.Fatalf("error %v, want %q", err, tt.err)
			}
			if tt.name == "full" && (cfg.VirtualSize != "720x1280" || len(cfg.Containers) != 2 || cfg.Uinput != "/dev/uinput") {
				t.Errorf("config %+v", cfg)
			}
		})
	}
	if _, err := inputproxy.LoadConfig(filepath.Join(t.TempDir(), "missing.toml")); err == nil {
		t.Error("loaded a missing file")
	}
}

package demo

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// needs are the programs the demo runs besides its own binaries, with the
// Debian package each comes from.
var needs = []struct{ cmd, pkg string }{
	{"ofonod", "ofono"},
	{"dbus-daemon", "dbus"},
	{"unshare", "util-linux"},
}

// ownBinaries are the droidplex binaries the demo starts from Config.Bin.
var ownBinaries = []string{"droidplex", "droidplexd", "audioproxyd", "rilproxyd", "inputproxyd"}

// preflight checks, before anything is started, what the demo needs: root,
// the programs it runs and droidplex's own binaries.
func preflight(cfg Config, euid int, lookPath func(string) (string, error)) error {
	if euid != 0 {
		return fmt.Errorf("the demo needs root (the stand-in containers get their own mount namespaces): run it with sudo")
	}
	var missing, pkgs []string
	for _, n := range needs {
		if _, err := lookPath(n.cmd); err != nil {
			missing, pkgs = append(missing, n.cmd), append(pkgs, n.pkg)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("the demo needs %s: install %s (make deps does)", strings.Join(missing, ", "), strings.Join(pkgs, " "))
	}
	switch cfg.Sound {
	case "", "auto", "wav":
	case "pulse":
		if !usePulse("auto", lookPath) {
			return fmt.Errorf("--sound pulse needs pulseaudio and parec: install pulseaudio pulseaudio-utils (make deps does), or use --sound wav")
		}
	default:
		return fmt.Errorf("--sound %q: want pulse, wav or auto", cfg.Sound)
	}
	for _, b := range ownBinaries {
		if fi, err := os.Stat(filepath.Join(cfg.Bin, b)); err != nil || fi.IsDir() {
			return fmt.Errorf("no %s in %s: build them first (make build), or point --bin at them", b, cfg.Bin)
		}
	}
	return nil
}

// usePulse reports whether the demo plays into PulseAudio for the --sound
// choice: always for pulse (preflight checked it is installed), never for
// wav, and for auto when pulseaudio and parec are both installed.
func usePulse(sound string, lookPath func(string) (string, error)) bool {
	switch sound {
	case "pulse":
		return true
	case "wav":
		return false
	}
	_, err1 := lookPath("pulseaudio")
	_, err2 := lookPath("parec")
	return err1 == nil && err2 == nil
}

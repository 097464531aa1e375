package demo

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"droidplex/audioproxy/audioproxytest"
)

// Config says where the demo finds its binaries and leaves its results.
type Config struct {
	Bin    string // directory holding droidplex, droidplexd, audioproxyd, rilproxyd
	OutDir string // receives mix.wav, mix.png, summary.txt and logs/ (new, empty or a previous run's)
	// Scratch is where the run's temporary directory (sockets, state) is
	// made; "" means the system's temporary directory.
	Scratch string
	Output  io.Writer // narration
	// Sound is the device audioproxyd plays into: "pulse" (a private
	// PulseAudio null sink, recorded), "wav" (a WAV file) or "" / "auto"
	// (pulse when pulseaudio and parec are installed, else wav).
	Sound string
	// Tones per container, in Hz.
	Tones map[string]float64
}

// DefaultTones: personal plays A4, work plays E5.
var DefaultTones = map[string]float64{"personal": 440, "work": 660}

// Containers are the demo's two stand-in Androids, the foreground first.
var Containers = []string{"personal", "work"}

// rig is everything the demo started.
type rig struct {
	cfg     Config
	work    string // scratch directory
	run     string // runtime directory (sockets)
	procs   procs
	pulse   *audioproxytest.Pulse
	stopRec func() error
	mixWAV  string
	device  string // what audioproxyd played into
	before  []int  // this process's children before the demo started
}

func (r *rig) path(elem ...string) string { return filepath.Join(append([]string{r.run}, elem...)...) }

func (r *rig) bin(name string) string { return filepath.Join(r.cfg.Bin, name) }

// droidplexdSocket and the other daemons' API sockets.
func (r *rig) droidplexdSocket() string { return r.path("droidplexd.sock") }
func (r *rig) modemSocket() string      { return r.path("modem.sock") }
func (r *rig) audioSocket() string      { return r.path("audioproxyd.sock") }
func (r *rig) inputSocket() string      { return r.path("inputproxyd.sock") }
func (r *rig) rilSocket() string        { return r.path("rilproxyd.sock") }

// containersTOML is droidplexd's config: two stand-in Androids under the
// proc runtime, personal in the foreground and owning the modem settings.
func (r *rig) containersTOML() string {
	var b strings.Builder
	// The runtime's per-container directories hold each init's console
	// log: keep them with the demo's logs.
	fmt.Fprintf(&b, "lxcpath = %q\nstate_dir = %q\nrun_dir = %q\n", r.procs.logDir, filepath.Join(r.work, "state"), r.run)
	for i, name := range Containers {
		fmt.Fprintf(&b, "\n[[container]]\nname = %q\nrootfs = \"/\"\ndata = %q\nautostart = true\n", name,
			filepath.Join(r.work, name, "data"))
		fmt.Fprintf(&b, "init = [%q, \"standin-android\", %q, \"--tone\", \"%g\"]\n", r.bin("droidplex"), name, r.cfg.Tones[name])
		if i == 0 {
			b.WriteString("foreground = true\ntelephony_owner = true\n")
		}
	}
	return b.String()
}

// startAudio starts the sound device and audioproxyd: a private PulseAudio
// with a null sink whose monitor is recorded (recording first, so the idle
// null sink does not hold back the first seconds), or a WAV file when
// PulseAudio is not installed.
func (r *rig) startAudio(ctx context.Context, n *narrator) error {
	r.mixWAV = filepath.Join(r.cfg.OutDir, "mix.wav")
	args := []string{r.bin("audioproxyd"), "--runtime-dir", r.run, "--api-socket", r.audioSocket(),
		"--containers", strings.Join(Containers, ","), "--droidplexd", r.droidplexdSocket()}
	var env []string
	if usePulse(r.cfg.Sound, exec.LookPath) {
		var err error
		if env, err = r.startSound(); err != nil {
			return err
		}
		args = append(args, "--device", "pulse", "--period-ms", "10", "--ring-periods", "8")
		r.device = "PulseAudio null sink (recorded from its monitor)"
	} else {
		args = append(args, "--device", "wav:"+r.mixWAV)
		r.device = "WAV file"
		if r.cfg.Sound != "wav" {
			r.device += " (PulseAudio not installed)"
		}
	}
	n.say("sound device: %s", r.device)
	d, err := r.procs.start("audioproxyd", env, args...)
	if err != nil {
		return err
	}
	return r.procs.serving(ctx, d, r.audioSocket(), 10*time.Second)
}

// startSound starts the private PulseAudio and the recording of its null
// sink's monitor into mixWAV, and returns the environment its clients need.
func (r *rig) startSound() ([]string, error) {
	// PulseAudio and its recorder get SIGKILL if the demo dies, like its
	// daemons (startDying).
	pa, err := audioproxytest.StartPulseWith(filepath.Join(r.work, "pa"), func(c *exec.Cmd) error { return startDying(c, syscall.SIGKILL) })
	if err != nil {
		return nil, err
	}
	r.pulse = pa
	if r.stopRec, err = pa.Record(r.mixWAV); err != nil {
		return nil, err
	}
	time.Sleep(300 * time.Millisecond)
	return pa.Env(), nil
}

// startTelephony starts rilproxyd with the mock modem in-process, one rild
// socket per container.
func (r *rig) startTelephony(ctx context.Context) error {
	d, err := r.procs.start("rilproxyd", nil, r.bin("rilproxyd"), "--modem=mock",
		"--containers", strings.Join(Containers, ","), "--run-dir", r.run,
		"--control", r.modemSocket(), "--droidplexd", r.droidplexdSocket())
	if err != nil {
		return err
	}
	return r.procs.serving(ctx, d, r.modemSocket(), 10*time.Second)
}

// startInput starts inputproxyd with recording clones (there is no
// touchscreen and no uinput here), following droidplexd.
func (r *rig) startInput(ctx context.Context) error {
	d, err := r.procs.start("inputproxyd", nil, r.bin("inputproxyd"), "--clones", "record",
		"--containers", strings.Join(Containers, ","), "--api-socket", r.inputSocket(),
		"--droidplexd", r.droidplexdSocket())
	if err != nil {
		return err
	}
	return r.procs.serving(ctx, d, r.inputSocket(), 10*time.Second)
}

// startManager starts droidplexd on the proc runtime and runs the boot-time
// master (droidplex autostart) against it.
func (r *rig) startManager(ctx context.Context) error {
	conf := filepath.Join(r.work, "containers.toml")
	if err := os.WriteFile(conf, []byte(r.containersTOML()), 0o644); err != nil {
		return err
	}
	d, err := r.procs.start("droidplexd", nil, r.bin("droidplexd"), "--runtime", "proc",
		"--config", conf, "--socket", r.droidplexdSocket(), "--inputproxyd", r.inputSocket())
	if err != nil {
		return err
	}
	if err := r.procs.serving(ctx, d, r.droidplexdSocket(), 10*time.Second); err != nil {
		return err
	}
	out, err := exec.CommandContext(ctx, r.bin("droidplex"), "autostart", "--socket", r.droidplexdSocket()).CombinedOutput()
	if err != nil {
		return fmt.Errorf("droidplex autostart: %w\n%s", err, out)
	}
	return nil
}

// stop ends everything, newest first, and finishes the recording.
func (r *rig) stop() error {
	r.procs.stopAll()
	var err error
	if r.stopRec != nil {
		err = r.stopRec()
		r.stopRec = nil
	}
	if r.pulse != nil {
		r.pulse.Close()
		r.pulse = nil
	}
	reapOrphans(r.before, 5*time.Second)
	return err
}

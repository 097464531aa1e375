package demo

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	awire "droidplex/audioproxy/wire"
	"droidplex/container/client"
	"droidplex/container/wire"
	"droidplex/internal/ctlhttp"
	"droidplex/internal/linux"
	"droidplex/rilproxy/mockmodem/modemapi"
	"droidplex/rilproxy/ofonotest"
)

// story is one run: the rig, the oFono in each container, and the
// call-state events droidplexd published.
type story struct {
	*rig
	n     *narrator
	ofono map[string]*ofonotest.Instance
	modem *modemapi.Client
	ctl   *client.Client

	underruns uint64

	mu    sync.Mutex
	calls []wire.CallState
}

// ErrInterrupted is returned (wrapped) by Run when its context ended
// before the story was told; everything the demo started is stopped.
var ErrInterrupted = errors.New("demo interrupted")

// Run runs the whole story, writes the summary to summary.txt in the
// output directory and returns the steps. A failed step, or one that did
// not run, is in the steps; Run returns an error when the output directory
// cannot be used (nothing is started then) or, wrapping ErrInterrupted,
// when ctx ended before the end. Everything it starts is stopped and its
// scratch directory removed before it returns.
func Run(ctx context.Context, cfg Config) (steps []Step, err error) {
	if cfg.Tones == nil {
		cfg.Tones = DefaultTones
	}
	if err := preflight(cfg, os.Geteuid(), exec.LookPath); err != nil {
		return nil, err
	}
	out, err := openOut(cfg.OutDir)
	if err != nil {
		return nil, err
	}
	defer out.Close()
	if cfg.Scratch == "" {
		cfg.Scratch = "/tmp" // short socket paths
	}
	work, err := os.MkdirTemp(cfg.Scratch, "dpx-demo-")
	if err != nil {
		return nil, fmt.Errorf("scratch directory: %w", err)
	}
	defer os.RemoveAll(work)
	r := &rig{cfg: cfg, work: work, run: filepath.Join(work, "run")}
	if err := linux.SetChildSubreaper(); err != nil {
		return nil, err
	}
	for _, c := range children(nil) {
		r.before = append(r.before, c.pid)
	}
	r.procs.logDir = filepath.Join(cfg.OutDir, "logs")
	if err := os.MkdirAll(r.run, 0o755); err != nil {
		return nil, err
	}
	s := &story{rig: r, n: newNarrator(cfg.Output), ofono: map[string]*ofonotest.Instance{}}
	defer r.stop()
	if !s.n.step(ctx, "start the daemons and both stand-in containers", func() (string, error) {
		if err := s.setUp(ctx); err != nil {
			return "", err
		}
		return "audioproxyd on the " + r.device + ", rilproxyd with the mock modem, inputproxyd, droidplexd; " +
			"oFono online in " + strings.Join(Containers, " and "), nil
	}) {
		s.n.say("set-up failed: the logs are in %s", r.procs.logDir)
		s.n.skipAll("set-up failed")
	}
	s.tell(ctx)
	if s.n.skip == "" {
		s.underruns = s.audioUnderruns(ctx)
	}
	for _, o := range s.ofono {
		o.Stop()
	}
	s.n.say("stopping everything")
	if err := r.stop(); err != nil && s.n.skip == "" {
		s.n.step(ctx, "the mix is recorded", func() (string, error) { return "", err })
	}
	s.analyse(ctx)
	steps = s.n.steps
	if f, ferr := os.Create(filepath.Join(cfg.OutDir, "summary.txt")); ferr == nil {
		WriteSummary(f, steps)
		f.Close()
	}
	if ctx.Err() != nil {
		return steps, fmt.Errorf("%w (%v): everything it started is stopped", ErrInterrupted, context.Cause(ctx))
	}
	return steps, nil
}

func (s *story) setUp(ctx context.Context) error {
	n := s.n
	n.say("starting audioproxyd, rilproxyd with the mock modem, inputproxyd and droidplexd (logs in %s)", s.procs.logDir)
	if err := s.startAudio(ctx, n); err != nil {
		return err
	}
	if err := s.startTelephony(ctx); err != nil {
		return err
	}
	if err := s.startInput(ctx); err != nil {
		return err
	}
	if err := s.startManager(ctx); err != nil {
		return err
	}
	s.modem = modemapi.NewClient(s.modemSocket())
	s.ctl = client.New(s.droidplexdSocket())
	go s.ctl.Follow(ctx, nil, func(ev wire.Event) {
		if ev.CallState != nil {
			s.mu.Lock()
			s.calls = append(s.calls, *ev.CallState)
			s.mu.Unlock()
		}
	})
	n.say("droidplex autostart started %s as stand-in Android containers", strings.Join(Containers, " and "))
	for _, name := range Containers {
		bus := s.path(name, busSocketName)
		if err := waitSocket(ctx, "unix", bus, 20*time.Second); err != nil {
			return fmt.Errorf("%s's system bus: %w", name, err)
		}
		actx, cancel := context.WithTimeout(ctx, 20*time.Second)
		o, err := ofonotest.Attach(actx, name, "unix:path="+bus)
		cancel()
		if err != nil {
			return err
		}
		s.ofono[name] = o
	}
	for _, name := range Containers {
		o := s.ofono[name]
		actx, cancel := context.WithTimeout(ctx, 30*time.Second)
		err := errors.Join(o.WaitPowered(actx), o.SetOnline(actx, true))
		cancel()
		if err != nil {
			return fmt.Errorf("%s's oFono did not come online through rilproxyd: %w", name, err)
		}
		n.say("%s: oFono is powered and online through rilproxyd", name)
	}
	return nil
}

// within runs fn with a timeout.
func within(ctx context.Context, d time.Duration, fn func(ctx context.Context) error) error {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	return fn(ctx)
}

// owner returns the container droidplexd was told owns a call in state.
func (s *story) owner(ctx context.Context, state string) (string, error) {
	var got string
	err := waitFor(ctx, 5*time.Second, "call-state event "+state, func() (bool, error) {
		s.mu.Lock()
		defer s.mu.Unlock()
		for i := len(s.calls) - 1; i >= 0; i-- {
			if s.calls[i].State == state {
				got = s.calls[i].Container
				return true, nil
			}
		}
		return false, nil
	})
	return got, err
}

// clearCalls forgets the call-state events seen so far.
func (s *story) clearCalls() {
	s.mu.Lock()
	s.calls = nil
	s.mu.Unlock()
}

func hasState(state string) func([]ofonotest.CallInfo) bool {
	return func(cs []ofonotest.CallInfo) bool {
		return slices.ContainsFunc(cs, func(c ofonotest.CallInfo) bool { return c.State == state })
	}
}

func none(cs []ofonotest.CallInfo) bool { return len(cs) == 0 }

// noCallsIn checks that a container sees no call at all.
func (s *story) noCallsIn(ctx context.Context, name string) error {
	cs, err := s.ofono[name].Calls(ctx)
	if err != nil {
		return err
	}
	if len(cs) > 0 {
		return fmt.Errorf("%s sees %d call(s) it does not own: %+v", name, len(cs), cs)
	}
	return nil
}

// audioUnderruns returns the underruns audioproxyd counted.
func (s *story) audioUnderruns(ctx context.Context) uint64 {
	var st awire.Status
	if err := ctlhttp.Do(ctx, ctlhttp.NewClient(s.audioSocket()), "GET", "/v1/status", nil, &st); err != nil {
		return 0
	}
	var n uint64
	for _, c := range st.Containers {
		n += c.Underruns
	}
	return n
}

// audioStreams returns how many output streams each container has open.
func (s *story) audioStreams(ctx context.Context) (map[string]int, error) {
	var st awire.Status
	if err := ctlhttp.Do(ctx, ctlhttp.NewClient(s.audioSocket()), "GET", "/v1/status", nil, &st); err != nil {
		return nil, err
	}
	out := map[string]int{}
	for _, c := range st.Containers {
		for _, x := range c.Streams {
			if x.Direction == "output" {
				out[c.Name]++
			}
		}
	}
	return out, nil
}

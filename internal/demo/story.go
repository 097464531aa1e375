package demo

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	awire "droidplex/audioproxy/wire"
	"droidplex/container/client"
	"droidplex/container/wire"
	"droidplex/internal/ctlhttp"
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

// Run runs the whole story and returns its steps; it returns an error only
// when the demo could not be set up at all. A failed step is in the steps.
func Run(ctx context.Context, cfg Config) ([]Step, error) {
	if cfg.Tones == nil {
		cfg.Tones = DefaultTones
	}
	if err := os.MkdirAll(filepath.Join(cfg.OutDir, "logs"), 0o755); err != nil {
		return nil, err
	}
	work, err := os.MkdirTemp("/tmp", "dpx-demo-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(work)
	r := &rig{cfg: cfg, work: work, run: filepath.Join(work, "run")}
	r.procs.logDir = filepath.Join(cfg.OutDir, "logs")
	if err := os.MkdirAll(r.run, 0o755); err != nil {
		return nil, err
	}
	s := &story{rig: r, n: newNarrator(cfg.Output), ofono: map[string]*ofonotest.Instance{}}
	defer r.stop()
	if err := s.setUp(ctx); err != nil {
		return s.n.steps, fmt.Errorf("set-up: %w (logs in %s)", err, r.procs.logDir)
	}
	s.tell(ctx)
	s.underruns = s.audioUnderruns(ctx)
	for _, o := range s.ofono {
		o.Stop()
	}
	s.n.say("stopping everything")
	if err := r.stop(); err != nil {
		s.n.step("the mix is recorded", func() (string, error) { return "", err })
	}
	s.analyse()
	return s.n.steps, nil
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
func (s *story) owner(state string) (string, error) {
	var got string
	err := waitFor(context.Background(), 5*time.Second, "call-state event "+state, func() (bool, error) {
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

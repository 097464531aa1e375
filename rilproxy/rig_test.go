package rilproxy

import (
	"context"
	"io"
	"net"
	"path/filepath"
	"testing"
	"time"

	"droidplex/internal/testutil"
	"droidplex/rilproxy/parcel"
	"droidplex/rilproxy/policy"
	"droidplex/rilproxy/rilproxytest"
)

// rig is a Mux serving unix sockets in a runtime directory, in front of a
// scripted modem.
type rig struct {
	t     *testing.T
	m     *Mux
	modem *rilproxytest.Modem
	dir   string
	done  chan error
	stop  context.CancelFunc
}

func startRig(t *testing.T, cfg Config, modem *rilproxytest.Modem) *rig {
	t.Helper()
	return startRigWith(t, cfg, modem, nil)
}

// startRigWith is startRig with each container's listener passed through
// wrap (nil: as it is).
func startRigWith(t *testing.T, cfg Config, modem *rilproxytest.Modem, wrap func(net.Listener) net.Listener) *rig {
	t.Helper()
	if cfg.Policy.Containers == nil {
		cfg.Policy.Containers = []string{"personal", "work"}
	}
	m, err := New(cfg, testutil.Logger(t))
	if err != nil {
		t.Fatal(err)
	}
	dir := testutil.RuntimeDir(t)
	ml, err := net.Listen("unix", filepath.Join(dir, "modem"))
	if err != nil {
		t.Fatal(err)
	}
	modemDone := make(chan struct{})
	go func() { // every connection the Mux dials is served by the same modem
		defer close(modemDone)
		for {
			c, err := ml.Accept()
			if err != nil {
				return
			}
			modem.Serve(c)
			c.Close()
		}
	}()
	dial := func(context.Context) (io.ReadWriteCloser, error) {
		return net.Dial("unix", filepath.Join(dir, "modem"))
	}
	ls := map[string]net.Listener{}
	for _, name := range m.cfg.Policy.Containers {
		l, err := net.Listen("unix", filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if wrap != nil {
			l = wrap(l)
		}
		ls[name] = l
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &rig{t: t, m: m, modem: modem, dir: dir, done: make(chan error, 1), stop: cancel}
	go func() { r.done <- m.Serve(ctx, dial, ls) }()
	t.Cleanup(func() {
		cancel()
		<-r.done
		ml.Close()
		<-modemDone
	})
	return r
}

// dial connects a simulated container and reads its greeting.
func (r *rig) dial(name string) *rilproxytest.Client {
	r.t.Helper()
	return r.dialPath(filepath.Join(r.dir, name))
}

func (r *rig) dialPath(path string) *rilproxytest.Client {
	r.t.Helper()
	c, err := rilproxytest.Dial(path)
	if err != nil {
		r.t.Fatal(err)
	}
	r.t.Cleanup(func() { c.Close() })
	for _, want := range []parcel.UnsolID{parcel.UnsolRilConnected, parcel.UnsolRadioStateChanged} {
		u, err := c.Unsol(5 * time.Second)
		if err != nil || u.Unsol != want {
			r.t.Fatalf("%s greeting: got %v (%v), want %v", path, u.Unsol, err, want)
		}
	}
	return c
}

func do(t *testing.T, c *rilproxytest.Client, id parcel.ReqID, payload []byte) rilproxytest.Message {
	t.Helper()
	m, err := c.Do(id, payload)
	if err != nil {
		t.Fatal(err)
	}
	if m.Type != parcel.Solicited {
		t.Fatalf("%v: reply of type %d", id, m.Type)
	}
	return m
}

func wantErr(t *testing.T, m rilproxytest.Message, e parcel.Errno) {
	t.Helper()
	if m.Error != e {
		t.Fatalf("error %d, want %d", m.Error, e)
	}
}

// waitFor polls cond (for effects that reach the modem asynchronously).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for i := 0; i < 500; i++ {
		if cond() {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s", what)
}

func cfgWith(f func(*policy.Config)) Config {
	c := Config{Policy: policy.Config{Containers: []string{"personal", "work"}}}
	f(&c.Policy)
	return c
}

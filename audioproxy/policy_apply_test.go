package audioproxy

import (
	"context"
	"fmt"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"droidplex/audioproxy/audioproxytest"
	"droidplex/audioproxy/policy"
	"droidplex/audioproxy/wire"
	"droidplex/container/api"
	"droidplex/container/client"
	"droidplex/container/events"
	cwire "droidplex/container/wire"
	"droidplex/internal/ctlhttp"
	"droidplex/internal/testutil"
)

// startDroidplexd serves a real droidplexd API (container/api) on a unix
// socket and returns a client of it and the daemon's event hub (where its
// container manager publishes); everything stops when the test ends.
func startDroidplexd(t *testing.T) (*client.Client, *events.Hub) {
	t.Helper()
	c, hub, _ := startDroidplexdAt(t)
	return c, hub
}

// startDroidplexdAt is startDroidplexd that also returns the socket path.
func startDroidplexdAt(t *testing.T) (*client.Client, *events.Hub, string) {
	t.Helper()
	path := filepath.Join(testutil.RuntimeDir(t), "droidplexd.sock")
	l, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	srv := api.New(events.NewHub())
	srv.SetReady(true)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { ctlhttp.Serve(ctx, l, srv.Handler(nil)) })
	t.Cleanup(func() { cancel(); wg.Wait() })
	return client.New(path), srv.Hub, path
}

// state renders what the policy applied to the streams, as one line:
// "in-call earpiece | a/media 0.2 | b/voice 1 | a/in - | b/in mic | capture".
func state(p *Policy, streams []*Stream) string {
	d := p.Decision()
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s", d.Mode, d.Route)
	for _, s := range streams {
		if s.Direction() == wire.Input {
			m := "-"
			if s.Microphone() {
				m = "mic"
			}
			fmt.Fprintf(&b, " | %s/in %s", s.Container().Name(), m)
			continue
		}
		fmt.Fprintf(&b, " | %s/%s %g", s.Container().Name(), s.Usage(), s.PolicyGain())
	}
	if open, _ := p.capt.Status(); open {
		b.WriteString(" | capture")
	}
	return b.String()
}

// waitState waits until the applied state is want: the events travel
// through droidplexd's stream asynchronously. It fails after a generous
// deadline rather than hanging.
func waitState(t *testing.T, p *Policy, streams []*Stream, want string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		got := state(p, streams)
		if got == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("state\n got %s\nwant %s", got, want)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestCallStateFromDroidplexdDrivesRouteAndGains drives call state and the
// foreground through a real droidplexd API with the control-plane client,
// as rilproxyd and the container manager do, and checks that the route,
// the gains and the microphone follow.
func TestCallStateFromDroidplexdDrivesRouteAndGains(t *testing.T) {
	dpx, hub := startDroidplexd(t)
	e := newTestEngine(t, 4)
	mic := &fakeMic{}
	p := NewPolicy(e, NewCapture(e, mic.open), testutil.Logger(t))
	var streams []*Stream
	var w audioproxytest.Waker
	for _, x := range []struct {
		c   string
		dir wire.Direction
		u   wire.Usage
	}{{"a", wire.Output, wire.UsageMedia}, {"b", wire.Output, wire.UsageVoice}, {"a", wire.Input, wire.UsageMedia}, {"b", wire.Input, wire.UsageVoice}} {
		s, err := e.Attach(e.Container(x.c), audioproxytest.NewRing(t, geo()), x.dir, x.u, &w)
		if err != nil {
			t.Fatal(err)
		}
		streams = append(streams, s)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { p.Follow(ctx, dpx) })
	defer func() { cancel(); wg.Wait(); p.capt.Set(false) }()

	bg := context.Background()
	if err := dpx.SetForeground(bg, "a"); err != nil {
		t.Fatal(err)
	}
	waitState(t, p, streams, "normal speaker | a/media 1 | b/voice 1 | a/in mic | b/in - | capture")

	call := func(state string) {
		t.Helper()
		ev := cwire.Event{Type: cwire.EventCallState, CallState: &cwire.CallState{Container: "b", Index: 1, State: state, Direction: "mt", Number: "+15551234"}}
		if _, err := dpx.Publish(bg, ev); err != nil {
			t.Fatal(err)
		}
	}
	call(cwire.CallIncoming)
	waitState(t, p, streams, "ringtone speaker | a/media 0.2 | b/voice 1 | a/in mic | b/in - | capture")
	call(cwire.CallActive)
	waitState(t, p, streams, "in-call earpiece | a/media 0.2 | b/voice 1 | a/in - | b/in mic | capture")

	p.SetRoute("b", policy.RouteSpeaker) // b's shim asked for the speakerphone
	waitState(t, p, streams, "in-call speaker | a/media 0.2 | b/voice 1 | a/in - | b/in mic | capture")
	p.SetAccessories(true, false)
	waitState(t, p, streams, "in-call headset | a/media 0.2 | b/voice 1 | a/in - | b/in mic | capture")
	p.SetAccessories(false, false)
	p.SetRoute("b", "")

	call(cwire.CallEnded)
	waitState(t, p, streams, "normal speaker | a/media 1 | b/voice 1 | a/in mic | b/in - | capture")

	// A container that dies loses its call, and its capture stream gets nothing.
	call(cwire.CallActive)
	waitState(t, p, streams, "in-call earpiece | a/media 0.2 | b/voice 1 | a/in - | b/in mic | capture")
	hub.Publish(cwire.Event{Type: cwire.EventContainerState, // as droidplexd's container manager does
		ContainerState: &cwire.ContainerState{Container: "b", State: cwire.StateStopped}})
	waitState(t, p, streams, "normal speaker | a/media 1 | b/voice 1 | a/in mic | b/in - | capture")

	// The background's recording never opens the device on its own.
	if err := dpx.SetForeground(bg, "b"); err != nil {
		t.Fatal(err)
	}
	waitState(t, p, streams, "normal speaker | a/media 1 | b/voice 1 | a/in - | b/in mic | capture")
	e.Detach(streams[3])
	waitState(t, p, streams[:3], "normal speaker | a/media 1 | b/voice 1 | a/in -")
	if got, want := mic.transcript(), "open 48000/2; start; stop; close"; got != want {
		t.Fatalf("capture transcript %q, want %q", got, want)
	}
}

// TestPolicyUnderConcurrentChange attaches and detaches streams while
// events, routes and accessories change from other goroutines (run it with
// -race), then checks that the final decision is the one the final state
// calls for.
func TestPolicyUnderConcurrentChange(t *testing.T) {
	e := newTestEngine(t, 64)
	for _, n := range []string{"a", "b", "c"} {
		e.Container(n)
	}
	mic := &fakeMic{}
	p := NewPolicy(e, NewCapture(e, mic.open), nil)
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			var w audioproxytest.Waker
			for i := range 50 {
				dir := wire.Output
				if (g+i)%2 == 1 {
					dir = wire.Input
				}
				s, err := e.Attach(e.Container(string(rune('a'+(g+i)%3))), audioproxytest.NewRing(t, geo()), dir, wire.UsageMedia, &w)
				if err != nil {
					t.Error(err)
					return
				}
				e.Detach(s)
			}
		})
	}
	wg.Go(func() {
		for i := range 200 {
			n := string(rune('a' + i%3))
			p.Event(cwire.Event{Type: cwire.EventForeground, Foreground: &cwire.Foreground{Container: n}})
			p.Event(cwire.Event{Type: cwire.EventCallState, CallState: &cwire.CallState{Container: n, Index: 1, State: cwire.CallActive}})
			p.Event(cwire.Event{Type: cwire.EventCallState, CallState: &cwire.CallState{Container: n, Index: 1, State: cwire.CallEnded}})
			p.SetRoute(n, policy.RouteEarpiece)
			p.SetAccessories(i%2 == 0, false)
		}
	})
	buf := make([]byte, 240*4)
	stop := make(chan struct{})
	var dev sync.WaitGroup
	dev.Go(func() { // the device keeps calling back meanwhile
		for {
			select {
			case <-stop:
				return
			default:
				e.Process(buf, 240)
			}
		}
	})
	wg.Wait()
	close(stop)
	dev.Wait()
	var w audioproxytest.Waker
	in, err := e.Attach(e.Container("b"), audioproxytest.NewRing(t, geo()), wire.Input, wire.UsageVoice, &w) // b: the last foreground
	if err != nil {
		t.Fatal(err)
	}
	if d := p.Decision(); d.Mode != policy.ModeNormal || d.Route != policy.RouteEarpiece || len(d.Streams) != 1 ||
		!d.Streams[0].Mic || !in.Microphone() {
		t.Fatalf("final decision %+v, stream mic %v", d, in.Microphone())
	}
	e.Detach(in)
	if open, _ := p.capt.Status(); open {
		t.Fatal("capture device left open")
	}
}

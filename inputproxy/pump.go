package inputproxy

import (
	"errors"
	"os"
	"sync/atomic"
	"time"

	"droidplex/inputproxy/route"
)

// readEvents is how many records one read takes at most.
const readEvents = 64

// pump owns one device: its Source (nil for a virtual device), its routing
// state and its clones. Only the pump goroutine touches these fields; other
// goroutines hand it closures through ctl.
type pump struct {
	path   string
	caps   route.Caps
	src    Source
	dev    *route.Device
	clones map[string]Sink // container → clone
	fg     Sink            // the foreground container's clone, or nil
	fgName string

	ctl    chan func(*pump)
	done   chan struct{} // closed when the pump goroutine ends
	chord  func()        // called (non-blocking) when the chord completes
	errors *atomic.Uint64

	rbuf []byte
	have int
	wbuf []byte
	snap route.State
}

func newPump(path string, caps route.Caps, src Source, chord *route.Chord, onChord func(), errs *atomic.Uint64) *pump {
	return &pump{
		path: path, caps: caps, src: src,
		dev:    route.NewDevice(caps.MT(), chord),
		clones: map[string]Sink{},
		ctl:    make(chan func(*pump), 16),
		done:   make(chan struct{}),
		chord:  onChord,
		errors: errs,
		rbuf:   make([]byte, readEvents*route.EventSize),
		wbuf:   make([]byte, 0, 4*route.MaxFrame*route.EventSize),
	}
}

// do runs fn on the pump goroutine and waits for it. It reports false if
// the pump has ended.
func (p *pump) do(fn func(*pump)) bool {
	ran := make(chan struct{})
	select {
	case p.ctl <- func(p *pump) { fn(p); close(ran) }:
	case <-p.done:
		return false
	}
	if p.src != nil {
		_ = p.src.SetReadDeadline(time.Now())
	}
	select {
	case <-ran:
		return true
	case <-p.done:
		return false
	}
}

// run is the pump goroutine. It returns when the source fails (the device
// went away or was closed) or, for a virtual device, when stop is closed.
func (p *pump) run(stop <-chan struct{}) error {
	defer close(p.done)
	if p.src == nil {
		for {
			select {
			case fn := <-p.ctl:
				fn(p)
			case <-stop:
				return nil
			}
		}
	}
	for {
		n, err := p.src.Read(p.rbuf[p.have:])
		if err != nil {
			if errors.Is(err, os.ErrDeadlineExceeded) {
				_ = p.src.SetReadDeadline(time.Time{})
				p.drain()
				continue
			}
			return err
		}
		p.route(n)
		p.drain()
	}
}

func (p *pump) drain() {
	for {
		select {
		case fn := <-p.ctl:
			fn(p)
		default:
			return
		}
	}
}

// route handles n new bytes in rbuf: every whole record goes through the
// routing core; a partial record is kept for the next read.
func (p *pump) route(n int) {
	b := p.rbuf[:p.have+n]
	for len(b) >= route.EventSize {
		e, _ := route.Decode(b)
		b = b[route.EventSize:]
		res := p.dev.Feed(e)
		if res&route.Forward != 0 {
			p.write(p.fg, p.dev.Out())
		}
		if res&route.NeedSync != 0 {
			if err := p.src.Snapshot(&p.snap); err == nil {
				p.write(p.fg, p.dev.Sync(&p.snap))
			} else {
				p.errors.Add(1)
			}
		}
		if res&route.Switch != 0 && p.chord != nil {
			p.chord()
		}
	}
	p.have = copy(p.rbuf, b)
}

func (p *pump) write(s Sink, evs []route.Event) {
	if s == nil || len(evs) == 0 {
		return
	}
	p.wbuf = route.AppendEncode(p.wbuf[:0], evs...)
	if _, err := s.Write(p.wbuf); err != nil {
		p.errors.Add(1)
	}
}

// setForeground releases everything the old clone holds, then makes
// container's clone (if any) the target.
func (p *pump) setForeground(container string) {
	if container == p.fgName {
		return
	}
	rel := p.dev.Release()
	p.write(p.fg, rel)
	p.fgName = container
	p.fg = p.clones[container]
}

// addClone adopts s as container's clone. A new foreground clone has been
// sent nothing (what the device reported while there was none went nowhere).
func (p *pump) addClone(container string, s Sink) {
	p.clones[container] = s
	if container == p.fgName && p.fg != s {
		p.dev.NewTarget()
		p.fg = s
	}
}

// removeClone forgets container's clone and returns it (nil if none). The
// foreground clone is first released; the foreground stays container's,
// so a clone it is given again (it restarts) gets the input at once.
func (p *pump) removeClone(container string) Sink {
	s := p.clones[container]
	delete(p.clones, container)
	if container == p.fgName {
		p.write(p.fg, p.dev.Release())
		p.fg = nil
	}
	return s
}

// inject writes one injected frame to container's clone.
func (p *pump) inject(container string, frame []route.Event) error {
	s := p.clones[container]
	if s == nil {
		return errNoClone
	}
	evs := p.dev.Inject(frame, container == p.fgName)
	p.wbuf = route.AppendEncode(p.wbuf[:0], evs...)
	_, err := s.Write(p.wbuf)
	return err
}

var errNoClone = errors.New("no clone in that container")

package inputproxy

import (
	"fmt"
	"strings"
	"sync"

	"droidplex/inputproxy/route"
)

// recordKeep is how many frames a Recorder keeps per container.
const recordKeep = 1000

// Recorder is a Backend whose clones record what they are sent instead of
// creating uinput devices: kernel-less hosts (no /dev/uinput) still route,
// inject and show the result. Real devices come from the wrapped Backend.
type Recorder struct {
	Backend
	mu   sync.Mutex
	logs map[string][]string
}

// NewRecorder wraps b (which opens and watches real devices).
func NewRecorder(b Backend) *Recorder {
	return &Recorder{Backend: b, logs: map[string][]string{}}
}

// Clone returns a recording clone.
func (r *Recorder) Clone(container string, caps route.Caps) (Sink, error) {
	return &recSink{r: r, container: container, name: caps.Name}, nil
}

// Log returns the frames container's clones were sent, oldest first.
func (r *Recorder) Log(container string) []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.logs[container]...)
}

func (r *Recorder) add(container, line string) {
	r.mu.Lock()
	l := append(r.logs[container], line)
	if len(l) > recordKeep {
		l = append(l[:0], l[len(l)-recordKeep:]...)
	}
	r.logs[container] = l
	r.mu.Unlock()
}

type recSink struct {
	r               *Recorder
	container, name string
}

func (s *recSink) Write(p []byte) (int, error) {
	var frame []route.Event
	for b := p; len(b) >= route.EventSize; b = b[route.EventSize:] {
		e, _ := route.Decode(b)
		frame = append(frame, e)
		if e == route.Syn {
			s.r.add(s.container, fmt.Sprintf("%s: %s", s.name, strings.TrimSuffix(route.Transcript(frame), "\n")))
			frame = frame[:0]
		}
	}
	return len(p), nil
}

func (s *recSink) Node() Node   { return Node{} }
func (s *recSink) Close() error { return nil }

package audioproxy

import (
	"fmt"
	"log/slog"
	"time"

	"droidplex/audioproxy/wire"
)

// A container whose client tampers with its stream's shared eventfd
// (clears O_NONBLOCK, so that the device callback's wake-up could block)
// loses that stream (Wake, the watchdog) and is refused new streams for
// defaultBan, twice as long at each further offence, up to maxBan. Without
// the refusal it could try again and again to win the race between the
// callback's flag check and its write, and each win stalls every
// container's sound until the watchdog frees the callback. A client that
// does not tamper is never refused: nothing else marks a stream tampered.
const (
	defaultBan = 10 * time.Second
	maxBan     = 5 * time.Minute
)

// ban is a container's refusal: until when, and how long the next lasts.
type ban struct {
	until time.Time
	next  time.Duration
}

// penalize refuses c's new streams after one of its streams tampered.
func (s *Server) penalize(c *Container, log *slog.Logger) {
	s.mu.Lock()
	b, ok := s.bans[c]
	if !ok {
		b.next = s.banFor
	}
	d := b.next
	b.until, b.next = time.Now().Add(d), min(2*d, maxBan)
	s.bans[c] = b
	s.mu.Unlock()
	log.Warn("stream tampered with its eventfd; refusing the container's new streams", "for", d)
}

// refusal says why c may not open a stream now, or nil.
func (s *Server) refusal(c *Container) error {
	s.mu.Lock()
	b := s.bans[c]
	s.mu.Unlock()
	if left := time.Until(b.until); left > 0 {
		return fmt.Errorf("%w: a stream of this container tampered with its eventfd; new streams are refused for %v more",
			wire.ErrLimit, left.Round(time.Millisecond))
	}
	return nil
}

package policy

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Ring modes for incoming calls.
const (
	// RingForeground rings the foreground container (the default).
	RingForeground = "foreground"
	// RingAll rings every connected container; the first ANSWER wins, and a
	// container that declines stops only its own ringing.
	RingAll = "all"
)

// Config holds the configurable defaults of the telephony policies.
type Config struct {
	// Containers are the container names, in a fixed order.
	Containers []string
	// Owner may change shared-modem settings (OwnerOnly requests) and gets
	// Owner indications. Default: the first container.
	Owner string
	// Ring is RingForeground, RingAll, or a container name.
	Ring string
	// SMSTarget is "foreground" (default) or a container name.
	SMSTarget string
	// ConcurrentCalls lets a container dial while another has a call.
	ConcurrentCalls bool
}

// ErrConfig is wrapped by every configuration error.
var ErrConfig = errors.New("invalid telephony policy")

// WithDefaults fills in the defaults and validates c.
func (c Config) WithDefaults() (Config, error) {
	if len(c.Containers) == 0 {
		return c, fmt.Errorf("%w: no containers", ErrConfig)
	}
	for i, n := range c.Containers {
		if n == "" || strings.ContainsAny(n, "/\x00") || n == "." || n == ".." {
			return c, fmt.Errorf("%w: container name %q", ErrConfig, n)
		}
		if slices.Contains(c.Containers[:i], n) {
			return c, fmt.Errorf("%w: container %q listed twice", ErrConfig, n)
		}
	}
	if c.Owner == "" {
		c.Owner = c.Containers[0]
	}
	if c.Ring == "" {
		c.Ring = RingForeground
	}
	if c.SMSTarget == "" {
		c.SMSTarget = RingForeground
	}
	if !slices.Contains(c.Containers, c.Owner) {
		return c, fmt.Errorf("%w: owner %q is not a container", ErrConfig, c.Owner)
	}
	if c.Ring != RingForeground && c.Ring != RingAll && !slices.Contains(c.Containers, c.Ring) {
		return c, fmt.Errorf("%w: ring %q is neither %q, %q nor a container", ErrConfig, c.Ring, RingForeground, RingAll)
	}
	if c.SMSTarget != RingForeground && !slices.Contains(c.Containers, c.SMSTarget) {
		return c, fmt.Errorf("%w: SMS target %q is neither %q nor a container", ErrConfig, c.SMSTarget, RingForeground)
	}
	return c, nil
}

// RadioOn is the radio power the modem should have: on if any container
// that has expressed a wish wants it on. wants[i] is 1 (on), 0 (off) or -1
// (no wish, or not connected).
func RadioOn(wants []int8) bool {
	for _, w := range wants {
		if w == 1 {
			return true
		}
	}
	return false
}

// ScreenOn is the screen state the modem should have: the foreground
// container's, if it has told one; otherwise on if any container's screen is
// on. screens[i] is 1, 0 or -1 (unknown); fg is the foreground's index or -1.
func ScreenOn(screens []int8, fg int) (on, known bool) {
	if fg >= 0 && fg < len(screens) && screens[fg] >= 0 {
		return screens[fg] == 1, true
	}
	for _, s := range screens {
		if s >= 0 {
			known = true
		}
		if s == 1 {
			return true, true
		}
	}
	return false, known
}

// pick resolves "foreground" or a container name to a connected container:
// the foreground if connected, else the named one if connected, else the
// first connected container in configuration order (so a call or an SMS is
// never lost while someone can take it). "" when nobody is connected.
func pick(c Config, mode, fg string, connected func(string) bool) string {
	want := fg
	if mode != RingForeground && mode != RingAll {
		want = mode
	}
	if want != "" && connected(want) {
		return want
	}
	for _, n := range c.Containers {
		if connected(n) {
			return n
		}
	}
	return ""
}

// RingTargets returns the containers an incoming call rings in.
func RingTargets(c Config, fg string, connected func(string) bool) []string {
	if c.Ring == RingAll {
		var out []string
		for _, n := range c.Containers {
			if connected(n) {
				out = append(out, n)
			}
		}
		return out
	}
	if t := pick(c, c.Ring, fg, connected); t != "" {
		return []string{t}
	}
	return nil
}

// SMSTarget returns the container an incoming SMS goes to, "" if none is
// connected (the proxy then refuses it upstream so the network retries).
func SMSTarget(c Config, fg string, connected func(string) bool) string {
	return pick(c, c.SMSTarget, fg, connected)
}

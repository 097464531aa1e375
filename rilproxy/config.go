package rilproxy

import (
	"fmt"
	"io/fs"
	"time"

	"droidplex/rilproxy/policy"
)

// Config configures a Mux.
type Config struct {
	// Policy holds the containers and the telephony policy defaults.
	Policy policy.Config
	// Timeout bounds every forwarded request; a request without a reply by
	// then is answered GENERIC_FAILURE (RADIO_NOT_AVAILABLE when the modem
	// is gone). Default 20 s. A network scan, network selection and data
	// call set-up get at least 3 minutes (real modems take that long).
	Timeout time.Duration
	// MaxInFlight bounds each container's requests in flight (at most 255);
	// over it a request is answered GENERIC_FAILURE at once. Default 64.
	MaxInFlight int
	// QueueLen is how many messages may wait for a slow client before it is
	// disconnected. Default 256.
	QueueLen int
	// RILVersion is announced in RIL_CONNECTED until the modem announced its
	// own. Default 12.
	RILVersion int32
}

func (c Config) withDefaults() (Config, error) {
	var err error
	if c.Policy, err = c.Policy.WithDefaults(); err != nil {
		return c, err
	}
	if len(c.Policy.Containers) > maxContainers {
		return c, fmt.Errorf("%w: %d containers, at most %d", policy.ErrConfig, len(c.Policy.Containers), maxContainers)
	}
	if c.Timeout <= 0 {
		c.Timeout = 20 * time.Second
	}
	if c.MaxInFlight <= 0 {
		c.MaxInFlight = 64
	}
	c.MaxInFlight = min(c.MaxInFlight, maxSlots)
	if c.QueueLen <= 0 {
		c.QueueLen = 256
	}
	if c.RILVersion == 0 {
		c.RILVersion = 12
	}
	return c, nil
}

// SocketOptions says how a container's rild socket file is created.
type SocketOptions struct {
	// Mode of the socket file; default 0660.
	Mode fs.FileMode
	// UID and GID own the socket file; libril's clients connect as the
	// radio user (1001), which is the default. -1 leaves an id unchanged.
	UID, GID int
}

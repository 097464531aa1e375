// Package client is the Go client of droidplexd's control-plane API, used by
// the proxies (to follow foreground changes and publish call state) and by
// the droidplex CLI.
package client

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	"droidplex/container/wire"
	"droidplex/internal/ctlhttp"
)

// Client talks to droidplexd over its unix socket.
type Client struct {
	http *http.Client
	// stream has no timeout: the event stream is long-lived.
	stream *http.Client
	path   string
}

// New returns a client for the socket at path (wire.DefaultSocket if "").
func New(path string) *Client {
	if path == "" {
		path = wire.DefaultSocket
	}
	c := ctlhttp.NewClient(path)
	c.Timeout = 10 * time.Second
	return &Client{http: c, stream: ctlhttp.NewClient(path), path: path}
}

// HTTP returns the client's HTTP client, for routes other packages add.
// Its requests time out after 10 s, which a container's start or stop can
// outlast (a stop waits up to droidplexd's --stop-timeout): bound such
// calls by a context on a client without a timeout instead
// (ctlhttp.NewClient), as the droidplex CLI does.
func (c *Client) HTTP() *http.Client { return c.http }

// Status returns droidplexd's status.
func (c *Client) Status(ctx context.Context) (wire.Status, error) {
	var st wire.Status
	err := ctlhttp.Do(ctx, c.http, http.MethodGet, "/v1/status", nil, &st)
	return st, err
}

// Foreground returns the foreground container.
func (c *Client) Foreground(ctx context.Context) (string, error) {
	var fg wire.SetForeground
	err := ctlhttp.Do(ctx, c.http, http.MethodGet, "/v1/foreground", nil, &fg)
	return fg.Container, err
}

// SetForeground switches the foreground container.
func (c *Client) SetForeground(ctx context.Context, name string) error {
	return ctlhttp.Do(ctx, c.http, http.MethodPut, "/v1/foreground", wire.SetForeground{Container: name}, nil)
}

// Publish posts an event (proxies may post call-state events).
func (c *Client) Publish(ctx context.Context, ev wire.Event) (wire.Event, error) {
	var out wire.Event
	err := ctlhttp.Do(ctx, c.http, http.MethodPost, "/v1/events", ev, &out)
	return out, err
}

// Stream is an open event stream.
type Stream struct {
	body io.ReadCloser
	dec  *json.Decoder
}

// Events opens the event stream. It starts from a snapshot: the current
// foreground, if there is one, then a container-state event per container.
func (c *Client) Events(ctx context.Context) (*Stream, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://unix/v1/events", nil)
	if err != nil {
		return nil, err
	}
	resp, err := c.stream.Do(req)
	if err != nil {
		return nil, fmt.Errorf("subscribe to %s: %w", c.path, err)
	}
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		return nil, fmt.Errorf("subscribe to %s: HTTP %d", c.path, resp.StatusCode)
	}
	return &Stream{body: resp.Body, dec: json.NewDecoder(bufio.NewReader(resp.Body))}, nil
}

// Next returns the next event; io.EOF when the server ended the stream.
func (s *Stream) Next() (wire.Event, error) {
	var ev wire.Event
	err := s.dec.Decode(&ev)
	return ev, err
}

// Close ends the stream.
func (s *Stream) Close() error { return s.body.Close() }

// Follow calls fn for every event until ctx ends, reconnecting with backoff
// (100 ms doubling to 5 s) whenever droidplexd is unreachable or ends the
// stream. fn runs on Follow's goroutine; after a reconnect it first sees the
// snapshot again (the foreground and every container's state). Follow returns ctx.Err().
func (c *Client) Follow(ctx context.Context, log *slog.Logger, fn func(wire.Event)) error {
	backoff := 100 * time.Millisecond
	for {
		st, err := c.Events(ctx)
		if err == nil {
			backoff = 100 * time.Millisecond
			for {
				ev, err := st.Next()
				if err != nil {
					break
				}
				fn(ev)
			}
			st.Close()
		} else if log != nil {
			log.Debug("droidplexd unreachable; keeping defaults", "err", err, "retry", backoff)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, 5*time.Second)
	}
}

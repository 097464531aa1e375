package ctlhttp

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"time"
)

// ErrNoAnswer is a client's error when the server it waits on accepts
// connections but answers nothing, not even a probe.
var ErrNoAnswer = errors.New("ctlhttp: the server accepts connections but does not answer")

// A request whose response has not begun after probeAfter makes the client
// ask the server, on a connection of its own, whether it answers at all,
// and again every probeAfter; a probe not answered within probeTimeout
// ends the request with ErrNoAnswer.
var (
	probeAfter   = 5 * time.Second
	probeTimeout = 10 * time.Second
)

// watchdog is NewClient's transport. There is no response-header timeout:
// some requests legitimately answer only when their work is done (a
// container's stop, up to droidplexd's --stop-timeout; `droidplex modem
// run`, as long as its scenario), so no fixed limit fits. Instead, while a
// request waits for its response's headers, the server is probed: a server
// that answers the probe is alive and the request waits on; one that does
// not (wedged, stopped with its socket open, or not HTTP) is given up on.
// Once the headers are in, the body (an event stream, a recording) has no
// limit but the caller's.
type watchdog struct {
	rt   *http.Transport
	path string
}

// RoundTrip sends req, probing the server while the headers are awaited.
func (w *watchdog) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx, cancel := context.WithCancelCause(req.Context())
	stop := w.watch(ctx, cancel)
	resp, err := w.rt.RoundTrip(req.WithContext(ctx))
	stop()
	if err != nil {
		cause := context.Cause(ctx)
		cancel(nil)
		if errors.Is(cause, ErrNoAnswer) {
			return nil, cause
		}
		return nil, err
	}
	resp.Body = &cancelOnClose{ReadCloser: resp.Body, cancel: cancel}
	return resp, nil
}

// CloseIdleConnections closes the transport's idle connections
// (http.Client.CloseIdleConnections calls it).
func (w *watchdog) CloseIdleConnections() { w.rt.CloseIdleConnections() }

// watch probes the server every probeAfter until stop is called, and
// cancels ctx with ErrNoAnswer when a probe is not answered. Once stop has
// returned, watch never cancels ctx.
func (w *watchdog) watch(ctx context.Context, cancel context.CancelCauseFunc) (stop func()) {
	pctx, pcancel := context.WithCancel(ctx)
	var (
		mu      sync.Mutex
		stopped bool
		wg      sync.WaitGroup
	)
	wg.Go(func() {
		t := time.NewTimer(probeAfter)
		defer t.Stop()
		for {
			select {
			case <-pctx.Done():
				return
			case <-t.C:
			}
			err := probe(pctx, w.path)
			if err == nil {
				t.Reset(probeAfter)
				continue
			}
			mu.Lock()
			if !stopped && ctx.Err() == nil {
				cancel(fmt.Errorf("%w: %s: %w", ErrNoAnswer, w.path, err))
			}
			mu.Unlock()
			return
		}
	})
	return func() {
		mu.Lock()
		stopped = true
		mu.Unlock()
		pcancel()
		wg.Wait()
	}
}

// probe asks the server at path for "OPTIONS *", which net/http's server
// answers by itself, before any handler: any reply within probeTimeout
// shows the server is serving.
func probe(ctx context.Context, path string) error {
	ctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	var d net.Dialer
	c, err := d.DialContext(ctx, "unix", path)
	if err != nil {
		return fmt.Errorf("probe: %w", err)
	}
	defer c.Close()
	defer context.AfterFunc(ctx, func() { _ = c.SetDeadline(time.Now()) })()
	_, err = io.WriteString(c, "OPTIONS * HTTP/1.1\r\nHost: unix\r\nConnection: close\r\n\r\n")
	if err == nil {
		var resp *http.Response
		if resp, err = http.ReadResponse(bufio.NewReader(c), nil); err == nil {
			resp.Body.Close()
			return nil
		}
	}
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("probe: no answer within %v", probeTimeout)
	}
	return fmt.Errorf("probe: %w", err)
}

// cancelOnClose ends the request's context when its body is closed.
type cancelOnClose struct {
	io.ReadCloser
	cancel context.CancelCauseFunc
}

func (b *cancelOnClose) Close() error {
	err := b.ReadCloser.Close()
	b.cancel(nil)
	return err
}

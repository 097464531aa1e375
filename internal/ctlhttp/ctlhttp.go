// Package ctlhttp carries droidplex's control APIs: HTTP with JSON bodies
// over unix sockets, as Docker, LXD and Incus do. Servers use Serve and the
// JSON helpers; clients use NewClient and Do.
package ctlhttp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
	"unicode"
)

// MaxBody is the largest request body a server accepts.
const MaxBody = 1 << 20

// IdleTimeout is how long a server keeps a connection open between requests.
const IdleTimeout = time.Minute

// bodyTimeout is how long a server waits for a request's whole body.
var bodyTimeout = 10 * time.Second

// Serve serves h on l until ctx ends, then shuts down gracefully (in-flight
// requests get two seconds; streams are cut). It closes l. A client gets
// five seconds to send its headers and ten for its body: one that stalls
// is cut off instead of holding its handler for ever.
func Serve(ctx context.Context, l net.Listener, h http.Handler) error {
	srv := &http.Server{Handler: withBodyDeadline(h), ReadHeaderTimeout: 5 * time.Second, IdleTimeout: IdleTimeout,
		BaseContext: func(net.Listener) context.Context { return ctx }}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(l) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		srv.Close()
	}
	<-errc
	return nil
}

// withBodyDeadline gives a request with a body bodyTimeout to send it all.
// The deadline is lifted once the body has been read to its end, so it
// bounds the body only, never the time a handler takes or streams
// (http.Server's ReadTimeout would stay on the connection for the whole
// request). A request without a body gets no deadline.
func withBodyDeadline(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength != 0 && r.Body != nil && r.Body != http.NoBody {
			rc := http.NewResponseController(w)
			if rc.SetReadDeadline(time.Now().Add(bodyTimeout)) == nil {
				r.Body = &deadlineBody{ReadCloser: r.Body, rc: rc}
			}
		}
		h.ServeHTTP(w, r)
	})
}

// deadlineBody lifts the connection's read deadline at the body's end.
type deadlineBody struct {
	io.ReadCloser
	rc   *http.ResponseController
	done bool
}

func (b *deadlineBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	// Only at the end: after a timeout, the deadline must stay, or the
	// server's discarding of the rest of the body would wait for ever.
	if err == io.EOF && !b.done {
		b.done = true
		_ = b.rc.SetReadDeadline(time.Time{})
	}
	return n, err
}

// NewClient returns an HTTP client whose every request goes to the unix
// socket at path; URLs use the host "unix" (http://unix/v1/status). A
// request still waiting for its response's headers after 5 s probes the
// server, and fails with ErrNoAnswer if the server does not answer even
// that (watchdog); it has no other limit but its context's.
func NewClient(path string) *http.Client {
	tr := &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", path)
		},
		MaxIdleConns:    4,
		IdleConnTimeout: 30 * time.Second,
	}
	return &http.Client{Transport: &watchdog{rt: tr, path: path}}
}

// errorBody is the JSON every API error is sent as.
type errorBody struct {
	Error string `json:"error"`
}

// WriteJSON sends v as JSON with status code.
func WriteJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	if v != nil {
		_ = json.NewEncoder(w).Encode(v)
	}
}

// WriteError sends err as {"error": "..."} with status code.
func WriteError(w http.ResponseWriter, code int, err error) {
	WriteJSON(w, code, errorBody{Error: err.Error()})
}

// DecodeJSON decodes a request body into v, refusing an empty body,
// unknown fields, more than MaxBody bytes and anything after the value.
func DecodeJSON(r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, MaxBody))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		// Only white space may follow: a stray '}' or ']' is an error too
		// (dec.More, which looks for another array element, let them by).
		if _, terr := dec.Token(); terr != io.EOF {
			err = errors.New("trailing data after the JSON value")
			if terr != nil {
				err = terr
			}
		}
	}
	var tooBig *http.MaxBytesError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &tooBig):
		return fmt.Errorf("bad request body: larger than %d bytes", MaxBody)
	case errors.Is(err, io.EOF):
		return errors.New("bad request body: empty")
	}
	return fmt.Errorf("bad request body: %w", err)
}

// StatusError is an API error as a client sees it.
type StatusError struct {
	Code    int
	Message string
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("%s (HTTP %d)", e.Message, e.Code)
}

// Do sends in (if non-nil) as JSON to path with method, and decodes a
// successful response into out (if non-nil). An error response becomes a
// *StatusError carrying the server's message.
func Do(ctx context.Context, c *http.Client, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, "http://unix"+path, body)
	if err != nil {
		return err
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 {
		var eb errorBody
		b, _ := io.ReadAll(io.LimitReader(resp.Body, MaxBody))
		if json.Unmarshal(b, &eb) != nil || eb.Error == "" {
			eb.Error = string(bytes.TrimSpace(b))
		}
		return &StatusError{Code: resp.StatusCode, Message: clip(eb.Error)}
	}
	if out == nil {
		_, _ = io.Copy(io.Discard, resp.Body)
		return nil
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return fmt.Errorf("decode %s %s response: %w", method, path, err)
	}
	return nil
}

// maxMessage is the longest error message Do passes on.
const maxMessage = 1024

// clip makes a server's error text fit for a terminal and a log line:
// valid UTF-8, control characters (an escape sequence's ESC among them)
// shown as '?', at most maxMessage bytes, and a status text if empty.
func clip(s string) string {
	if len(s) > maxMessage {
		s = s[:maxMessage] + "..."
	}
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) && r != '\n' && r != '\t' {
			return '?'
		}
		return r
	}, strings.ToValidUTF8(s, "?"))
	if s == "" {
		return "no error message"
	}
	return s
}

package inputproxy

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"droidplex/inputproxy/route"
	"droidplex/inputproxy/wire"
	"droidplex/internal/ctlhttp"
	"droidplex/internal/version"
	"droidplex/kernel"
)

// maxSwipe bounds a swipe's duration, so a request cannot hold a device's
// injection path for long.
const maxSwipe = 10 * time.Second

// API serves inputproxyd's HTTP API over a Router.
type API struct {
	r     *Router
	chord string
	rec   *Recorder // nil when clones are uinput devices
	reg   *prometheus.Registry
}

// NewAPI returns the API of r; rec is the Recorder r's backend is, if any;
// chord is shown in the status.
func NewAPI(r *Router, rec *Recorder, chord string) *API {
	a := &API{r: r, chord: chord, rec: rec, reg: prometheus.NewRegistry()}
	a.reg.MustRegister(collector{r})
	return a
}

// Handler returns the API's routes (see package wire).
func (a *API) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/status", a.status)
	mux.HandleFunc("PUT /v1/foreground", a.foreground)
	mux.HandleFunc("PUT /v1/containers/{name}", a.addContainer)
	mux.HandleFunc("DELETE /v1/containers/{name}", a.removeContainer)
	mux.HandleFunc("POST /v1/containers/{name}/tap", a.tap)
	mux.HandleFunc("POST /v1/containers/{name}/swipe", a.swipe)
	mux.HandleFunc("POST /v1/containers/{name}/key", a.key)
	mux.HandleFunc("POST /v1/containers/{name}/text", a.text)
	mux.HandleFunc("GET /v1/containers/{name}/log", a.log)
	mux.Handle("GET /metrics", promhttp.HandlerFor(a.reg, promhttp.HandlerOpts{}))
	return mux
}

// WireStatus converts the router's status for the API.
func (a *API) WireStatus() wire.Status {
	st := a.r.Status()
	out := wire.Status{Version: version.String(), Clones: "uinput", Foreground: st.Foreground, Chord: a.chord,
		Containers: st.Containers, WriteErrors: st.WriteErrors, Devices: []wire.Device{}}
	if a.rec != nil {
		out.Clones = "record"
	}
	if out.Containers == nil {
		out.Containers = []string{}
	}
	for _, d := range st.Devices {
		c := d.Caps
		wd := wire.Device{Path: d.Path, Name: c.Name, Bus: c.ID.Bus, Vendor: c.ID.Vendor, Product: c.ID.Product,
			Version: c.ID.Version, Virtual: d.Virtual, Kind: "other", Clones: d.Clones}
		switch {
		case c.Touchscreen():
			wd.Kind = "touchscreen"
			x, y := c.TouchRange()
			wd.X, wd.Y = &wire.Range{Min: x.Minimum, Max: x.Maximum}, &wire.Range{Min: y.Minimum, Max: y.Maximum}
		case c.Keys():
			wd.Kind = "keys"
		}
		out.Devices = append(out.Devices, wd)
	}
	return out
}

func (a *API) status(w http.ResponseWriter, _ *http.Request) {
	ctlhttp.WriteJSON(w, http.StatusOK, a.WireStatus())
}

func (a *API) foreground(w http.ResponseWriter, req *http.Request) {
	var in wire.SetForeground
	if err := ctlhttp.DecodeJSON(req, &in); err != nil {
		ctlhttp.WriteError(w, http.StatusBadRequest, err)
		return
	}
	if in.Container != "" {
		if err := a.r.AddContainer(in.Container); err != nil {
			ctlhttp.WriteError(w, statusOf(err), err)
			return
		}
	}
	a.r.SetForeground(in.Container)
	ctlhttp.WriteJSON(w, http.StatusOK, a.WireStatus())
}

func (a *API) addContainer(w http.ResponseWriter, req *http.Request) {
	name := req.PathValue("name")
	if err := a.r.AddContainer(name); err != nil {
		ctlhttp.WriteError(w, statusOf(err), err)
		return
	}
	out := wire.Container{Name: name, Nodes: []wire.Node{}}
	for _, d := range a.r.Status().Devices {
		// Recording clones have no device node to create.
		if n, ok := d.Clones[name]; ok && n.Path != "" {
			out.Nodes = append(out.Nodes, n)
		}
	}
	ctlhttp.WriteJSON(w, http.StatusOK, out)
}

func (a *API) removeContainer(w http.ResponseWriter, req *http.Request) {
	a.r.RemoveContainer(req.PathValue("name"))
	w.WriteHeader(http.StatusNoContent)
}

// inject decodes a request body into in and runs do.
func inject[T any](w http.ResponseWriter, req *http.Request, do func(ctx context.Context, name string, in T) error) {
	var in T
	if err := ctlhttp.DecodeJSON(req, &in); err != nil {
		ctlhttp.WriteError(w, http.StatusBadRequest, err)
		return
	}
	if err := do(req.Context(), req.PathValue("name"), in); err != nil {
		ctlhttp.WriteError(w, statusOf(err), err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (a *API) tap(w http.ResponseWriter, req *http.Request) {
	inject(w, req, func(ctx context.Context, name string, in wire.Tap) error { return a.r.Tap(ctx, name, in.X, in.Y) })
}

func (a *API) swipe(w http.ResponseWriter, req *http.Request) {
	inject(w, req, func(ctx context.Context, name string, in wire.Swipe) error {
		d := time.Duration(in.DurationMs) * time.Millisecond
		if d < 0 || d > maxSwipe {
			return fmt.Errorf("%w: swipe duration %v not in 0..%v", errBadRequest, d, maxSwipe)
		}
		return a.r.Swipe(ctx, name, in.X1, in.Y1, in.X2, in.Y2, d)
	})
}

func (a *API) key(w http.ResponseWriter, req *http.Request) {
	inject(w, req, func(ctx context.Context, name string, in wire.Key) error {
		code, err := route.ParseKey(in.Key)
		if err != nil {
			return fmt.Errorf("%w: %w", errBadRequest, err)
		}
		return a.r.Key(ctx, name, code)
	})
}

func (a *API) text(w http.ResponseWriter, req *http.Request) {
	inject(w, req, func(ctx context.Context, name string, in wire.Text) error {
		if _, err := route.Text(in.Text); err != nil {
			return fmt.Errorf("%w: %w", errBadRequest, err)
		}
		return a.r.Text(ctx, name, in.Text)
	})
}

func (a *API) log(w http.ResponseWriter, req *http.Request) {
	if a.rec == nil {
		ctlhttp.WriteError(w, http.StatusNotFound, errors.New("clones are uinput devices: read them in the container (getevent), not here"))
		return
	}
	frames := a.rec.Log(req.PathValue("name"))
	if frames == nil {
		frames = []string{}
	}
	ctlhttp.WriteJSON(w, http.StatusOK, wire.Log{Frames: frames})
}

var errBadRequest = errors.New("bad request")

func statusOf(err error) int {
	switch {
	case errors.Is(err, errBadRequest), errors.Is(err, ErrOutOfRange), errors.Is(err, ErrBadName):
		return http.StatusBadRequest
	case errors.Is(err, ErrUnknownContainer):
		return http.StatusNotFound
	case errors.Is(err, ErrNoDevice), errors.Is(err, errNoClone):
		return http.StatusConflict
	case errors.Is(err, kernel.ErrNotSupported):
		return http.StatusNotImplemented
	}
	return http.StatusInternalServerError
}

// collector reads the router's counters at scrape time.
type collector struct{ r *Router }

var (
	descDevices = prometheus.NewDesc("inputproxy_devices", "Routed input devices (real and virtual).", nil, nil)
	descClones  = prometheus.NewDesc("inputproxy_clones", "Clones, per container.", []string{"container"}, nil)
	descErrors  = prometheus.NewDesc("inputproxy_write_errors_total", "Failed clone writes and state reads.", nil, nil)
)

func (c collector) Describe(ch chan<- *prometheus.Desc) {
	ch <- descDevices
	ch <- descClones
	ch <- descErrors
}

func (c collector) Collect(ch chan<- prometheus.Metric) {
	st := c.r.Status()
	ch <- prometheus.MustNewConstMetric(descDevices, prometheus.GaugeValue, float64(len(st.Devices)))
	ch <- prometheus.MustNewConstMetric(descErrors, prometheus.CounterValue, float64(st.WriteErrors))
	for _, ct := range st.Containers {
		n := 0
		for _, d := range st.Devices {
			if _, ok := d.Clones[ct]; ok {
				n++
			}
		}
		ch <- prometheus.MustNewConstMetric(descClones, prometheus.GaugeValue, float64(n), ct)
	}
}

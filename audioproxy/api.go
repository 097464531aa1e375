package audioproxy

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"droidplex/audioproxy/mix"
	"droidplex/audioproxy/sink"
	"droidplex/audioproxy/wire"
	"droidplex/internal/ctlhttp"
)

// API serves audioproxyd's HTTP control interface (see wire/api.go).
type API struct {
	eng    *Engine
	device string
	reg    *prometheus.Registry
}

// NewAPI returns the API over eng; device names the sink in the status.
func NewAPI(eng *Engine, device string) *API {
	reg := prometheus.NewRegistry()
	reg.MustRegister(newCollector(eng))
	return &API{eng: eng, device: device, reg: reg}
}

// Handler returns the HTTP handler.
func (a *API) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/status", a.status)
	mux.HandleFunc("PUT /v1/containers/{name}/volume", a.volume)
	mux.HandleFunc("PUT /v1/containers/{name}/mute", a.mute)
	mux.HandleFunc("PUT /v1/streams/{id}/volume", a.streamVolume)
	mux.HandleFunc("GET /v1/containers/{name}/record", a.record)
	mux.Handle("GET /metrics", promhttp.HandlerFor(a.reg, promhttp.HandlerOpts{}))
	return mux
}

// Status returns the server's state.
func (a *API) Status() wire.Status {
	d := a.eng.dev
	st := wire.Status{
		Device:      wire.DeviceStatus{Name: a.device, Rate: d.Rate, Channels: d.Channels, Format: d.Format.String(), Period: d.Period},
		FramesMixed: a.eng.FramesMixed(), Callbacks: a.eng.Callbacks(), DeviceLate: a.eng.Late(),
		Containers: []wire.ContainerStatus{},
	}
	for _, c := range a.eng.Containers() {
		st.Containers = append(st.Containers, a.containerStatus(c))
	}
	return st
}

func (a *API) containerStatus(c *Container) wire.ContainerStatus {
	cs := wire.ContainerStatus{Name: c.name, Volume: c.Volume(), Muted: c.Muted(), Recording: c.rec.Load() != nil,
		Underruns: c.under.Load(), Streams: []wire.StreamStatus{}}
	for _, s := range a.eng.Streams(c) {
		cs.Underruns += s.Underruns()
		cs.Streams = append(cs.Streams, a.streamStatus(s))
	}
	return cs
}

func (a *API) streamStatus(s *Stream) wire.StreamStatus {
	dir := "output"
	if s.dir == wire.Input {
		dir = "input"
	}
	return wire.StreamStatus{ID: s.id, Direction: dir, Usage: s.usage.String(), Volume: floatOf(s.gain.Load()),
		Frames: s.geo.Capacity, Buffered: s.Buffered(), LatencyMs: a.eng.latency(s).Seconds() * 1000,
		Underruns: s.Underruns(), Broken: s.Broken()}
}

func (a *API) status(w http.ResponseWriter, _ *http.Request) {
	ctlhttp.WriteJSON(w, http.StatusOK, a.Status())
}

func (a *API) container(w http.ResponseWriter, r *http.Request) *Container {
	name := r.PathValue("name")
	for _, c := range a.eng.Containers() {
		if c.name == name {
			return c
		}
	}
	ctlhttp.WriteError(w, http.StatusNotFound, fmt.Errorf("no container %q", name))
	return nil
}

func (a *API) volume(w http.ResponseWriter, r *http.Request) {
	c := a.container(w, r)
	if c == nil {
		return
	}
	var req wire.VolumeRequest
	if err := decodeVolume(r, &req); err != nil {
		ctlhttp.WriteError(w, http.StatusBadRequest, err)
		return
	}
	c.SetVolume(req.Volume)
	ctlhttp.WriteJSON(w, http.StatusOK, a.containerStatus(c))
}

func decodeVolume(r *http.Request, req *wire.VolumeRequest) error {
	if err := ctlhttp.DecodeJSON(r, req); err != nil {
		return err
	}
	if req.Volume < 0 || req.Volume > 4 || req.Volume != req.Volume {
		return errors.New("volume must be between 0 and 4 (1 = unity)")
	}
	return nil
}

func (a *API) mute(w http.ResponseWriter, r *http.Request) {
	c := a.container(w, r)
	if c == nil {
		return
	}
	var req wire.MuteRequest
	if err := ctlhttp.DecodeJSON(r, &req); err != nil {
		ctlhttp.WriteError(w, http.StatusBadRequest, err)
		return
	}
	c.SetMuted(req.Muted)
	ctlhttp.WriteJSON(w, http.StatusOK, a.containerStatus(c))
}

func (a *API) streamVolume(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseUint(r.PathValue("id"), 10, 32)
	if err != nil {
		ctlhttp.WriteError(w, http.StatusBadRequest, fmt.Errorf("bad stream id: %w", err))
		return
	}
	var req wire.VolumeRequest
	if err := decodeVolume(r, &req); err != nil {
		ctlhttp.WriteError(w, http.StatusBadRequest, err)
		return
	}
	for _, s := range a.eng.Streams(nil) {
		if s.id == uint32(id) {
			s.SetGain(req.Volume)
			ctlhttp.WriteJSON(w, http.StatusOK, a.streamStatus(s))
			return
		}
	}
	ctlhttp.WriteError(w, http.StatusNotFound, fmt.Errorf("no stream %d", id))
}

// recordStall is how long a recording waits for its client to take more
// data (the socket full) before it ends the recording: a client that
// stopped reading without hanging up would hold the container's one
// recording slot for ever.
var recordStall = 5 * time.Second

// record streams what a container plays as a WAV file.
func (a *API) record(w http.ResponseWriter, r *http.Request) {
	c := a.container(w, r)
	if c == nil {
		return
	}
	secs, err := strconv.ParseFloat(r.URL.Query().Get("seconds"), 64)
	if r.URL.Query().Get("seconds") == "" {
		secs, err = 0, nil
	}
	if err != nil || !(secs >= 0 && secs <= 24*3600) { // NaN too
		ctlhttp.WriteError(w, http.StatusBadRequest, errors.New("seconds must be a number from 0 (until hang-up) to 86400"))
		return
	}
	d := a.eng.dev
	rec := NewRecorder(int(d.Rate) * int(d.Channels)) // one second of slack
	if !c.StartRecording(rec) {
		ctlhttp.WriteError(w, http.StatusConflict, fmt.Errorf("container %s is already being recorded", c.name))
		return
	}
	defer c.StopRecording(rec)
	p := wire.Params{Rate: d.Rate, Channels: d.Channels, Format: wire.FormatS16}
	total := uint64(secs * float64(d.Rate))
	if total == 0 && secs > 0 {
		total = 1 // shorter than a frame is one frame, not "until hang-up"
	}
	size := uint32(0xFFFFFFFF)
	if total > 0 {
		size = uint32(min(total*uint64(p.FrameBytes()), 0xFFFFFFFF-36))
	}
	w.Header().Set("Content-Type", "audio/wav")
	rc := http.NewResponseController(w)
	rc.SetWriteDeadline(time.Now().Add(recordStall))
	if _, err := w.Write(sink.AppendWAVHeader(nil, p, size)); err != nil {
		return
	}
	buf := make([]int16, int(d.Rate)*int(d.Channels)/10)
	out := make([]byte, len(buf)*2)
	want := total * uint64(d.Channels) // samples; 0 = unlimited
	var sent uint64
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for want == 0 || sent < want {
		select {
		case <-r.Context().Done():
			return
		case <-tick.C:
		}
		n := rec.Read(buf)
		if want > 0 {
			n = int(min(uint64(n), want-sent))
		}
		copy(mix.S16(out), buf[:n])
		rc.SetWriteDeadline(time.Now().Add(recordStall))
		if _, err := w.Write(out[:2*n]); err != nil {
			return
		}
		sent += uint64(n)
		if err := rc.Flush(); err != nil && !errors.Is(err, http.ErrNotSupported) {
			return
		}
	}
}

func floatOf(bits uint32) float32 { return mathFloat32frombits(bits) }

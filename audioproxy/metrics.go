package audioproxy

import (
	"math"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

func mathFloat32frombits(b uint32) float32 { return math.Float32frombits(b) }

// latency estimates a stream's added latency: what is queued in its ring
// plus one device period.
func (e *Engine) latency(s *Stream) time.Duration {
	return time.Duration(uint64(s.Buffered())+uint64(e.dev.Period)) * time.Second / time.Duration(e.dev.Rate)
}

// collector reads the engine's counters at scrape time; the mix path pays
// nothing for metrics.
type collector struct {
	eng                                         *Engine
	streams, underruns, mixed, calls, lat, late *prometheus.Desc
}

func newCollector(e *Engine) *collector {
	return &collector{
		eng:       e,
		streams:   prometheus.NewDesc("audioproxy_streams", "Open streams.", []string{"container"}, nil),
		late:      prometheus.NewDesc("audioproxy_device_late_total", "Device callbacks that came more than twice the previous one's span after it (a stalled device or machine).", nil, nil),
		underruns: prometheus.NewDesc("audioproxy_underruns_total", "Device periods in which a playing stream had too little data.", []string{"container"}, nil),
		mixed:     prometheus.NewDesc("audioproxy_frames_mixed_total", "Frames the mixer has produced for the device.", nil, nil),
		calls:     prometheus.NewDesc("audioproxy_device_callbacks_total", "Device callbacks served.", nil, nil),
		lat:       prometheus.NewDesc("audioproxy_stream_latency_seconds", "Audio queued in a stream's ring plus one device period.", []string{"container", "stream"}, nil),
	}
}

func (c *collector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.streams, c.underruns, c.mixed, c.calls, c.lat, c.late} {
		ch <- d
	}
}

func (c *collector) Collect(ch chan<- prometheus.Metric) {
	ch <- prometheus.MustNewConstMetric(c.mixed, prometheus.CounterValue, float64(c.eng.FramesMixed()))
	ch <- prometheus.MustNewConstMetric(c.calls, prometheus.CounterValue, float64(c.eng.Callbacks()))
	ch <- prometheus.MustNewConstMetric(c.late, prometheus.CounterValue, float64(c.eng.Late()))
	for _, ct := range c.eng.Containers() {
		ss := c.eng.Streams(ct)
		under := ct.under.Load()
		for _, s := range ss {
			under += s.Underruns()
			ch <- prometheus.MustNewConstMetric(c.lat, prometheus.GaugeValue, c.eng.latency(s).Seconds(), ct.name, strconv.FormatUint(uint64(s.id), 10))
		}
		ch <- prometheus.MustNewConstMetric(c.streams, prometheus.GaugeValue, float64(len(ss)), ct.name)
		ch <- prometheus.MustNewConstMetric(c.underruns, prometheus.CounterValue, float64(under), ct.name)
	}
}

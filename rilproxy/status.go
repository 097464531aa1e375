package rilproxy

import (
	"net/http"

	"droidplex/internal/ctlhttp"
)

// Status is a snapshot of the Mux (GET /v1/status on rilproxyd's socket).
type Status struct {
	ModemConnected bool     `json:"modem_connected"`       // the upstream modem is connected
	RadioState     int32    `json:"radio_state"`           // RIL_RadioState: 0 off, 1 unavailable, 10 on
	Foreground     string   `json:"foreground,omitempty"`  // as droidplexd last said
	Connected      []string `json:"connected"`             // containers with a client
	InCall         []string `json:"in_call"`               // containers owning a call or with one ringing
	InFlight       int      `json:"in_flight"`             // requests awaiting the modem
	Cached         int      `json:"cached"`                // cached query replies
	SMSPending     string   `json:"sms_pending,omitempty"` // container owing an SMS acknowledgement
}

// Status returns a snapshot of the Mux.
func (m *Mux) Status() Status {
	m.mu.Lock()
	defer m.mu.Unlock()
	st := Status{ModemConnected: m.upOK.Load(), RadioState: m.radioState, Foreground: m.fg, Connected: []string{}, Cached: len(m.cache)}
	for _, s := range m.sessions {
		if s != nil {
			st.Connected = append(st.Connected, s.name)
		}
	}
	st.InCall = m.calls.Owners([]string{})
	for _, t := range m.tables {
		st.InFlight += t.inFlight()
	}
	if m.sms.pending {
		st.SMSPending = m.sms.target
	}
	return st
}

// Handler serves rilproxyd's API: GET /v1/status.
func (m *Mux) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/status", func(w http.ResponseWriter, r *http.Request) {
		ctlhttp.WriteJSON(w, http.StatusOK, m.Status())
	})
	return mux
}

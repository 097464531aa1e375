package mockmodem

import (
	"errors"
	"net/http"
	"strings"

	"droidplex/internal/ctlhttp"
	"droidplex/rilproxy/mockmodem/modemapi"
)

// Handler serves the control API described in package modemapi.
func Handler(m *Modem) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/status", func(w http.ResponseWriter, r *http.Request) {
		ctlhttp.WriteJSON(w, http.StatusOK, m.Status())
	})
	mux.HandleFunc("POST /v1/calls/incoming", func(w http.ResponseWriter, r *http.Request) {
		var in modemapi.IncomingCall
		if !decode(w, r, &in) {
			return
		}
		idx, err := m.IncomingCall(in.Number)
		reply(w, modemapi.IncomingCallResult{Index: idx}, err)
	})
	mux.HandleFunc("POST /v1/calls/answer-remote", func(w http.ResponseWriter, r *http.Request) {
		if decode(w, r, &struct{}{}) {
			reply(w, nil, m.RemoteAnswer())
		}
	})
	mux.HandleFunc("POST /v1/calls/reject-remote", func(w http.ResponseWriter, r *http.Request) {
		if decode(w, r, &struct{}{}) {
			reply(w, nil, m.RemoteReject())
		}
	})
	mux.HandleFunc("POST /v1/calls/hangup-remote", func(w http.ResponseWriter, r *http.Request) {
		var in modemapi.HangupRemote
		if decode(w, r, &in) {
			reply(w, nil, m.RemoteHangup(in.Index))
		}
	})
	mux.HandleFunc("POST /v1/sms/incoming", func(w http.ResponseWriter, r *http.Request) {
		var in modemapi.IncomingSMS
		if decode(w, r, &in) {
			reply(w, nil, m.IncomingSMS(in.From, in.Text))
		}
	})
	mux.HandleFunc("POST /v1/ussd/incoming", func(w http.ResponseWriter, r *http.Request) {
		var in modemapi.IncomingUSSD
		if decode(w, r, &in) {
			m.IncomingUSSD(in.Message)
			reply(w, nil, nil)
		}
	})
	mux.HandleFunc("POST /v1/signal", func(w http.ResponseWriter, r *http.Request) {
		var in modemapi.Signal
		if decode(w, r, &in) {
			reply(w, nil, m.SetSignal(in.Bars))
		}
	})
	mux.HandleFunc("POST /v1/registration", func(w http.ResponseWriter, r *http.Request) {
		var in modemapi.Registration
		if decode(w, r, &in) {
			reply(w, nil, m.SetRegistration(in.State))
		}
	})
	mux.HandleFunc("POST /v1/scenario", func(w http.ResponseWriter, r *http.Request) {
		var in modemapi.Scenario
		if !decode(w, r, &in) {
			return
		}
		s, err := ParseScenario(strings.NewReader(in.Script))
		if err != nil {
			ctlhttp.WriteError(w, http.StatusBadRequest, err)
			return
		}
		reply(w, nil, s.Run(r.Context(), m))
	})
	return mux
}

func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	if err := ctlhttp.DecodeJSON(r, v); err != nil {
		ctlhttp.WriteError(w, http.StatusBadRequest, err)
		return false
	}
	return true
}

// reply sends out (or an empty object) on success, else the error with a
// status code that says whose fault it was.
func reply(w http.ResponseWriter, out any, err error) {
	switch {
	case err == nil:
		if out == nil {
			out = struct{}{}
		}
		ctlhttp.WriteJSON(w, http.StatusOK, out)
	case errors.Is(err, ErrInvalid):
		ctlhttp.WriteError(w, http.StatusBadRequest, err)
	case errors.Is(err, ErrState):
		ctlhttp.WriteError(w, http.StatusConflict, err)
	default:
		ctlhttp.WriteError(w, http.StatusInternalServerError, err)
	}
}

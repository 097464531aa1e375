package api

import (
	"errors"
	"fmt"
	"net/http"

	"droidplex/container"
	"droidplex/container/wire"
	"droidplex/internal/ctlhttp"
)

// Inputs is what the input route needs; container.Manager implements it.
type Inputs interface {
	// Exists reports whether name is a configured container.
	Exists(name string) bool
	// ChangeInputs adds and removes input clone nodes of a running container.
	ChangeInputs(name string, ch wire.InputChange) error
}

// InputRoutes returns the route inputproxyd calls when a device is plugged
// in or out while containers run, for Handler:
//
//	POST /v1/containers/{name}/input   wire.InputChange → 204
func InputRoutes(m Inputs) func(*http.ServeMux) {
	return func(mux *http.ServeMux) {
		mux.HandleFunc("POST /v1/containers/{name}/input", func(w http.ResponseWriter, r *http.Request) {
			name := r.PathValue("name")
			if !m.Exists(name) {
				ctlhttp.WriteError(w, http.StatusNotFound, fmt.Errorf("%q: %w", name, ErrUnknownContainer))
				return
			}
			var ch wire.InputChange
			if err := ctlhttp.DecodeJSON(r, &ch); err != nil {
				ctlhttp.WriteError(w, http.StatusBadRequest, err)
				return
			}
			if err := m.ChangeInputs(name, ch); err != nil {
				code := errorCode(err)
				if errors.Is(err, container.ErrBadNode) {
					code = http.StatusBadRequest
				}
				ctlhttp.WriteError(w, code, err)
				return
			}
			w.WriteHeader(http.StatusNoContent)
		})
	}
}

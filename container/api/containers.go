package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"droidplex/container"
	"droidplex/container/wire"
	"droidplex/internal/ctlhttp"
)

// Manager is what the container routes need; container.Manager implements
// it.
type Manager interface {
	Containers
	// List returns every configured container.
	List() []wire.ContainerInfo
	// Status returns one container.
	Status(name string) (wire.ContainerInfo, error)
	// Ensure creates name if it is missing and else starts it.
	Ensure(ctx context.Context, name string) (wire.EnsureResult, error)
	// Act starts, stops or restarts name.
	Act(ctx context.Context, name string, a wire.Action) error
}

// ContainerRoutes returns the container manager's routes, for Handler:
//
//	GET  /v1/containers                  []wire.ContainerInfo
//	GET  /v1/containers/{name}           wire.ContainerInfo
//	POST /v1/containers/{name}/ensure    wire.EnsureResult (create if missing, else start)
//	POST /v1/containers/{name}/{action}  wire.ContainerInfo (start, stop, restart)
func ContainerRoutes(m Manager) func(*http.ServeMux) {
	return func(mux *http.ServeMux) {
		mux.HandleFunc("GET /v1/containers", func(w http.ResponseWriter, _ *http.Request) {
			ctlhttp.WriteJSON(w, http.StatusOK, m.List())
		})
		mux.HandleFunc("GET /v1/containers/{name}", func(w http.ResponseWriter, r *http.Request) {
			st, err := m.Status(r.PathValue("name"))
			if err != nil {
				ctlhttp.WriteError(w, errorCode(err), err)
				return
			}
			ctlhttp.WriteJSON(w, http.StatusOK, st)
		})
		mux.HandleFunc("POST /v1/containers/{name}/{action}", func(w http.ResponseWriter, r *http.Request) {
			name, action := r.PathValue("name"), r.PathValue("action")
			// A client that goes away does not abort a start or stop half way.
			ctx := context.WithoutCancel(r.Context())
			if !m.Exists(name) {
				ctlhttp.WriteError(w, http.StatusNotFound, fmt.Errorf("%q: %w", name, ErrUnknownContainer))
				return
			}
			if action == "ensure" {
				res, err := m.Ensure(ctx, name)
				if err != nil {
					ctlhttp.WriteError(w, errorCode(err), err)
					return
				}
				ctlhttp.WriteJSON(w, http.StatusOK, res)
				return
			}
			if err := m.Act(ctx, name, wire.Action(action)); err != nil {
				ctlhttp.WriteError(w, errorCode(err), err)
				return
			}
			st, _ := m.Status(name)
			ctlhttp.WriteJSON(w, http.StatusOK, st)
		})
	}
}

func errorCode(err error) int {
	switch {
	case errors.Is(err, container.ErrUnknown), errors.Is(err, ErrUnknownContainer), errors.Is(err, container.ErrBadAction):
		return http.StatusNotFound
	case errors.Is(err, container.ErrNotCreated):
		return http.StatusConflict
	}
	return http.StatusInternalServerError
}

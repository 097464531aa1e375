package peerchecktest

import (
	"errors"
	"net/http"
	"sync"

	"droidplex/container/wire"
	"droidplex/internal/ctlhttp"
)

// Containers stands in for droidplexd's container manager: Routes serves
// GET /v1/containers/{name} (container/api.Server.Handler's extra routes)
// from what Running set.
type Containers struct {
	mu    sync.Mutex
	infos map[string]wire.ContainerInfo
}

// Running says container name runs with its init at host pid.
func (c *Containers) Running(name string, pid int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.infos == nil {
		c.infos = map[string]wire.ContainerInfo{}
	}
	c.infos[name] = wire.ContainerInfo{Name: name, State: wire.StateRunning, Pid: pid}
}

// Routes adds the container route to mux.
func (c *Containers) Routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /v1/containers/{name}", func(w http.ResponseWriter, r *http.Request) {
		c.mu.Lock()
		info, ok := c.infos[r.PathValue("name")]
		c.mu.Unlock()
		if !ok {
			ctlhttp.WriteError(w, http.StatusNotFound, errors.New("unknown container"))
			return
		}
		ctlhttp.WriteJSON(w, http.StatusOK, info)
	})
}

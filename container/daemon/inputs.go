package daemon

import (
	"context"
	"fmt"
	"net/http"
	"net/url"

	"droidplex/container"
	"droidplex/container/spec"
	inputwire "droidplex/inputproxy/wire"
	"droidplex/internal/ctlhttp"
)

// inputproxyd asks inputproxyd for a container's input clones
// (PUT /v1/containers/{name}); it implements container.Inputs.
type inputproxyd struct {
	http *http.Client
}

func (c inputproxyd) Clones(ctx context.Context, name string) ([]spec.Device, error) {
	var out inputwire.Container
	if err := ctlhttp.Do(ctx, c.http, http.MethodPut, "/v1/containers/"+url.PathEscape(name), nil, &out); err != nil {
		return nil, err
	}
	devs := make([]spec.Device, 0, len(out.Nodes))
	for _, n := range out.Nodes {
		if n.Path == "" {
			continue // a recording clone: no node
		}
		d, err := container.InputDevice(n.Path, n.Major, n.Minor)
		if err != nil {
			return nil, fmt.Errorf("inputproxyd gave an invalid clone node: %w", err)
		}
		devs = append(devs, d)
	}
	return devs, nil
}

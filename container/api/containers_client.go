package api

import (
	"context"
	"net/http"
	"net/url"

	"droidplex/container/wire"
	"droidplex/internal/ctlhttp"
)

// ContainersClient calls the container routes (the CLI and autostart use
// it next to container/client).
type ContainersClient struct {
	HTTP *http.Client // from ctlhttp.NewClient or client.Client.HTTP
}

// List returns every configured container.
func (c ContainersClient) List(ctx context.Context) ([]wire.ContainerInfo, error) {
	var out []wire.ContainerInfo
	err := ctlhttp.Do(ctx, c.HTTP, http.MethodGet, "/v1/containers", nil, &out)
	return out, err
}

// Status returns one container.
func (c ContainersClient) Status(ctx context.Context, name string) (wire.ContainerInfo, error) {
	var out wire.ContainerInfo
	err := ctlhttp.Do(ctx, c.HTTP, http.MethodGet, "/v1/containers/"+url.PathEscape(name), nil, &out)
	return out, err
}

// Ensure creates name if it is missing and else starts it.
func (c ContainersClient) Ensure(ctx context.Context, name string) (wire.EnsureResult, error) {
	var out wire.EnsureResult
	err := ctlhttp.Do(ctx, c.HTTP, http.MethodPost, "/v1/containers/"+url.PathEscape(name)+"/ensure", nil, &out)
	return out, err
}

// Act starts, stops or restarts name and returns its new status.
func (c ContainersClient) Act(ctx context.Context, name string, a wire.Action) (wire.ContainerInfo, error) {
	var out wire.ContainerInfo
	err := ctlhttp.Do(ctx, c.HTTP, http.MethodPost, "/v1/containers/"+url.PathEscape(name)+"/"+url.PathEscape(string(a)), nil, &out)
	return out, err
}

package boot

import (
	"context"

	"droidplex/container/api"
	"droidplex/container/client"
	"droidplex/container/wire"
)

// Remote is the API of the droidplexd serving on socket.
func Remote(socket string) API {
	c := client.New(socket)
	return remote{c: c, cc: api.ContainersClient{HTTP: c.HTTP()}}
}

type remote struct {
	c  *client.Client
	cc api.ContainersClient
}

func (r remote) Status(ctx context.Context) (wire.Status, error) { return r.c.Status(ctx) }

func (r remote) List(ctx context.Context) ([]wire.ContainerInfo, error) { return r.cc.List(ctx) }

func (r remote) Ensure(ctx context.Context, name string) (wire.EnsureResult, error) {
	return r.cc.Ensure(ctx, name)
}

func (r remote) SetForeground(ctx context.Context, name string) error {
	return r.c.SetForeground(ctx, name)
}

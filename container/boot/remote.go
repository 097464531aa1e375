package boot

import (
	"context"

	"droidplex/container/api"
	"droidplex/container/client"
	"droidplex/container/wire"
	"droidplex/internal/ctlhttp"
)

// Remote is the API of the droidplexd serving on socket. Ensure has no
// timeout of its own (a create and start may outlast the control client's):
// the caller's context bounds it.
func Remote(socket string) API {
	return remote{c: client.New(socket), cc: api.ContainersClient{HTTP: ctlhttp.NewClient(socket)}}
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

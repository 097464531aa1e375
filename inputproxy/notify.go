package inputproxy

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"sync"
	"time"

	"droidplex/container/wire"
	"droidplex/internal/ctlhttp"
)

// maxPending bounds the node changes waiting for droidplexd; beyond it the
// oldest are dropped (droidplexd is stuck; a container's next start asks
// for its clones anyway).
const maxPending = 1024

// postTimeout bounds one report to droidplexd, which may first finish a
// start or a stop of that container (a stop waits up to its stop timeout).
const postTimeout = time.Minute

// nodeChange is one OnNodes report.
type nodeChange struct {
	container string
	change    wire.InputChange
}

// notifier tells droidplexd, in order and off the router's lock, which
// clone nodes running containers gained or lost.
type notifier struct {
	post func(ctx context.Context, container string, ch wire.InputChange) error

	mu      sync.Mutex
	pending []nodeChange
	dropped int
	wake    chan struct{}
}

func newNotifier(post func(ctx context.Context, container string, ch wire.InputChange) error) *notifier {
	return &notifier{post: post, wake: make(chan struct{}, 1)}
}

// postTo posts changes to droidplexd's POST /v1/containers/{name}/input.
func postTo(c *http.Client) func(ctx context.Context, container string, ch wire.InputChange) error {
	return func(ctx context.Context, container string, ch wire.InputChange) error {
		return ctlhttp.Do(ctx, c, http.MethodPost, "/v1/containers/"+url.PathEscape(container)+"/input", ch, nil)
	}
}

// OnNodes queues a change; it never blocks (RouterConfig.OnNodes).
func (n *notifier) OnNodes(container string, added, removed []Node) {
	ch := wire.InputChange{}
	for _, a := range added {
		ch.Add = append(ch.Add, wire.InputNode{Path: a.Path, Major: a.Major, Minor: a.Minor})
	}
	for _, r := range removed {
		ch.Remove = append(ch.Remove, wire.InputNode{Path: r.Path, Major: r.Major, Minor: r.Minor})
	}
	n.mu.Lock()
	if len(n.pending) == maxPending {
		n.pending = n.pending[1:]
		n.dropped++
	}
	n.pending = append(n.pending, nodeChange{container, ch})
	n.mu.Unlock()
	select {
	case n.wake <- struct{}{}:
	default:
	}
}

// run posts the queued changes one at a time, oldest first, until ctx
// ends. A change droidplexd refuses or cannot be told is logged and
// dropped: the container gets its clones at its next start.
func (n *notifier) run(ctx context.Context, log *slog.Logger) {
	for {
		n.mu.Lock()
		var next *nodeChange
		if len(n.pending) > 0 {
			next = &n.pending[0]
			n.pending = n.pending[1:]
		}
		dropped := n.dropped
		n.dropped = 0
		n.mu.Unlock()
		if dropped > 0 {
			log.Warn("droidplexd too slow; input node changes dropped", "dropped", dropped)
		}
		if next == nil {
			select {
			case <-ctx.Done():
				return
			case <-n.wake:
				continue
			}
		}
		pctx, cancel := context.WithTimeout(ctx, postTimeout)
		err := n.post(pctx, next.container, next.change)
		cancel()
		if err != nil && ctx.Err() == nil {
			log.Warn("tell droidplexd of input node changes", "container", next.container, "err", err)
		}
	}
}

// Package boot is the boot-time master (`droidplex autostart`): once
// droidplexd reports ready, it asks it to create each autostart container
// if missing, or else to start it, the foreground container first.
package boot

import (
	"context"
	"errors"
	"fmt"
	"time"

	"droidplex/container/wire"
)

// API is what the master needs from droidplexd.
type API interface {
	Status(ctx context.Context) (wire.Status, error)
	List(ctx context.Context) ([]wire.ContainerInfo, error)
	Ensure(ctx context.Context, name string) (wire.EnsureResult, error)
	SetForeground(ctx context.Context, name string) error
}

// Order returns the autostart containers, the foreground one first, the
// others in config order. It is pure.
func Order(list []wire.ContainerInfo) []string {
	var fg, rest []string
	for _, c := range list {
		switch {
		case !c.Autostart:
		case c.Foreground:
			fg = append(fg, c.Name)
		default:
			rest = append(rest, c.Name)
		}
	}
	return append(fg, rest...)
}

// WaitReady polls droidplexd until it reports ready or ctx ends.
func WaitReady(ctx context.Context, api API) error {
	delay := 20 * time.Millisecond
	for {
		st, err := api.Status(ctx)
		if err == nil && st.Ready {
			return nil
		}
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			if err == nil {
				err = errors.New("droidplexd is not ready")
			}
			return fmt.Errorf("wait for droidplexd: %w (last: %w)", ctx.Err(), err)
		case <-t.C:
		}
		delay = min(2*delay, time.Second)
	}
}

// Autostart waits for droidplexd, then ensures every autostart container,
// foreground first, and makes the foreground one the foreground. report is
// called after each container. It goes on after a failure and returns all
// failures.
func Autostart(ctx context.Context, api API, report func(wire.EnsureResult, error)) error {
	if err := WaitReady(ctx, api); err != nil {
		return err
	}
	list, err := api.List(ctx)
	if err != nil {
		return fmt.Errorf("list containers: %w", err)
	}
	var errs []error
	for i, name := range Order(list) {
		res, err := api.Ensure(ctx, name)
		if err != nil {
			err = fmt.Errorf("%s: %w", name, err)
			errs = append(errs, err)
		}
		report(res, err)
		if i == 0 && err == nil && isForeground(list, name) {
			if err := api.SetForeground(ctx, name); err != nil {
				errs = append(errs, fmt.Errorf("foreground %s: %w", name, err))
			}
		}
	}
	return errors.Join(errs...)
}

func isForeground(list []wire.ContainerInfo, name string) bool {
	for _, c := range list {
		if c.Name == name {
			return c.Foreground
		}
	}
	return false
}

package container

import (
	"errors"
	"fmt"

	"droidplex/container/spec"
	"droidplex/container/wire"
	"droidplex/internal/revert"
)

// ChangeInputs applies a change of running container name's input clones
// (inputproxyd's hot-plug): the removed clones' nodes are denied and
// removed, then the added ones allowed and created. If an addition fails,
// the additions already made are undone. A container that is not running
// is left alone: it asks Inputs for its clones when it starts.
func (m *Manager) ChangeInputs(name string, ch wire.InputChange) error {
	e, err := m.entry(name)
	if err != nil {
		return err
	}
	add, err := inputDevices(ch.Add)
	if err != nil {
		return err
	}
	remove, err := inputDevices(ch.Remove)
	if err != nil {
		return err
	}
	e.op.Lock()
	defer e.op.Unlock()
	m.mu.Lock()
	inst := e.inst
	m.mu.Unlock()
	if inst == nil {
		return nil
	}
	var errs []error
	for _, d := range remove {
		if err := inst.RemoveDevice(d); err != nil {
			errs = append(errs, fmt.Errorf("remove %s from %s: %w", d.Path, name, err))
		}
	}
	r := revert.New()
	defer r.Fail()
	for _, d := range add {
		if err := inst.AddDevice(d); err != nil {
			return errors.Join(append(errs, fmt.Errorf("add %s to %s: %w", d.Path, name, err))...)
		}
		r.Add(func() { _ = inst.RemoveDevice(d) })
	}
	r.Success()
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	m.log.Info("container input nodes changed", "container", name, "added", len(add), "removed", len(remove))
	return nil
}

func inputDevices(nodes []wire.InputNode) ([]spec.Device, error) {
	devs := make([]spec.Device, 0, len(nodes))
	for _, n := range nodes {
		d, err := InputDevice(n.Path, n.Major, n.Minor)
		if err != nil {
			return nil, err
		}
		devs = append(devs, d)
	}
	return devs, nil
}

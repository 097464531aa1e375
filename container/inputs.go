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
		if err := m.takeInput(e, inst, d); err != nil {
			errs = append(errs, fmt.Errorf("remove %s from %s: %w", d.Path, name, err))
		}
	}
	r := revert.New()
	defer r.Fail()
	for _, d := range add {
		if err := m.giveInput(e, inst, d); err != nil {
			return errors.Join(append(errs, fmt.Errorf("add %s to %s: %w", d.Path, name, err))...)
		}
		r.Add(func() { _ = m.takeInput(e, inst, d) })
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

// giveInput gives e's running init inst the input clone node d. A device
// number is one clone's, so one container's: any other node with d's
// number (left from a clone that is gone, its number now reused), in any
// running container, is taken out first, so that no container can read
// another's input through a stale node. An adopted container's earlier
// nodes are unknown: d's number is taken out of it at d's path (a clone's
// node is named after its number). Runs with e.op held.
func (m *Manager) giveInput(e *entry, inst Instance, d spec.Device) error {
	type stale struct {
		name string
		inst Instance
		d    spec.Device
	}
	var old []stale
	m.mu.Lock()
	for _, o := range m.entries {
		if o.inst == nil {
			continue
		}
		found := false
		for p, od := range o.inputs {
			if od.Major == d.Major && od.Minor == d.Minor && (o != e || p != d.Path) {
				old = append(old, stale{o.conf.Name, o.inst, od})
				delete(o.inputs, p)
				found = found || p == d.Path
			}
		}
		if o != e && o.adopted && !found {
			old = append(old, stale{o.conf.Name, o.inst, d})
		}
	}
	m.mu.Unlock()
	for _, s := range old {
		if err := s.inst.RemoveDevice(s.d); err != nil {
			return fmt.Errorf("take stale %s (%d:%d) from %s: %w", s.d.Path, s.d.Major, s.d.Minor, s.name, err)
		}
		m.log.Info("stale input node taken out", "container", s.name, "node", s.d.Path)
	}
	if err := inst.AddDevice(d); err != nil {
		return err
	}
	m.mu.Lock()
	if e.inputs == nil {
		e.inputs = map[string]spec.Device{}
	}
	e.inputs[d.Path] = d
	m.mu.Unlock()
	return nil
}

// takeInput takes input clone node d out of e's running init inst.
func (m *Manager) takeInput(e *entry, inst Instance, d spec.Device) error {
	m.mu.Lock()
	if od, ok := e.inputs[d.Path]; ok && od.Major == d.Major && od.Minor == d.Minor {
		delete(e.inputs, d.Path)
	}
	m.mu.Unlock()
	return inst.RemoveDevice(d)
}

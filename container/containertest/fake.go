// Package containertest has recording fakes of the container manager's
// edges: a Runtime whose containers are goroutines and a Host that touches
// nothing. Both write one transcript line per call, which tests compare.
package containertest

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"sync"
	"time"

	"droidplex/container"
	"droidplex/container/spec"
	"droidplex/kernel"
)

// Transcript is a concurrency-safe list of recorded calls.
type Transcript struct {
	mu    sync.Mutex
	lines []string
}

func (t *Transcript) add(format string, args ...any) {
	t.mu.Lock()
	t.lines = append(t.lines, fmt.Sprintf(format, args...))
	t.mu.Unlock()
}

// Lines returns the recorded calls so far and forgets them.
func (t *Transcript) Lines() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	l := t.lines
	t.lines = nil
	return l
}

// Runtime is a fake container.Runtime. Its zero value is not usable; call
// NewRuntime. Containers it "runs" are Instances that exit when stopped or
// killed.
type Runtime struct {
	*Transcript
	mu      sync.Mutex
	created map[string]bool
	running map[string]*Instance
	nextPid int
	// StartErr, if set, is asked before each start; a non-nil error fails it.
	StartErr func(name string) error
	// AddDeviceErr, if set, is asked before a running container is given a
	// device; a non-nil error fails it.
	AddDeviceErr func(name string, d spec.Device) error
	// StopHook, if set, is called by Instance.Stop before the init exits
	// (an init slow to stop).
	StopHook func(name string)
}

// NewRuntime returns a fake runtime writing to tr.
func NewRuntime(tr *Transcript) *Runtime {
	return &Runtime{Transcript: tr, created: map[string]bool{}, running: map[string]*Instance{}, nextPid: 100}
}

// Exists implements container.Runtime.
func (r *Runtime) Exists(name string) (bool, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.created[name], nil
}

// Create implements container.Runtime.
func (r *Runtime) Create(s *spec.Spec) error {
	if _, err := spec.Render(s); err != nil {
		return err
	}
	r.mu.Lock()
	r.created[s.Name] = true
	r.mu.Unlock()
	r.add("runtime create %s", s.Name)
	return nil
}

// Start implements container.Runtime; the line lists the spec's devices.
func (r *Runtime) Start(_ context.Context, s *spec.Spec) (container.Instance, error) {
	if _, err := spec.Render(s); err != nil {
		return nil, err
	}
	var devs []string
	for _, d := range s.Devices {
		devs = append(devs, d.Path)
	}
	if r.StartErr != nil {
		if err := r.StartErr(s.Name); err != nil {
			r.add("runtime start %s: %v", s.Name, err)
			return nil, err
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.running[s.Name] != nil {
		r.add("runtime start %s: already running", s.Name)
		return nil, fmt.Errorf("%s is already running", s.Name)
	}
	r.nextPid++
	in := &Instance{name: s.Name, pid: r.nextPid, done: make(chan struct{}), rt: r}
	r.running[s.Name] = in
	r.add("runtime start %s devices=%s", s.Name, strings.Join(devs, ","))
	return in, nil
}

// Attach implements container.Runtime.
func (r *Runtime) Attach(name string) (container.Instance, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if in, ok := r.running[name]; ok {
		r.add("runtime attach %s", name)
		return in, nil
	}
	return nil, fmt.Errorf("%s: %w", name, container.ErrNotRunning)
}

// Running returns the running instance of name, or nil.
func (r *Runtime) Running(name string) *Instance {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.running[name]
}

// Instance is a fake running init.
type Instance struct {
	name string
	pid  int
	rt   *Runtime
	once sync.Once
	done chan struct{}
	err  error
}

// Pid implements container.Instance.
func (in *Instance) Pid() int { return in.pid }

// Wait implements container.Instance.
func (in *Instance) Wait() error {
	<-in.done
	return in.err
}

// Stop implements container.Instance.
func (in *Instance) Stop(time.Duration) error {
	in.rt.add("instance stop %s", in.name)
	if in.rt.StopHook != nil {
		in.rt.StopHook(in.name)
	}
	in.exit(nil)
	return nil
}

// AddDevice implements container.Instance; AddDeviceErr can fail it.
func (in *Instance) AddDevice(d spec.Device) error {
	if f := in.rt.AddDeviceErr; f != nil {
		if err := f(in.name, d); err != nil {
			in.rt.add("instance add-device %s %s %c %d:%d: %v", in.name, d.Path, d.Type, d.Major, d.Minor, err)
			return err
		}
	}
	in.rt.add("instance add-device %s %s %c %d:%d", in.name, d.Path, d.Type, d.Major, d.Minor)
	return nil
}

// RemoveDevice implements container.Instance.
func (in *Instance) RemoveDevice(d spec.Device) error {
	in.rt.add("instance remove-device %s %s %c %d:%d", in.name, d.Path, d.Type, d.Major, d.Minor)
	return nil
}

// Kill makes the init die as if it crashed.
func (in *Instance) Kill() {
	in.rt.add("instance killed %s", in.name)
	in.exit(errors.New("signal: killed"))
}

func (in *Instance) exit(err error) {
	in.once.Do(func() {
		in.rt.mu.Lock()
		if in.rt.running[in.name] == in {
			delete(in.rt.running, in.name)
		}
		in.rt.mu.Unlock()
		in.err = err
		close(in.done)
	})
}

// Host is a fake container.Host: it records calls and reports the device
// nodes it was given.
type Host struct {
	*Transcript
	// Nodes are the host's device nodes by path; others do not exist.
	Nodes map[string]spec.Device
	// HasBinderfs makes Binder succeed with nodes under its dir;
	// otherwise binderfs is not supported.
	HasBinderfs bool
	// FailMkdir, if set, fails MkdirAll of that path.
	FailMkdir string
}

// NewHost returns a fake host with the standard nodes.
func NewHost(tr *Transcript) *Host {
	h := &Host{Transcript: tr, Nodes: map[string]spec.Device{}}
	for _, d := range spec.StandardDevices {
		h.Nodes[d.Host] = d
	}
	return h
}

// MkdirAll implements container.Host.
func (h *Host) MkdirAll(path string) error {
	if path == h.FailMkdir {
		h.add("host mkdir %s: failed", path)
		return &fs.PathError{Op: "mkdir", Path: path, Err: fs.ErrPermission}
	}
	return nil
}

// Symlink implements container.Host.
func (h *Host) Symlink(target, link string) error { return nil }

// Device implements container.Host.
func (h *Host) Device(path string) (spec.Device, error) {
	d, ok := h.Nodes[path]
	if !ok {
		return spec.Device{}, &fs.PathError{Op: "stat", Path: path, Err: fs.ErrNotExist}
	}
	return d, nil
}

// Binder implements container.Host.
func (h *Host) Binder(dir string) ([]spec.Device, func(), error) {
	if !h.HasBinderfs {
		return nil, nil, &kernel.NotSupportedError{Feature: "binderfs", Fix: "CONFIG_ANDROID_BINDERFS=y"}
	}
	h.add("host binderfs mount %s", dir)
	var devs []spec.Device
	for i, n := range spec.BinderDevices {
		devs = append(devs, spec.Device{Host: dir + "/" + n, Path: "/dev/" + n, Type: 'c', Major: 240, Minor: uint32(i)})
	}
	return devs, func() { h.add("host binderfs unmount %s", dir) }, nil
}

// UnmountBinder implements container.Host; it records the unmount when
// the host has binderfs.
func (h *Host) UnmountBinder(dir string) {
	if h.HasBinderfs {
		h.add("host binderfs unmount %s", dir)
	}
}

// Sorted returns lines sorted, for comparing transcripts of concurrent work.
func Sorted(lines []string) []string { return slices.Sorted(slices.Values(lines)) }

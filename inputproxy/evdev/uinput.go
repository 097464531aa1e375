package evdev

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"

	"droidplex/inputproxy"
	"droidplex/inputproxy/route"
	"droidplex/internal/linux"
	"droidplex/internal/revert"
	"droidplex/kernel"
)

// Clone is a uinput device standing in for a real one in one container.
type Clone struct {
	f    *os.File
	node inputproxy.Node
	once sync.Once
}

// NewClone creates a uinput device with caps, its physical location set to
// phys, through the uinput node at uinputPath. sysfs is where the input
// class lives (normally /sys). Without uinput it returns a
// kernel.NotSupportedError.
func NewClone(uinputPath, sysfs, phys string, caps route.Caps) (*Clone, error) {
	f, err := os.OpenFile(uinputPath, os.O_WRONLY|syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, &kernel.NotSupportedError{Feature: uinputPath, Fix: "modprobe uinput (CONFIG_INPUT_UINPUT)"}
	}
	if err != nil {
		return nil, err
	}
	rev := revert.New()
	defer rev.Fail()
	rev.Add(func() { f.Close() })
	var sysname string
	err = control(f, func(fd int) error {
		if err := declare(fd, phys, caps); err != nil {
			return err
		}
		if err := linux.UinputCreate(fd); err != nil {
			return fmt.Errorf("create: %w", err)
		}
		rev.Add(func() { _ = control(f, linux.UinputDestroy) })
		sysname, err = linux.UinputSysname(fd)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("clone %q: %w", caps.Name, err)
	}
	node, err := findNode(sysfs, sysname)
	if err != nil {
		return nil, fmt.Errorf("clone %q: %w", caps.Name, err)
	}
	rev.Success()
	return &Clone{f: f, node: node}, nil
}

// declare sets every capability, range and property before creation.
func declare(fd int, phys string, caps route.Caps) error {
	for t, codes := range caps.Codes {
		if t == route.EvSyn {
			continue
		}
		if err := linux.UinputSetBit(fd, 0, t); err != nil {
			return fmt.Errorf("event type %#x: %w", t, err)
		}
		for _, c := range codes {
			if err := linux.UinputSetBit(fd, t, c); err != nil {
				return fmt.Errorf("code %#x of type %#x: %w", c, t, err)
			}
		}
	}
	for a, ai := range caps.Abs {
		if err := linux.UinputAbsSetup(fd, a, linux.InputAbsInfo(ai)); err != nil {
			return fmt.Errorf("axis %#x: %w", a, err)
		}
	}
	for _, p := range caps.Props {
		if err := linux.UinputSetProp(fd, p); err != nil {
			return fmt.Errorf("property %#x: %w", p, err)
		}
	}
	if err := linux.UinputSetPhys(fd, phys); err != nil {
		return fmt.Errorf("phys: %w", err)
	}
	id := linux.InputID{Bus: caps.ID.Bus, Vendor: caps.ID.Vendor, Product: caps.ID.Product, Version: caps.ID.Version}
	if err := linux.UinputSetup(fd, caps.Name, id); err != nil {
		return fmt.Errorf("setup: %w", err)
	}
	return nil
}

// findNode finds the evdev node of input device sysname ("input7"): its
// event* child in sysfs, whose dev file holds "major:minor".
func findNode(sysfs, sysname string) (inputproxy.Node, error) {
	dir := filepath.Join(sysfs, "devices/virtual/input", sysname)
	ents, err := os.ReadDir(dir)
	if err != nil {
		return inputproxy.Node{}, fmt.Errorf("find evdev node: %w", err)
	}
	for _, e := range ents {
		if !strings.HasPrefix(e.Name(), "event") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name(), "dev"))
		if err != nil {
			return inputproxy.Node{}, fmt.Errorf("find evdev node: %w", err)
		}
		n := inputproxy.Node{Path: "/dev/input/" + e.Name()}
		if _, err := fmt.Sscanf(strings.TrimSpace(string(b)), "%d:%d", &n.Major, &n.Minor); err != nil {
			return inputproxy.Node{}, fmt.Errorf("parse %s/dev: %w", e.Name(), err)
		}
		return n, nil
	}
	return inputproxy.Node{}, fmt.Errorf("find evdev node: no event device under %s (is evdev loaded?)", dir)
}

// Write writes whole input_event records to the clone.
func (c *Clone) Write(p []byte) (int, error) { return c.f.Write(p) }

// Node returns the clone's evdev node.
func (c *Clone) Node() inputproxy.Node { return c.node }

// Close destroys the clone; later calls do nothing.
func (c *Clone) Close() error {
	var err error
	c.once.Do(func() {
		err = control(c.f, linux.UinputDestroy)
		if cerr := c.f.Close(); err == nil {
			err = cerr
		}
	})
	return err
}

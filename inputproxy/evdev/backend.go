package evdev

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"sync"

	"droidplex/inputproxy"
	"droidplex/inputproxy/route"
	"droidplex/internal/linux"
	"golang.org/x/sys/unix"
)

// Backend is the real inputproxy.Backend.
type Backend struct {
	Dir    string // input device nodes; default /dev/input
	Uinput string // default /dev/uinput
	Sysfs  string // default /sys
}

func (b *Backend) dir() string    { return orDefault(b.Dir, "/dev/input") }
func (b *Backend) uinput() string { return orDefault(b.Uinput, "/dev/uinput") }
func (b *Backend) sysfs() string  { return orDefault(b.Sysfs, "/sys") }

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// Open implements inputproxy.Backend.
func (b *Backend) Open(path string, accept func(*route.Caps) bool) (inputproxy.Source, route.Caps, error) {
	s, caps, err := Open(path, accept)
	if err != nil {
		return nil, caps, err
	}
	return s, caps, nil
}

// Clone implements inputproxy.Backend.
func (b *Backend) Clone(container string, caps route.Caps) (inputproxy.Sink, error) {
	c, err := NewClone(b.uinput(), b.sysfs(), inputproxy.ClonePhys+container, caps)
	if err != nil {
		return nil, err
	}
	return c, nil
}

// List implements inputproxy.Backend: the event* nodes in Dir (none if
// Dir does not exist, as on a kernel without input devices).
func (b *Backend) List() ([]string, error) {
	paths, err := filepath.Glob(filepath.Join(b.dir(), "event*"))
	if err != nil {
		return nil, err
	}
	return paths, nil
}

const watchMask = unix.IN_CREATE | unix.IN_ATTRIB | unix.IN_DELETE | unix.IN_MOVED_TO | unix.IN_MOVED_FROM

// Watch implements inputproxy.Backend with inotify on Dir. If Dir does not
// exist yet it watches its parent until Dir appears.
func (b *Backend) Watch(ctx context.Context, fn func(path string, added bool)) (func(), error) {
	f, err := linux.InotifyInit()
	if err != nil {
		return nil, err
	}
	dir := b.dir()
	dirWd, parentWd := -1, -1
	add := func() error {
		rc, err := f.SyscallConn()
		if err != nil {
			return err
		}
		var werr error
		err = rc.Control(func(fd uintptr) {
			dirWd, werr = linux.InotifyAddWatch(int(fd), dir, watchMask)
			if errors.Is(werr, fs.ErrNotExist) && parentWd < 0 {
				parentWd, werr = linux.InotifyAddWatch(int(fd), filepath.Dir(dir), unix.IN_CREATE|unix.IN_MOVED_TO)
			}
		})
		return errors.Join(err, werr)
	}
	if err := add(); err != nil {
		f.Close()
		return nil, fmt.Errorf("watch %s: %w", dir, err)
	}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		<-ctx.Done()
		f.Close()
	}()
	go func() {
		defer wg.Done()
		buf := make([]byte, 4096)
		for {
			n, err := f.Read(buf)
			if err != nil {
				return
			}
			parseInotify(buf[:n], func(wd int, mask uint32, name string) {
				switch {
				case wd == parentWd:
					if dirWd < 0 && name == filepath.Base(dir) && add() == nil && dirWd >= 0 {
						paths, _ := b.List()
						for _, p := range paths {
							fn(p, true)
						}
					}
				case wd != dirWd || !strings.HasPrefix(name, "event"):
				case mask&(unix.IN_DELETE|unix.IN_MOVED_FROM) != 0:
					fn(filepath.Join(dir, name), false)
				default:
					fn(filepath.Join(dir, name), true)
				}
			})
		}
	}()
	return wg.Wait, nil
}

// parseInotify calls fn for each whole struct inotify_event in b. It never
// panics, whatever b holds.
func parseInotify(b []byte, fn func(wd int, mask uint32, name string)) {
	const hdr = unix.SizeofInotifyEvent
	for len(b) >= hdr {
		wd := int(int32(binary.NativeEndian.Uint32(b[0:])))
		mask := binary.NativeEndian.Uint32(b[4:])
		n := binary.NativeEndian.Uint32(b[12:])
		if uint64(n) > uint64(len(b)-hdr) {
			return
		}
		name := string(b[hdr : hdr+int(n)])
		if i := strings.IndexByte(name, 0); i >= 0 {
			name = name[:i]
		}
		fn(wd, mask, name)
		b = b[hdr+int(n):]
	}
}

var _ inputproxy.Backend = (*Backend)(nil)

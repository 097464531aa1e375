package demo

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"syscall"

	"droidplex/internal/linux"
)

// outMarker marks a directory as the demo's: only such a directory, or an
// empty or new one, is written into.
const outMarker = ".droidplex-demo"

// outputs are the names the demo leaves in its output directory; a new run
// removes them first (a symlink is removed, never followed).
var outputs = []string{"mix.wav", "mix.png", "summary.txt", "logs"}

// outDir is the demo's output directory, locked against another demo
// writing into it at the same time.
type outDir struct {
	path string
	lock *os.File
}

// openOut makes dir ready for a run: it refuses a file, a directory that
// holds files the demo did not make, and a directory another demo is
// writing into; it removes the previous run's results.
func openOut(dir string) (*outDir, error) {
	if dir == "" {
		return nil, errors.New("--out is empty")
	}
	fi, err := os.Lstat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("cannot create --out %s: %w", dir, err)
		}
	case err != nil:
		return nil, fmt.Errorf("--out %s: %w", dir, err)
	case !fi.IsDir():
		return nil, fmt.Errorf("--out %s exists and is not a directory", dir)
	}
	lock, err := os.Open(dir)
	if err != nil {
		return nil, fmt.Errorf("--out %s: %w", dir, err)
	}
	if err := linux.TryLock(lock); err != nil {
		lock.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("another demo is writing to %s: wait for it or choose another --out", dir)
		}
		return nil, fmt.Errorf("lock --out %s: %w", dir, err)
	}
	o := &outDir{path: dir, lock: lock}
	if err := o.clear(); err != nil {
		o.Close()
		return nil, err
	}
	return o, nil
}

// clear checks the directory is empty or the demo's and removes the last
// run's results.
func (o *outDir) clear() error {
	names, err := o.lock.Readdirnames(-1)
	if err != nil {
		return fmt.Errorf("read --out %s: %w", o.path, err)
	}
	if len(names) > 0 && !ours(names) {
		slices.Sort(names)
		return fmt.Errorf("refusing to write into %s: it holds files the demo did not make (%s); choose a new or empty --out",
			o.path, names[0])
	}
	for _, n := range append(slices.Clone(outputs), outMarker) {
		if err := os.RemoveAll(filepath.Join(o.path, n)); err != nil {
			return fmt.Errorf("remove the last run's %s: %w", n, err)
		}
	}
	m, err := os.OpenFile(filepath.Join(o.path, outMarker), os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("--out %s is not writable: %w", o.path, err)
	}
	_, err = m.WriteString("droidplex demo output; a new run replaces it\n")
	if err = errors.Join(err, m.Close()); err != nil {
		return fmt.Errorf("--out %s: %w", o.path, err)
	}
	if err := os.Mkdir(filepath.Join(o.path, "logs"), 0o755); err != nil {
		return fmt.Errorf("--out %s: %w", o.path, err)
	}
	return nil
}

// ours reports whether a directory holding names is the demo's: marked, or
// (from before the mark) holding a summary and nothing but the demo's
// results.
func ours(names []string) bool {
	if slices.Contains(names, outMarker) {
		return true
	}
	for _, n := range names {
		if !slices.Contains(outputs, n) {
			return false
		}
	}
	return slices.Contains(names, "summary.txt")
}

// Close lets another demo write into the directory.
func (o *outDir) Close() error { return o.lock.Close() }

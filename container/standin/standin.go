// Package standin builds the stand-in Android image the demo and the tests
// run instead of a real Android (which needs binder, absent from most
// kernels): a read-only busybox rootfs whose /init starts long-running
// stand-in services, and a shared /system lower.
package standin

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
)

// Init is the stand-in Android /init: it reports what it sees in
// its /dev to $DATA/seen, starts long-running stand-in services, and exits
// cleanly on SIGTERM or SIGPWR. Under the LXC runtime it is pid 1 of a
// busybox rootfs; under the proc runtime it runs from the host.
const Init = `#!/bin/sh
export PATH=/system/bin:/bin:/usr/bin
SYS=/system
[ -d $SYS/bin ] || SYS=$(dirname "$0")/../system
export DATA=${DROIDPLEX_DATA:-/data}
trap 'kill $(jobs -p) 2>/dev/null; exit 0' TERM PWR INT
{
echo "run: $(ls /dev/droidplex | tr '\n' ' ')"
echo "input: $(ls /dev/input 2>/dev/null | tr '\n' ' ')"
echo "rild: $(readlink /dev/socket/rild)"
echo "pid: $$"
} > $DATA/seen.tmp && mv $DATA/seen.tmp $DATA/seen
for s in servicemanager surfaceflinger zygote; do $SYS/bin/$s & done
while :; do sleep 3600 & wait $!; done
`

const service = `#!/bin/sh
# stand-in Android service
echo "$(basename $0) started" >> ${DATA:-/data}/services.log
while :; do sleep 3600; done
`

// Image builds a stand-in Android image under dir from the host's
// static busybox: dir/rootfs (read-only root with /init) and dir/system
// (the shared /system lower with stand-in services). It returns their paths.
func Image(dir string) (rootfs, system string, err error) {
	busybox, err := exec.LookPath("busybox")
	if err != nil {
		return "", "", fmt.Errorf("stand-in image: %w (install busybox-static)", err)
	}
	rootfs, system = filepath.Join(dir, "rootfs"), filepath.Join(dir, "system")
	for _, d := range []string{"bin", "dev", "proc", "sys", "system", "data", "sdcard", "tmp", "mnt", "vendor"} {
		if err := os.MkdirAll(filepath.Join(rootfs, d), 0o755); err != nil {
			return "", "", err
		}
	}
	if err := os.MkdirAll(filepath.Join(system, "bin"), 0o755); err != nil {
		return "", "", err
	}
	b, err := os.ReadFile(busybox)
	if err != nil {
		return "", "", err
	}
	if err := replaceFile(filepath.Join(rootfs, "bin", "busybox"), b); err != nil {
		return "", "", err
	}
	for _, applet := range []string{"sh", "sleep", "ls", "cat", "echo", "readlink", "mv", "tr", "dirname", "basename", "kill", "touch", "mkdir", "rm"} {
		link := filepath.Join(rootfs, "bin", applet)
		if err := os.Remove(link); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return "", "", err
		}
		if err := os.Symlink("busybox", link); err != nil {
			return "", "", err
		}
	}
	if err := replaceFile(filepath.Join(rootfs, "init"), []byte(Init)); err != nil {
		return "", "", err
	}
	for _, s := range []string{"servicemanager", "surfaceflinger", "zygote"} {
		if err := replaceFile(filepath.Join(system, "bin", s), []byte(service)); err != nil {
			return "", "", err
		}
	}
	return rootfs, system, nil
}

// replaceFile writes an executable file by renaming a new one over it, so
// that a container running the old one (a busy text file) is left alone.
func replaceFile(path string, b []byte) error {
	if err := os.WriteFile(path+".new", b, 0o755); err != nil {
		return err
	}
	return os.Rename(path+".new", path)
}

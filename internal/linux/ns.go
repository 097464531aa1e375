package linux

import (
	"fmt"
	"os"
	"strconv"

	"golang.org/x/sys/unix"
)

// NamespaceInode returns the inode number that identifies the namespace of
// kind ("pid", "mnt", "net", ...) that process pid belongs to. pid 0 means
// the caller.
func NamespaceInode(pid int, kind string) (uint64, error) {
	p := "self"
	if pid != 0 {
		p = strconv.Itoa(pid)
	}
	path := fmt.Sprintf("/proc/%s/ns/%s", p, kind)
	var st unix.Stat_t
	if err := retry(func() error { return unix.Stat(path, &st) }); err != nil {
		return 0, &os.PathError{Op: "stat", Path: path, Err: err}
	}
	return st.Ino, nil
}

// Statfs returns the filesystem magic of path.
func Statfs(path string) (int64, error) {
	var st unix.Statfs_t
	if err := retry(func() error { return unix.Statfs(path, &st) }); err != nil {
		return 0, &os.PathError{Op: "statfs", Path: path, Err: err}
	}
	return st.Type, nil
}

package linux

import (
	"encoding/binary"
	"errors"
	"os"
	"strconv"
	"syscall"

	"golang.org/x/sys/unix"
)

// sock_diag's unix family (linux/unix_diag.h), not in x/sys.
const (
	udiagShowVFS = 0x2 // UDIAG_SHOW_VFS: ask for the bound file
	unixDiagVFS  = 1   // UNIX_DIAG_VFS: struct unix_diag_vfs {ino, dev u32}
)

// ErrNotBound is UnixBoundFile's error for a socket bound to no file.
var ErrNotBound = errors.New("the socket is bound to no file")

// UnixBoundFile returns the device (as stat's st_dev) and inode number of
// the file that binding the unix socket created, as the kernel recorded it
// (sock_diag, UDIAG_SHOW_VFS; CONFIG_UNIX_DIAG). Unlike a look-up of the
// path, it names that file even after the path has been made to name
// another. The inode number is the low 32 bits (the kernel reports no
// more).
func UnixBoundFile(rc syscall.RawConn) (dev uint64, ino uint32, err error) {
	var (
		st   unix.Stat_t
		serr error
	)
	if err := rc.Control(func(fd uintptr) { serr = retry(func() error { return unix.Fstat(int(fd), &st) }) }); err != nil {
		return 0, 0, err
	}
	if serr != nil {
		return 0, 0, wrap("fstat socket", serr)
	}
	nl, err := retry2(func() (int, error) {
		return unix.Socket(unix.AF_NETLINK, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, unix.NETLINK_SOCK_DIAG)
	})
	if err != nil {
		return 0, 0, wrap("socket netlink sock_diag", err)
	}
	defer unix.Close(nl)
	// nlmsghdr, then unix_diag_req: family, protocol, pad, states, ino,
	// show, cookie (none: INET_DIAG_NOCOOKIE).
	req := make([]byte, 40)
	ne := binary.NativeEndian
	ne.PutUint32(req[0:], 40)
	ne.PutUint16(req[4:], unix.SOCK_DIAG_BY_FAMILY)
	ne.PutUint16(req[6:], unix.NLM_F_REQUEST)
	ne.PutUint32(req[8:], 1)
	req[16] = unix.AF_UNIX
	ne.PutUint32(req[20:], ^uint32(0))
	ne.PutUint32(req[24:], uint32(st.Ino))
	ne.PutUint32(req[28:], udiagShowVFS)
	ne.PutUint32(req[32:], ^uint32(0))
	ne.PutUint32(req[36:], ^uint32(0))
	if err := retry(func() error { return unix.Sendto(nl, req, 0, &unix.SockaddrNetlink{Family: unix.AF_NETLINK}) }); err != nil {
		return 0, 0, wrap("sendto sock_diag", err)
	}
	buf := make([]byte, 4096)
	n, err := retry2(func() (int, error) { n, _, err := unix.Recvfrom(nl, buf, 0); return n, err })
	if err != nil {
		return 0, 0, wrap("recvfrom sock_diag", err)
	}
	return parseUnixDiag(buf[:n])
}

// parseUnixDiag reads the bound file out of sock_diag's one reply.
func parseUnixDiag(b []byte) (dev uint64, ino uint32, err error) {
	ne := binary.NativeEndian
	if len(b) < unix.NLMSG_HDRLEN {
		return 0, 0, wrap("sock_diag", unix.EBADMSG)
	}
	size := min(int(ne.Uint32(b)), len(b))
	switch ne.Uint16(b[4:]) {
	case unix.NLMSG_ERROR:
		if size < 20 {
			return 0, 0, wrap("sock_diag", unix.EBADMSG)
		}
		return 0, 0, wrap("sock_diag", syscall.Errno(-int32(ne.Uint32(b[16:]))))
	case unix.SOCK_DIAG_BY_FAMILY:
	default:
		return 0, 0, wrap("sock_diag", unix.EBADMSG)
	}
	// unix_diag_msg is 16 bytes; its attributes follow, 4-byte aligned.
	for a := unix.NLMSG_HDRLEN + 16; a+4 <= size; {
		alen, typ := int(ne.Uint16(b[a:])), ne.Uint16(b[a+2:])
		if alen < 4 || a+alen > size {
			break
		}
		if typ == unixDiagVFS && alen >= 12 {
			kdev := ne.Uint32(b[a+8:]) // the kernel's dev_t: major << 20 | minor
			return unix.Mkdev(kdev>>20, kdev&(1<<20-1)), ne.Uint32(b[a+4:]), nil
		}
		a += (alen + 3) &^ 3
	}
	return 0, 0, ErrNotBound
}

// OpenPath opens path with O_PATH, never following a symlink there (a
// symlink is opened itself): the descriptor names that file from then on,
// whatever is done to the path.
func OpenPath(path string) (*os.File, error) {
	fd, err := retry2(func() (int, error) { return unix.Open(path, unix.O_PATH|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0) })
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
	return os.NewFile(uintptr(fd), path), nil
}

// ChownFile changes the owner of the file f (from OpenPath) names itself,
// never a symlink's target; -1 leaves an id unchanged.
func ChownFile(f *os.File, uid, gid int) error {
	err := retry(func() error {
		return unix.Fchownat(int(f.Fd()), "", uid, gid, unix.AT_EMPTY_PATH|unix.AT_SYMLINK_NOFOLLOW)
	})
	if err != nil {
		return &os.PathError{Op: "chown", Path: f.Name(), Err: err}
	}
	return nil
}

// ChmodFile sets the permission bits of the file f (from OpenPath) names.
// A symlink is refused with ELOOP: its mode cannot be set, and a chmod
// through /proc would follow it.
func ChmodFile(f *os.File, mode uint32) error {
	var st unix.Stat_t
	if err := retry(func() error { return unix.Fstat(int(f.Fd()), &st) }); err != nil {
		return &os.PathError{Op: "chmod", Path: f.Name(), Err: err}
	}
	if st.Mode&unix.S_IFMT == unix.S_IFLNK {
		return &os.PathError{Op: "chmod", Path: f.Name(), Err: unix.ELOOP}
	}
	err := retry(func() error { return unix.Fchmodat(unix.AT_FDCWD, "/proc/self/fd/"+strconv.Itoa(int(f.Fd())), mode, 0) })
	if err != nil {
		return &os.PathError{Op: "chmod", Path: f.Name(), Err: err}
	}
	return nil
}

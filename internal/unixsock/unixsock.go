// Package unixsock holds the unix-socket mechanics every droidplex server and
// client shares: listening on a path with a mode and owner, reading the peer's
// credentials, passing file descriptors with SCM_RIGHTS, and SOCK_SEQPACKET
// sockets (net's "unixpacket").
package unixsock

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"

	"droidplex/internal/linux"
)

// Kinds of unix socket, named as package net names them.
const (
	Stream    = "unix"       // SOCK_STREAM
	SeqPacket = "unixpacket" // SOCK_SEQPACKET: message boundaries kept
)

// ErrTooManyFds is returned when a message carried more descriptors than the
// receiver asked for (they are closed, never leaked).
var ErrTooManyFds = errors.New("unixsock: message carried more descriptors than expected")

// ErrTruncated is returned when a message or its control data did not fit.
var ErrTruncated = errors.New("unixsock: message truncated")

// ListenOptions says how the socket file is created.
type ListenOptions struct {
	Mode fs.FileMode // permission bits of the socket file; 0 means 0660
	UID  int         // owner; -1 leaves it unchanged
	GID  int         // group; -1 leaves it unchanged
}

// Dial connects to a socket of kind at path.
func Dial(kind, path string) (*net.UnixConn, error) {
	c, err := net.DialUnix(kind, nil, &net.UnixAddr{Name: path, Net: kind})
	if err != nil {
		return nil, fmt.Errorf("dial %s: %w", filepath.Clean(path), err)
	}
	return c, nil
}

// PeerCred returns the credentials of the process at the other end of c.
func PeerCred(c *net.UnixConn) (linux.Cred, error) {
	rc, err := c.SyscallConn()
	if err != nil {
		return linux.Cred{}, fmt.Errorf("peer credentials: %w", err)
	}
	cr, err := linux.PeerCred(rc)
	if err != nil {
		return linux.Cred{}, fmt.Errorf("peer credentials: %w", err)
	}
	return cr, nil
}

// PeerPidfd returns a pidfd for the process at the other end of c, or
// linux.ErrPeerGone if it has exited (see linux.PeerPidfd).
func PeerPidfd(c *net.UnixConn) (*os.File, error) {
	rc, err := c.SyscallConn()
	if err != nil {
		return nil, fmt.Errorf("peer pidfd: %w", err)
	}
	f, err := linux.PeerPidfd(rc)
	if err != nil {
		return nil, fmt.Errorf("peer pidfd: %w", err)
	}
	return f, nil
}

// SendFds sends msg with files attached as SCM_RIGHTS. The caller keeps
// ownership of files; the receiver gets duplicates.
func SendFds(c *net.UnixConn, msg []byte, files ...*os.File) error {
	fds := make([]int, len(files))
	for i, f := range files {
		fds[i] = int(f.Fd())
	}
	var oob []byte
	if len(fds) > 0 {
		oob = unix.UnixRights(fds...)
	}
	n, oobn, err := c.WriteMsgUnix(msg, oob, nil)
	if err != nil {
		return fmt.Errorf("send fds: %w", err)
	}
	if n != len(msg) || oobn != len(oob) {
		return fmt.Errorf("send fds: short write %d/%d bytes, %d/%d control", n, len(msg), oobn, len(oob))
	}
	return nil
}

// RecvFds reads one message into buf and returns the files that came with
// it, at most maxFds. Any descriptor beyond maxFds, or received with a
// truncated message, is closed and an error returned, so a hostile peer can
// never make the receiver leak descriptors. At EOF it returns io.EOF.
func RecvFds(c *net.UnixConn, buf []byte, maxFds int) (int, []*os.File, error) {
	oob := make([]byte, unix.CmsgSpace(4*(maxFds+1)))
	n, oobn, flags, _, err := c.ReadMsgUnix(buf, oob)
	files, perr := parseRights(oob[:oobn])
	if err == nil && n == 0 && oobn == 0 {
		err = io.EOF
	}
	switch {
	case err != nil:
	case perr != nil:
		err = perr
	case flags&(unix.MSG_TRUNC|unix.MSG_CTRUNC) != 0:
		err = ErrTruncated
	case len(files) > maxFds:
		err = ErrTooManyFds
	}
	if err != nil {
		for _, f := range files {
			f.Close()
		}
		return n, nil, err
	}
	return n, files, nil
}

func parseRights(oob []byte) ([]*os.File, error) {
	if len(oob) == 0 {
		return nil, nil
	}
	msgs, err := unix.ParseSocketControlMessage(oob)
	if err != nil {
		return nil, fmt.Errorf("recv fds: %w", err)
	}
	var files []*os.File
	for _, m := range msgs {
		fds, err := unix.ParseUnixRights(&m)
		if err != nil {
			continue
		}
		for _, fd := range fds {
			files = append(files, os.NewFile(uintptr(fd), "scm_rights"))
		}
	}
	return files, nil
}

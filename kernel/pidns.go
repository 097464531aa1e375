package kernel

import (
	"errors"
	"fmt"

	"droidplex/internal/linux"
)

// ErrWrongContainer is returned when a socket peer is not in the container
// the socket belongs to.
var ErrWrongContainer = errors.New("peer is not in the socket's container")

// PidNamespace returns the inode of the pid namespace of process pid (0:
// the caller). Two processes are in the same pid namespace exactly when the
// inodes are equal.
func PidNamespace(pid int) (uint64, error) {
	ino, err := linux.NamespaceInode(pid, "pid")
	if err != nil {
		return 0, fmt.Errorf("pid namespace of %d: %w", pid, err)
	}
	return ino, nil
}

// CheckPeer cross-checks a socket peer (its pid from SO_PEERCRED, in the
// server's namespace) against the container whose socket it arrived on,
// identified by the pid-namespace inode of that container's init.
func CheckPeer(peerPID int, containerNS uint64) error {
	ns, err := PidNamespace(peerPID)
	if err != nil {
		return err
	}
	if ns != containerNS {
		return fmt.Errorf("peer pid %d in pid:[%d], container in pid:[%d]: %w", peerPID, ns, containerNS, ErrWrongContainer)
	}
	return nil
}

// MatchPeer returns which of the containers (name → pid-namespace inode) the
// peer belongs to.
func MatchPeer(peerPID int, containers map[string]uint64) (string, error) {
	ns, err := PidNamespace(peerPID)
	if err != nil {
		return "", err
	}
	for name, ino := range containers {
		if ino == ns {
			return name, nil
		}
	}
	return "", fmt.Errorf("peer pid %d in pid:[%d]: %w", peerPID, ns, ErrWrongContainer)
}

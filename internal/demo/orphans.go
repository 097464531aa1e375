package demo

import (
	"os"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"droidplex/internal/linux"
)

// The demo is its descendants' subreaper: a process a daemon started and
// left behind when it ended (a stand-in container droidplexd did not stop,
// with its bus and oFono) becomes the demo's child, and reapOrphans stops
// it.

// child is a process whose parent is this one.
type child struct{ pid, pgid int }

// children lists this process's children from /proc, except those in skip.
func children(skip []int) []child {
	self := os.Getpid()
	ents, _ := os.ReadDir("/proc")
	var out []child
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || slices.Contains(skip, pid) {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		// pid (comm) state ppid pgrp ...: comm may hold spaces and parens.
		f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
		if len(f) < 3 {
			continue
		}
		ppid, _ := strconv.Atoi(f[1])
		pgid, _ := strconv.Atoi(f[2])
		if ppid == self {
			out = append(out, child{pid, pgid})
		}
	}
	return out
}

// reapOrphans stops every child of this process but those in skip (which
// were there before the demo started), process group by process group:
// SIGTERM, SIGKILL after grace. Their own children are reparented here as
// they end and are stopped in the next round.
func reapOrphans(skip []int, grace time.Duration) {
	for round := 0; round < 10; round++ {
		kids := children(skip)
		if len(kids) == 0 {
			return
		}
		for _, c := range kids {
			signal(c, syscall.SIGTERM)
		}
		deadline := time.Now().Add(grace)
		for _, c := range kids {
			for {
				if done, err := linux.Reap(c.pid, false); done || err != nil {
					break
				}
				if time.Now().After(deadline) {
					signal(c, syscall.SIGKILL)
					_, _ = linux.Reap(c.pid, true)
					break
				}
				time.Sleep(20 * time.Millisecond)
			}
		}
	}
}

// signal sends sig to c and to its process group, unless that group is
// this process's own.
func signal(c child, sig syscall.Signal) {
	if c.pgid > 1 && c.pgid != syscall.Getpgrp() {
		_ = syscall.Kill(-c.pgid, sig)
	}
	_ = syscall.Kill(c.pid, sig)
}

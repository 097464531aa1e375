package demo

import (
	"os/exec"
	"runtime"
	"sync"
	"syscall"
)

// Every process the demo starts to keep running (the daemons, PulseAudio,
// parec) gets a parent-death signal, so that it ends with the demo even
// when the demo is killed (SIGKILL, a crash) and stops nothing; commands
// it runs to their end (pactl, droidplex autostart, sox) end by themselves. The kernel sends that signal when the *thread* that
// forked the process ends, not the process: a child started from a
// goroutine locked to its thread would be signalled as soon as that
// goroutine returned. So they are all started from one thread, locked for
// good by a goroutine that never returns.

// startReq is a command for the spawning thread to start.
type startReq struct {
	cmd *exec.Cmd
	err chan error
}

// spawnq is the spawning thread's queue; spawnOnce starts it.
var (
	spawnq    = make(chan startReq)
	spawnOnce sync.Once
)

// spawnLoop locks its goroutine to its thread and starts what it is sent.
// It never returns, so the thread, the parent of every process the demo
// starts, lives as long as the demo.
func spawnLoop() {
	runtime.LockOSThread()
	for r := range spawnq {
		r.err <- r.cmd.Start()
	}
}

// startDying starts cmd, a process that gets sig when the demo ends (even
// by SIGKILL): cmd.Start on the spawning thread, with Pdeathsig set.
func startDying(cmd *exec.Cmd, sig syscall.Signal) error {
	spawnOnce.Do(func() { go spawnLoop() })
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Pdeathsig = sig
	r := startReq{cmd: cmd, err: make(chan error, 1)}
	spawnq <- r
	return <-r.err
}

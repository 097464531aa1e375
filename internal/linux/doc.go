// Package linux is the one package in droidplex that makes system calls.
//
// Every wrapper retries EINTR and returns an *os.SyscallError (or an
// *os.PathError when a path is involved), so callers can match errnos with
// errors.Is. Other packages may use golang.org/x/sys/unix constants, but call
// into the kernel only through here. Areas add their wrappers in a file named
// after them (audio.go, input.go, mount.go, ...), one file per device family.
package linux

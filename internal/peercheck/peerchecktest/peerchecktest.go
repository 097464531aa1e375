// Package peerchecktest starts socket clients in a pid namespace of their
// own, for root tests of the proxies' peer check: the test binary runs
// again, in a new pid namespace, executing only a helper test that dials.
package peerchecktest

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
)

const envTarget = "DROIDPLEX_PEERCHECK_TARGET"

// Client is a helper process in its own pid namespace, waiting to dial.
type Client struct {
	// Pid is its pid on the host: the init of its pid namespace, as a
	// container's init would be.
	Pid   int
	cmd   *exec.Cmd
	stdin io.WriteCloser
	out   bytes.Buffer
}

// Start runs the test binary's test named helper in a new pid namespace
// (root only) with target for Target; it waits until Dial.
func Start(t *testing.T, helper, target string) *Client {
	t.Helper()
	c := &Client{cmd: exec.Command(os.Args[0], "-test.run=^"+helper+"$", "-test.count=1")}
	c.cmd.Env = append(os.Environ(), envTarget+"="+target)
	c.cmd.Stdout, c.cmd.Stderr = &c.out, &c.out
	c.cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWPID, Pdeathsig: syscall.SIGKILL}
	var err error
	if c.stdin, err = c.cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	if err := c.cmd.Start(); err != nil {
		t.Fatalf("start a client in a new pid namespace: %v", err)
	}
	c.Pid = c.cmd.Process.Pid
	t.Cleanup(func() {
		if c.stdin != nil {
			c.stdin.Close()
			c.cmd.Wait()
		}
	})
	return c
}

// Dial lets the helper dial and returns the line it printed as "result: ...".
func (c *Client) Dial(t *testing.T) string {
	t.Helper()
	c.stdin.Write([]byte("go\n"))
	c.stdin.Close()
	c.stdin = nil
	err := c.cmd.Wait()
	for _, line := range strings.Split(c.out.String(), "\n") {
		if r, ok := strings.CutPrefix(line, "result: "); ok {
			return r
		}
	}
	t.Fatalf("helper printed no result (%v):\n%s", err, c.out.String())
	return ""
}

// Target returns the target the helper was started with once the test
// lets it dial, and false when this process is no helper (the helper test
// then returns at once). The helper prints its answer with Report.
func Target() (string, bool) {
	target := os.Getenv(envTarget)
	if target == "" {
		return "", false
	}
	bufio.NewReader(os.Stdin).ReadString('\n')
	return target, true
}

// Report prints the helper's result for Dial.
func Report(result string) { os.Stdout.WriteString("\nresult: " + result + "\n") }

package lxc

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	golxc "github.com/lxc/go-lxc"

	"droidplex/internal/linux"
)

const (
	helperEnv     = "DROIDPLEX_LXC_START"
	helperPathEnv = "DROIDPLEX_LXC_PATH"
	helperNiceEnv = "DROIDPLEX_LXC_NICE" // the priority to take back once started up
)

// RunHelperIfRequested turns the process into the start helper when it was
// re-executed by Runtime.Start: it starts the container, waits until it
// runs, and exits (0 on success). Otherwise it returns at once. Call it
// first thing in main (and in TestMain of tests that start containers).
func RunHelperIfRequested() {
	name := os.Getenv(helperEnv)
	if name == "" {
		return
	}
	if name == "-" { // a helper kept ready: the name comes when needed
		if n, err := strconv.Atoi(os.Getenv(helperNiceEnv)); err == nil {
			_ = linux.SetNice(0, n)
		}
		line, err := bufio.NewReader(os.Stdin).ReadString('\n')
		name = strings.TrimSpace(line)
		if name == "" {
			if err == io.EOF {
				os.Exit(0) // dismissed unused
			}
			fmt.Fprintln(os.Stderr, errNoName)
			os.Exit(1)
		}
	}
	if err := startHelper(name, os.Getenv(helperPathEnv)); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(0)
}

func startHelper(name, lxcpath string) error {
	c, err := golxc.NewContainer(name, lxcpath)
	if err != nil {
		return fmt.Errorf("lxc %s: %w", name, err)
	}
	defer golxc.Release(c)
	// A container whose init just died may still be torn down by its monitor.
	if s := c.State(); s != golxc.STOPPED {
		c.Wait(golxc.STOPPED, 5*time.Second)
	}
	if err := c.WantDaemonize(true); err != nil {
		return err
	}
	if err := c.Start(); err != nil {
		return fmt.Errorf("lxc start %s: %w", name, err)
	}
	if !c.Wait(golxc.RUNNING, 10*time.Second) {
		return fmt.Errorf("lxc start %s: not running after 10s (state %s)", name, c.State())
	}
	return nil
}

package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// Regression tests for bugs found in review; each failed before its fix.

// A mistyped subcommand of a command group (`droidplex modem call-inn`)
// printed the group's help and exited 0, so a script's typo passed as
// success. Every group must refuse an unknown subcommand.
func TestUnknownSubcommandOfAGroupFails(t *testing.T) {
	var groups [][]string
	var walk func(c *cobra.Command, path []string)
	walk = func(c *cobra.Command, path []string) {
		if c.HasSubCommands() && len(path) > 0 {
			groups = append(groups, path)
		}
		for _, sub := range c.Commands() {
			walk(sub, append(append([]string(nil), path...), sub.Name()))
		}
	}
	walk(newRoot(), nil)
	if len(groups) < 4 {
		t.Fatalf("only %d command groups found: %v", len(groups), groups)
	}
	for _, g := range groups {
		root := newRoot()
		var out bytes.Buffer
		root.SetOut(&out)
		root.SetErr(&out)
		root.SetArgs(append(append([]string(nil), g...), "no-such-subcommand"))
		err := root.ExecuteContext(context.Background())
		if err == nil || !strings.Contains(err.Error(), `unknown command "no-such-subcommand"`) {
			t.Errorf("droidplex %s no-such-subcommand: err %v, want an unknown command error", strings.Join(g, " "), err)
		}
		// Without arguments a group still shows its help.
		root = newRoot()
		out.Reset()
		root.SetOut(&out)
		root.SetErr(&out)
		root.SetArgs(g)
		if err := root.ExecuteContext(context.Background()); err != nil || !strings.Contains(out.String(), "Available Commands:") {
			t.Errorf("droidplex %s: err %v, output %q", strings.Join(g, " "), err, out.String())
		}
	}
}

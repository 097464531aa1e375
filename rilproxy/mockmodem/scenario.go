package mockmodem

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// A Scenario is a script for the far end and the network, one step per
// line. Blank lines and lines starting with # are ignored; arguments are
// separated by spaces, and an argument with spaces is written as a Go
// double-quoted string.
//
//	call-in NUMBER            a call from NUMBER rings
//	answer-remote             the far end answers the outgoing call
//	reject-remote             the far end rejects it (busy)
//	hangup-remote [INDEX]     the far end hangs up call INDEX (default: all)
//	sms-in FROM TEXT          an SMS from FROM arrives
//	ussd-in TEXT              a network USSD notification
//	signal BARS               signal strength 0–4
//	registration STATE        home, roaming, searching, denied, none
//	sleep DURATION            pause (Go duration: 500ms, 2s)
//	timeout DURATION          limit for each following wait (default 10s)
//	wait radio on|off         until the radio is on/off
//	wait call INDEX STATE     until call INDEX is in STATE (dialing, alerting,
//	                          active, holding, incoming, waiting) or "gone"
//	wait calls N              until there are N calls
//	wait sms-sent N           until clients have sent N messages
//	wait sms-delivered        until every incoming SMS is acknowledged
//	wait clients N            until N rild clients are connected
//
// Example:
//
//	wait radio on
//	call-in +15551234
//	wait call 1 active        # the client answered
//	hangup-remote
//	sms-in +15551234 "see you soon"
//	wait sms-delivered
type Scenario []Step

// Step is one parsed line of a scenario.
type Step struct {
	Line int      // 1-based line number in the script
	Verb string   // "call-in", "wait", ...
	Args []string // unquoted arguments
}

// ErrScenario is wrapped by every scenario parse or run error.
var ErrScenario = errors.New("scenario")

var arity = map[string][2]int{ // min, max arguments
	"call-in": {1, 1}, "answer-remote": {0, 0}, "reject-remote": {0, 0}, "hangup-remote": {0, 1},
	"sms-in": {2, 2}, "ussd-in": {1, 1}, "signal": {1, 1}, "registration": {1, 1},
	"sleep": {1, 1}, "timeout": {1, 1}, "wait": {1, 3},
}

var waitArity = map[string]int{"radio": 1, "call": 2, "calls": 1, "sms-sent": 1, "sms-delivered": 0, "clients": 1}

// ParseScenario reads a script. Errors name the line.
func ParseScenario(r io.Reader) (Scenario, error) {
	var s Scenario
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		args, err := splitArgs(sc.Text())
		if err != nil {
			return nil, fmt.Errorf("%w: line %d: %w", ErrScenario, n, err)
		}
		if len(args) == 0 {
			continue
		}
		st := Step{Line: n, Verb: args[0], Args: args[1:]}
		if err := st.check(); err != nil {
			return nil, fmt.Errorf("%w: line %d: %w", ErrScenario, n, err)
		}
		s = append(s, st)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrScenario, err)
	}
	return s, nil
}

// splitArgs splits a line into words; "quoted strings" are unquoted and a
// # outside quotes starts a comment.
func splitArgs(line string) ([]string, error) {
	var out []string
	for {
		line = strings.TrimLeft(line, " \t")
		switch {
		case line == "" || line[0] == '#':
			return out, nil
		case line[0] == '"':
			q, err := strconv.QuotedPrefix(line)
			if err != nil {
				return nil, fmt.Errorf("bad quoted string: %s", line)
			}
			u, _ := strconv.Unquote(q)
			out = append(out, u)
			line = line[len(q):]
		default:
			end := strings.IndexAny(line, " \t")
			if end < 0 {
				end = len(line)
			}
			out = append(out, line[:end])
			line = line[end:]
		}
	}
}

func (st Step) check() error {
	a, ok := arity[st.Verb]
	if !ok {
		return fmt.Errorf("unknown step %q", st.Verb)
	}
	if len(st.Args) < a[0] || len(st.Args) > a[1] {
		return fmt.Errorf("%s takes %d to %d arguments, got %d", st.Verb, a[0], a[1], len(st.Args))
	}
	num := func(s string) error {
		if _, err := strconv.Atoi(s); err != nil {
			return fmt.Errorf("%s: %q is not a number", st.Verb, s)
		}
		return nil
	}
	switch st.Verb {
	case "sleep", "timeout":
		if d, err := time.ParseDuration(st.Args[0]); err != nil || d < 0 {
			return fmt.Errorf("%s: bad duration %q", st.Verb, st.Args[0])
		}
	case "signal":
		return num(st.Args[0])
	case "hangup-remote":
		if len(st.Args) == 1 {
			return num(st.Args[0])
		}
	case "wait":
		n, ok := waitArity[st.Args[0]]
		if !ok || len(st.Args)-1 != n {
			return fmt.Errorf("wait: unknown condition %q or wrong arguments", strings.Join(st.Args, " "))
		}
		switch st.Args[0] {
		case "radio":
			if st.Args[1] != "on" && st.Args[1] != "off" {
				return fmt.Errorf("wait radio: want on or off, got %q", st.Args[1])
			}
		case "call":
			if _, ok := waitStates[st.Args[2]]; !ok {
				return fmt.Errorf("wait call: unknown state %q", st.Args[2])
			}
			return num(st.Args[1])
		case "calls", "sms-sent", "clients":
			return num(st.Args[1])
		}
	}
	return nil
}

var waitStates = map[string]bool{"dialing": true, "alerting": true, "active": true, "holding": true,
	"incoming": true, "waiting": true, "gone": true}

package mockmodem

import (
	"context"
	"fmt"
	"strconv"
	"time"
)

// DefaultWaitTimeout bounds each wait step of a scenario unless the script
// sets another with "timeout".
const DefaultWaitTimeout = 10 * time.Second

// Run executes the scenario's steps on m in order. It stops at the first
// failing step (the error names its line) or when ctx ends.
func (s Scenario) Run(ctx context.Context, m *Modem) error {
	timeout := DefaultWaitTimeout
	for _, st := range s {
		if err := st.run(ctx, m, &timeout); err != nil {
			return fmt.Errorf("%w: line %d (%s): %w", ErrScenario, st.Line, st.Verb, err)
		}
	}
	return nil
}

func (st Step) run(ctx context.Context, m *Modem, timeout *time.Duration) error {
	atoi := func(i int) int { n, _ := strconv.Atoi(st.Args[i]); return n }
	switch st.Verb {
	case "call-in":
		_, err := m.IncomingCall(st.Args[0])
		return err
	case "answer-remote":
		return m.RemoteAnswer()
	case "reject-remote":
		return m.RemoteReject()
	case "hangup-remote":
		idx := 0
		if len(st.Args) == 1 {
			idx = atoi(0)
		}
		return m.RemoteHangup(idx)
	case "sms-in":
		return m.IncomingSMS(st.Args[0], st.Args[1])
	case "ussd-in":
		m.IncomingUSSD(st.Args[0])
		return nil
	case "signal":
		return m.SetSignal(atoi(0))
	case "registration":
		return m.SetRegistration(st.Args[0])
	case "sleep":
		d, _ := time.ParseDuration(st.Args[0])
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(d):
			return nil
		}
	case "timeout":
		*timeout, _ = time.ParseDuration(st.Args[0])
		return nil
	case "wait":
		wctx, cancel := context.WithTimeout(ctx, *timeout)
		defer cancel()
		return m.WaitFor(wctx, st.condition())
	}
	return fmt.Errorf("unknown step %q", st.Verb)
}

// condition turns a checked wait step into a predicate on the status.
func (st Step) condition() func(Status) bool {
	n := func(i int) int { v, _ := strconv.Atoi(st.Args[i]); return v }
	switch st.Args[0] {
	case "radio":
		return func(s Status) bool { return s.Radio == st.Args[1] }
	case "call":
		idx, state := n(1), st.Args[2]
		return func(s Status) bool {
			for _, c := range s.Calls {
				if c.Index == idx {
					return c.State == state
				}
			}
			return state == "gone"
		}
	case "calls":
		return func(s Status) bool { return len(s.Calls) == n(1) }
	case "sms-sent":
		return func(s Status) bool { return len(s.SMSSent) >= n(1) }
	case "sms-delivered":
		return func(s Status) bool { return s.SMSWaiting == 0 }
	case "clients":
		return func(s Status) bool { return s.Clients == n(1) }
	}
	return func(Status) bool { return false }
}

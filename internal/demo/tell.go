package demo

import (
	"context"
	"fmt"
	"time"

	"droidplex/internal/ctlhttp"
	"droidplex/rilproxy"
	"droidplex/rilproxy/ofonotest"
)

// tell runs the story's steps in order. Each step checks what it claims.
func (s *story) tell(ctx context.Context) {
	n := s.n
	n.step(ctx, "both containers play different tones at once", func() (string, error) {
		var got map[string]int
		err := waitFor(ctx, 15*time.Second, "a playing stream in each container", func() (bool, error) {
			var err error
			got, err = s.audioStreams(ctx)
			return err == nil && got["personal"] > 0 && got["work"] > 0, err
		})
		return fmt.Sprintf("streams open: personal %d (%g Hz), work %d (%g Hz)", got["personal"], s.cfg.Tones["personal"],
			got["work"], s.cfg.Tones["work"]), err
	})
	n.pause(ctx, 4*time.Second) // both tones play together, with no call (the policy ducks during calls)

	n.step(ctx, "personal calls out; the far end answers, then hangs up", func() (string, error) {
		return s.outgoing(ctx, "personal", "+15550001", true)
	})
	n.step(ctx, "work calls out; work hangs up", func() (string, error) {
		return s.outgoing(ctx, "work", "+15550002", false)
	})
	n.step(ctx, "an incoming call rings the foreground container (personal)", func() (string, error) {
		return s.incoming(ctx, "+15559001", "personal", "work")
	})
	n.step(ctx, "foreground switches to work", func() (string, error) {
		if err := s.ctl.SetForeground(ctx, "work"); err != nil {
			return "", err
		}
		fg, err := s.ctl.Foreground(ctx)
		if err == nil && fg != "work" {
			err = fmt.Errorf("droidplexd says the foreground is %q", fg)
		}
		if err != nil {
			return "", err
		}
		// The proxies follow droidplexd's event stream: the switch is done
		// once rilproxyd has it (a call arriving before then would rightly
		// ring the previous foreground).
		err = waitFor(ctx, 5*time.Second, "rilproxyd following the switch", func() (bool, error) {
			var st rilproxy.Status
			err := ctlhttp.Do(ctx, ctlhttp.NewClient(s.rilSocket()), "GET", "/v1/status", nil, &st)
			return err == nil && st.Foreground == "work", err
		})
		if err != nil {
			return "", err
		}
		return "droidplex switch work: foreground is " + fg + " at droidplexd and rilproxyd", nil
	})
	n.step(ctx, "the next incoming call rings the new foreground (work)", func() (string, error) {
		return s.incoming(ctx, "+15559002", "work", "personal")
	})
	n.step(ctx, "an incoming SMS reaches the target container (work) only", func() (string, error) {
		return s.sms(ctx, "+15557777", "hello from droidplex", "work", "personal")
	})
	n.pause(ctx, time.Second) // the recorder is a little behind: keep the end of the story in the mix
}

// outgoing dials from caller; the far end answers. Then either the far end
// (remoteHangup) or the caller hangs up. The call must be owned by caller
// and invisible to the other container.
func (s *story) outgoing(ctx context.Context, caller, number string, remoteHangup bool) (string, error) {
	o := s.ofono[caller]
	other := otherThan(caller)
	s.clearCalls()
	var owner string
	err := within(ctx, 20*time.Second, func(ctx context.Context) error {
		path, err := o.Dial(ctx, number)
		if err != nil {
			return err
		}
		if _, err := o.WaitCalls(ctx, hasState("alerting")); err != nil {
			return err
		}
		if err := s.modem.AnswerRemote(ctx); err != nil {
			return fmt.Errorf("answer-remote: %w", err)
		}
		if err := o.WaitCallState(ctx, path, "active"); err != nil {
			return err
		}
		if owner, err = s.owner(ctx, "active"); err != nil {
			return err
		}
		if owner != caller {
			return fmt.Errorf("droidplexd says the call belongs to %q", owner)
		}
		if err := s.noCallsIn(ctx, other); err != nil {
			return err
		}
		if remoteHangup {
			err = s.modem.HangupRemote(ctx, 0)
		} else {
			err = o.Hangup(ctx, path)
		}
		if err != nil {
			return err
		}
		_, err = o.WaitCalls(ctx, none)
		return err
	})
	if err != nil {
		return "", err
	}
	how := "the far end hung up"
	if !remoteHangup {
		how = caller + " hung up"
	}
	return fmt.Sprintf("%s: dialling → alerting → active, owner %s (droidplexd call-state), %s hidden from %s; %s",
		number, owner, number, other, how), err
}

// incoming injects a call at the modem; it must ring target only, which
// answers it and hangs up.
func (s *story) incoming(ctx context.Context, number, target, other string) (string, error) {
	s.clearCalls()
	var owner string
	err := within(ctx, 20*time.Second, func(ctx context.Context) error {
		if _, err := s.modem.CallIn(ctx, number); err != nil {
			return fmt.Errorf("call-in: %w", err)
		}
		o := s.ofono[target]
		calls, err := o.WaitCalls(ctx, hasState("incoming"))
		if err != nil {
			return err
		}
		if err := s.noCallsIn(ctx, other); err != nil {
			return err
		}
		path := calls[0].Path
		if err := o.Answer(ctx, path); err != nil {
			return err
		}
		if err := o.WaitCallState(ctx, path, "active"); err != nil {
			return err
		}
		if owner, err = s.owner(ctx, "active"); err != nil {
			return err
		}
		if owner != target {
			return fmt.Errorf("droidplexd says the call belongs to %q", owner)
		}
		if err := o.Hangup(ctx, path); err != nil {
			return err
		}
		_, err = o.WaitCalls(ctx, none)
		return err
	})
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s rang %s only; %s answered it (owner %s) and hung up", number, target, target, owner), nil
}

// sms injects an SMS at the modem; it must arrive in target only.
func (s *story) sms(ctx context.Context, from, text, target, other string) (string, error) {
	before := len(s.ofono[other].Signals())
	var got ofonotest.Message
	err := within(ctx, 20*time.Second, func(ctx context.Context) error {
		if err := s.modem.SMSIn(ctx, from, text); err != nil {
			return fmt.Errorf("sms-in: %w", err)
		}
		var err error
		if got, err = s.ofono[target].WaitIncomingMessage(ctx, 1); err != nil {
			return err
		}
		if got.Text != text || got.Sender != from {
			return fmt.Errorf("%s received %q from %q", target, got.Text, got.Sender)
		}
		time.Sleep(500 * time.Millisecond) // give a misrouted copy time to show up
		for _, sig := range s.ofono[other].Signals()[before:] {
			if sig.Name == ofonotest.IfaceMessageMgr+".IncomingMessage" {
				return fmt.Errorf("%s received the SMS too", other)
			}
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%q from %s arrived in %s (oFono IncomingMessage), not in %s", got.Text, got.Sender, target, other), nil
}

func otherThan(name string) string {
	for _, c := range Containers {
		if c != name {
			return c
		}
	}
	return ""
}

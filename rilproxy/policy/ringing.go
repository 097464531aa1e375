package policy

import (
	"slices"

	"droidplex/rilproxy/parcel"
)

// Calls that ring: an incoming call rings in one container, or with ring-all
// in several until one answers; and where the indications of ringing and
// dialling calls go.

// Answer claims for container the incoming call that rings in it (with
// ring-all the first answer wins) and returns an Ended event for each other
// container the call stops ringing in; false when no call rings in
// container.
func (t *Calls) Answer(container string) ([]CallEvent, bool) {
	c := t.ringingIn(container)
	if c == nil {
		return nil, false
	}
	var lost []CallEvent
	for _, r := range c.recipients() {
		if r != container {
			lost = append(lost, CallEvent{Container: r, Index: c.index, State: Ended, MT: c.mt, Number: c.number})
		}
	}
	c.owner, c.ringing = container, nil
	return lost, true
}

// Decline handles container refusing an incoming call that still rings in
// other containers too (ring-all): HANGUP of its index, UDUB or
// HANGUP_WAITING_OR_BACKGROUND (p is the request's decoded payload). The
// call stops ringing in container only, and ended has its Ended event; the
// modem is not told, so the others can still answer. false when that is not the case: the request then goes to
// the modem as usual, as it does from the last container the call rings
// in, whose refusal rejects the call.
func (t *Calls) Decline(container string, id parcel.ReqID, p parcel.Payload) (ended []CallEvent, ok bool) {
	var c *call
	switch id {
	case parcel.ReqHangup:
		ints, isInts := p.(parcel.Ints)
		if !isInts || len(ints) == 0 {
			return nil, false
		}
		c = t.find(ints[0])
	case parcel.ReqUdub, parcel.ReqHangupWaitingOrBackground:
		// AT+CHLD=0: UDUB for a waiting call before anything held; how
		// Android's GsmCdmaCallTracker hangs up a ringing call
		c = t.ringingIn(container)
	}
	if c == nil || c.owner != "" || len(c.ringing) < 2 || !slices.Contains(c.ringing, container) {
		return nil, false
	}
	c.ringing = slices.DeleteFunc(slices.Clone(c.ringing), func(s string) bool { return s == container })
	return []CallEvent{{Container: container, Index: c.index, State: Ended, MT: c.mt, Number: c.number}}, true
}

// ringingIn returns the unanswered incoming (or waiting) call that rings in
// container, if any.
func (t *Calls) ringingIn(container string) *call {
	for i := range t.calls {
		c := &t.calls[i]
		if (c.state == parcel.CallIncoming || c.state == parcel.CallWaiting) && c.visibleTo(container) {
			return c
		}
	}
	return nil
}

// Ringing returns the containers in which an unanswered incoming (or
// waiting) call rings, appended to dst: where CALL_RING goes. A container
// busy with a call of its own does not hear another's ring.
func (t *Calls) Ringing(dst []string) []string {
	for i := range t.calls {
		c := &t.calls[i]
		if c.state != parcel.CallIncoming && c.state != parcel.CallWaiting {
			continue
		}
		for _, r := range c.recipients() {
			if !slices.Contains(dst, r) {
				dst = append(dst, r)
			}
		}
	}
	return dst
}

// Dialling returns the containers with an outgoing call not yet answered
// (dialling or alerting) or a DIAL in flight, appended to dst: where the
// ringback tone goes.
func (t *Calls) Dialling(dst []string) []string {
	if t.dialing != "" {
		dst = append(dst, t.dialing)
	}
	for i := range t.calls {
		c := &t.calls[i]
		if (c.state == parcel.CallDialing || c.state == parcel.CallAlerting) && c.owner != "" && !slices.Contains(dst, c.owner) {
			dst = append(dst, c.owner)
		}
	}
	return dst
}

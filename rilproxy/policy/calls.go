package policy

import (
	"slices"

	"droidplex/rilproxy/parcel"
)

// Ended is the CallEvent state of a call that left the modem's list.
const Ended int32 = -1

// CallEvent is one change found by Calls.Reconcile, for one container: the
// owner, or each container an unanswered incoming call rings in.
type CallEvent struct {
	Container string
	Index     int32
	State     int32 // a parcel call state (parcel.CallActive...) or Ended
	MT        bool
	Number    string
}

type call struct {
	index   int32
	owner   string   // "" while an incoming call rings in several containers
	ringing []string // where an unowned incoming call rings
	state   int32
	mt      bool
	number  string
}

func (c *call) visibleTo(name string) bool {
	return c.owner == name || (c.owner == "" && slices.Contains(c.ringing, name))
}

func (c *call) recipients() []string {
	if c.owner != "" {
		return []string{c.owner}
	}
	return c.ringing
}

// Calls is the call-ownership table: which container each of the modem's
// calls belongs to. It changes only through its methods; the multiplexer
// owns one and feeds it every call list it sees.
type Calls struct {
	calls   []call
	dialing string // container whose DIAL is in flight
}

// Dialing records that container's DIAL was forwarded: the next new
// mobile-originated call is its.
func (t *Calls) Dialing(container string) { t.dialing = container }

// DialFailed forgets a DIAL the modem refused.
func (t *Calls) DialFailed(container string) {
	if t.dialing == container {
		t.dialing = ""
	}
}

// DialSettled forgets the DIAL in flight: the modem accepted it, and a call
// list read after that showed no new call of it (the call ended at once).
func (t *Calls) DialSettled() { t.dialing = "" }

func (t *Calls) at(index int32) int {
	for i := range t.calls {
		if t.calls[i].index == index {
			return i
		}
	}
	return -1
}

func (t *Calls) find(index int32) *call {
	if i := t.at(index); i >= 0 {
		return &t.calls[i]
	}
	return nil
}

// Reconcile updates the table from the modem's call list and returns the
// changes. A new mobile-originated call belongs to the container whose DIAL
// is in flight (fallback when none is: a call the SIM toolkit placed); a new
// incoming call rings in ring() (owned at once when that is one container).
func (t *Calls) Reconcile(list parcel.CallList, ring func() []string, fallback string) []CallEvent {
	var evs []CallEvent
	emit := func(c *call, state int32) {
		index := c.index
		if index < 0 { // moved aside for a new call on its index
			index = -1 - index
		}
		for _, r := range c.recipients() {
			evs = append(evs, CallEvent{Container: r, Index: index, State: state, MT: c.mt, Number: c.number})
		}
	}
	seen := make([]bool, len(t.calls))
	for _, e := range list {
		if i := t.at(e.Index); i >= 0 && sameCall(&t.calls[i], e) {
			seen[i] = true
			if c := &t.calls[i]; c.state != e.State {
				c.state = e.State
				emit(c, e.State)
			}
			continue
		}
		nc := call{index: e.Index, state: e.State, mt: e.IsMT, number: e.Number.S}
		if e.IsMT {
			targets := ring()
			if len(targets) == 1 {
				nc.owner = targets[0]
			} else {
				nc.ringing = targets
			}
		} else if t.dialing != "" {
			nc.owner, t.dialing = t.dialing, ""
		} else {
			nc.owner = fallback
		}
		if old := t.at(e.Index); old >= 0 { // index reused by another call
			seen[old] = false
			t.calls[old].index = -1 - t.calls[old].index // out of the way of lookups
		}
		t.calls = append(t.calls, nc)
		seen = append(seen, true)
		emit(&t.calls[len(t.calls)-1], e.State)
	}
	kept := t.calls[:0]
	for i := range t.calls {
		if seen[i] {
			kept = append(kept, t.calls[i])
			continue
		}
		emit(&t.calls[i], Ended)
	}
	clear(t.calls[len(kept):])
	t.calls = kept
	return evs
}

// sameCall reports whether entry e of a new list is call c (the modem
// reuses indexes: a list read late may show a new call where an ended one
// was, and must not hand it to the old call's owner).
func sameCall(c *call, e parcel.Call) bool {
	if c.mt != e.IsMT || (c.number != "" && e.Number.S != "" && c.number != e.Number.S) {
		return false
	}
	established := c.state == parcel.CallActive || c.state == parcel.CallHolding
	setup := e.State == parcel.CallIncoming || e.State == parcel.CallWaiting || e.State == parcel.CallDialing || e.State == parcel.CallAlerting
	return !(established && setup)
}

// Visible reports whether container may see call index.
func (t *Calls) Visible(container string, index int32) bool {
	c := t.find(index)
	return c != nil && c.visibleTo(container)
}

// Filter returns the entries of list that container may see.
func (t *Calls) Filter(container string, list parcel.CallList) parcel.CallList {
	out := make(parcel.CallList, 0, len(list))
	for _, e := range list {
		if c := t.find(e.Index); c != nil && sameCall(c, e) && c.visibleTo(container) {
			out = append(out, e)
		}
	}
	return out
}

// Involved reports whether container owns a call or has one ringing in it.
func (t *Calls) Involved(container string) bool {
	for i := range t.calls {
		if t.calls[i].visibleTo(container) {
			return true
		}
	}
	return false
}

// exclusive: every call is visible to container (vacuously true without
// calls, when such a request is harmless).
func (t *Calls) exclusive(container string) bool {
	for i := range t.calls {
		if !t.calls[i].visibleTo(container) {
			return false
		}
	}
	return true
}

// MayDial reports whether container may place a call now: unless concurrent
// calls are allowed, not while another container has a call, a call ringing
// in it, or a DIAL in flight.
func (t *Calls) MayDial(container string, concurrent bool) bool {
	if concurrent {
		return true
	}
	if t.dialing != "" && t.dialing != container {
		return false
	}
	return t.exclusive(container)
}

// Authorize decides a CallScoped request of container (p is its decoded
// payload). ANSWER claims the incoming call that rings in container: with
// ring-all, the first answer wins and the call stops ringing elsewhere.
func (t *Calls) Authorize(container string, id parcel.ReqID, p parcel.Payload) bool {
	switch id {
	case parcel.ReqHangup:
		ints, ok := p.(parcel.Ints)
		return ok && len(ints) > 0 && t.Visible(container, ints[0])
	case parcel.ReqAnswer:
		_, ok := t.Answer(container)
		return ok
	}
	return t.exclusive(container)
}

// Drop forgets container (disconnected or dead) and returns the indexes of
// the calls to hang up at the modem: those it owns, and incoming calls that
// ring only in it. Incoming calls stop ringing in it, and ended has an
// Ended event for each (the calls it owns end for it when they leave the
// modem's list). A DIAL of container in flight is not forgotten: the call
// it makes is still container's (and so hung up), not the fallback owner's.
func (t *Calls) Drop(container string) (hang []int32, ended []CallEvent) {
	for i := range t.calls {
		c := &t.calls[i]
		if c.owner == container {
			hang = append(hang, c.index)
			continue
		}
		if c.owner == "" && slices.Contains(c.ringing, container) {
			c.ringing = slices.DeleteFunc(slices.Clone(c.ringing), func(s string) bool { return s == container })
			ended = append(ended, CallEvent{Container: container, Index: c.index, State: Ended, MT: c.mt, Number: c.number})
			if len(c.ringing) == 0 {
				hang = append(hang, c.index)
			}
		}
	}
	return hang, ended
}

// Owners returns the containers that own a call or have one ringing in
// them, in no particular order, appended to dst.
func (t *Calls) Owners(dst []string) []string {
	for i := range t.calls {
		for _, r := range t.calls[i].recipients() {
			if !slices.Contains(dst, r) {
				dst = append(dst, r)
			}
		}
	}
	return dst
}

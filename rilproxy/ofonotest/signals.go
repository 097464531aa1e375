package ofonotest

import (
	"context"
	"fmt"
	"sync"

	"github.com/godbus/dbus/v5"
)

// Signal is one D-Bus signal oFono emitted.
type Signal struct {
	Path dbus.ObjectPath
	Name string // interface.member, e.g. "org.ofono.MessageManager.IncomingMessage"
	Body []any
}

// recorder keeps every signal from org.ofono since the instance started.
type recorder struct {
	ch   chan *dbus.Signal
	conn *dbus.Conn
	done chan struct{}

	mu      sync.Mutex
	all     []Signal
	changed chan struct{}
}

func record(conn *dbus.Conn) (*recorder, error) {
	if err := conn.AddMatchSignal(dbus.WithMatchSender("org.ofono")); err != nil {
		return nil, fmt.Errorf("subscribe to oFono signals: %w", err)
	}
	r := &recorder{ch: make(chan *dbus.Signal, 256), conn: conn, done: make(chan struct{}), changed: make(chan struct{})}
	conn.Signal(r.ch)
	go func() {
		defer close(r.done)
		for s := range r.ch {
			r.mu.Lock()
			r.all = append(r.all, Signal{Path: s.Path, Name: s.Name, Body: s.Body})
			close(r.changed)
			r.changed = make(chan struct{})
			r.mu.Unlock()
		}
	}()
	return r, nil
}

// stop ends recording; call before closing the connection.
func (r *recorder) stop() {
	r.conn.RemoveSignal(r.ch)
	close(r.ch)
	<-r.done
}

// Signals returns every signal recorded so far, oldest first.
func (i *Instance) Signals() []Signal {
	i.sigs.mu.Lock()
	defer i.sigs.mu.Unlock()
	return append([]Signal{}, i.sigs.all...)
}

// WaitSignal returns the first recorded signal (since start, so none is
// missed) for which match is true, waiting for it until ctx ends.
func (i *Instance) WaitSignal(ctx context.Context, match func(Signal) bool) (Signal, error) {
	seen := 0
	for {
		i.sigs.mu.Lock()
		all, ch := i.sigs.all, i.sigs.changed
		i.sigs.mu.Unlock()
		for ; seen < len(all); seen++ {
			if match(all[seen]) {
				return all[seen], nil
			}
		}
		select {
		case <-ctx.Done():
			return Signal{}, fmt.Errorf("ofono %s: wait for signal: %w", i.name, ctx.Err())
		case <-ch:
		}
	}
}

// Message is an SMS oFono received (MessageManager.IncomingMessage).
type Message struct {
	Text, Sender string
}

// WaitIncomingMessage waits for the n-th (from 1) IncomingMessage signal.
func (i *Instance) WaitIncomingMessage(ctx context.Context, n int) (Message, error) {
	count := 0
	s, err := i.WaitSignal(ctx, func(s Signal) bool {
		if s.Name == "org.ofono.MessageManager.IncomingMessage" {
			count++
		}
		return count == n
	})
	if err != nil {
		return Message{}, err
	}
	var m Message
	if len(s.Body) == 2 {
		m.Text, _ = s.Body[0].(string)
		if info, ok := s.Body[1].(map[string]dbus.Variant); ok {
			m.Sender, _ = info["Sender"].Value().(string)
		}
	}
	return m, nil
}

// WaitCallAdded waits for the n-th (from 1) VoiceCallManager.CallAdded
// signal and returns the call it announced.
func (i *Instance) WaitCallAdded(ctx context.Context, n int) (CallInfo, error) {
	count := 0
	s, err := i.WaitSignal(ctx, func(s Signal) bool {
		if s.Name == IfaceVoiceCallMgr+".CallAdded" {
			count++
		}
		return count == n
	})
	if err != nil {
		return CallInfo{}, err
	}
	var c CallInfo
	if len(s.Body) == 2 {
		c.Path, _ = s.Body[0].(dbus.ObjectPath)
		if props, ok := s.Body[1].(map[string]dbus.Variant); ok {
			c.State, _ = props["State"].Value().(string)
			c.Number, _ = props["LineIdentification"].Value().(string)
		}
	}
	return c, nil
}

// Count returns how many recorded signals have the given name
// (interface.member), for checking that something did not happen.
func (i *Instance) Count(name string) int {
	n := 0
	for _, s := range i.Signals() {
		if s.Name == name {
			n++
		}
	}
	return n
}

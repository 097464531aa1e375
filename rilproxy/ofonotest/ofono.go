package ofonotest

import (
	"context"
	"fmt"
	"reflect"
	"time"

	"github.com/godbus/dbus/v5"
)

// oFono D-Bus interfaces.
const (
	IfaceModem        = "org.ofono.Modem"
	IfaceVoiceCallMgr = "org.ofono.VoiceCallManager"
	IfaceVoiceCall    = "org.ofono.VoiceCall"
	IfaceMessageMgr   = "org.ofono.MessageManager"
	IfaceNetReg       = "org.ofono.NetworkRegistration"
	IfaceSimManager   = "org.ofono.SimManager"
)

// ModemPath is the object of the rilmodem on /dev/socket/rild.
const ModemPath dbus.ObjectPath = "/ril_0"

// pollEvery is how often Wait* re-reads properties.
const pollEvery = 50 * time.Millisecond

// Call invokes method (interface.member) on object path of org.ofono.
func (i *Instance) Call(ctx context.Context, path dbus.ObjectPath, method string, args ...any) *dbus.Call {
	return i.conn.Object("org.ofono", path).CallWithContext(ctx, method, 0, args...)
}

// Properties returns iface's properties of object path.
func (i *Instance) Properties(ctx context.Context, path dbus.ObjectPath, iface string) (map[string]dbus.Variant, error) {
	var props map[string]dbus.Variant
	if err := i.Call(ctx, path, iface+".GetProperties").Store(&props); err != nil {
		return nil, fmt.Errorf("ofono %s: %s %s.GetProperties: %w", i.name, path, iface, err)
	}
	return props, nil
}

// SetProperty sets iface's property name on object path.
func (i *Instance) SetProperty(ctx context.Context, path dbus.ObjectPath, iface, name string, value any) error {
	if err := i.Call(ctx, path, iface+".SetProperty", name, dbus.MakeVariant(value)).Err; err != nil {
		return fmt.Errorf("ofono %s: set %s %s.%s=%v: %w", i.name, path, iface, name, value, err)
	}
	return nil
}

// WaitProperty waits until iface's property name on path equals want.
// The interface may not exist yet (oFono adds interfaces as the modem
// comes up); that counts as not yet equal.
func (i *Instance) WaitProperty(ctx context.Context, path dbus.ObjectPath, iface, name string, want any) error {
	var last any
	for {
		if props, err := i.Properties(ctx, path, iface); err == nil {
			last = props[name].Value()
			if reflect.DeepEqual(last, want) {
				return nil
			}
		} else {
			last = err
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("ofono %s: wait for %s %s.%s=%v (last %v): %w", i.name, path, iface, name, want, last, ctx.Err())
		case <-i.exited:
			return fmt.Errorf("ofono %s: ofonod exited while waiting for %s.%s", i.name, iface, name)
		case <-time.After(pollEvery):
		}
	}
}

// WaitPowered waits until the modem is powered, which oFono does when rild
// sends RIL_CONNECTED.
func (i *Instance) WaitPowered(ctx context.Context) error {
	return i.WaitProperty(ctx, ModemPath, IfaceModem, "Powered", true)
}

// SetOnline sets the modem online (RADIO_POWER 1) or offline and waits
// until oFono reports it.
func (i *Instance) SetOnline(ctx context.Context, online bool) error {
	if err := i.SetProperty(ctx, ModemPath, IfaceModem, "Online", online); err != nil {
		return err
	}
	return i.WaitProperty(ctx, ModemPath, IfaceModem, "Online", online)
}

// CallInfo is one voice call as VoiceCallManager.GetCalls reports it.
type CallInfo struct {
	Path   dbus.ObjectPath
	State  string // dialing, alerting, active, held, incoming, waiting, disconnected
	Number string // LineIdentification
}

// Calls lists the modem's voice calls.
func (i *Instance) Calls(ctx context.Context) ([]CallInfo, error) {
	var raw []struct {
		Path  dbus.ObjectPath
		Props map[string]dbus.Variant
	}
	if err := i.Call(ctx, ModemPath, IfaceVoiceCallMgr+".GetCalls").Store(&raw); err != nil {
		return nil, fmt.Errorf("ofono %s: GetCalls: %w", i.name, err)
	}
	out := make([]CallInfo, len(raw))
	for k, c := range raw {
		out[k].Path = c.Path
		out[k].State, _ = c.Props["State"].Value().(string)
		out[k].Number, _ = c.Props["LineIdentification"].Value().(string)
	}
	return out, nil
}

// WaitCalls waits until match holds for the call list, and returns it.
func (i *Instance) WaitCalls(ctx context.Context, match func([]CallInfo) bool) ([]CallInfo, error) {
	var last []CallInfo
	for {
		calls, err := i.Calls(ctx)
		if err == nil && match(calls) {
			return calls, nil
		}
		last = calls
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("ofono %s: wait for calls (last %+v): %w", i.name, last, ctx.Err())
		case <-time.After(pollEvery):
		}
	}
}

// WaitCallState waits until call path is in state.
func (i *Instance) WaitCallState(ctx context.Context, path dbus.ObjectPath, state string) error {
	return i.WaitProperty(ctx, path, IfaceVoiceCall, "State", state)
}

// Dial places a call and returns its object path (oFono answers once the
// call appears in GET_CURRENT_CALLS).
func (i *Instance) Dial(ctx context.Context, number string) (dbus.ObjectPath, error) {
	var p dbus.ObjectPath
	if err := i.Call(ctx, ModemPath, IfaceVoiceCallMgr+".Dial", number, "").Store(&p); err != nil {
		return "", fmt.Errorf("ofono %s: dial %s: %w", i.name, number, err)
	}
	return p, nil
}

// Hangup hangs up call path.
func (i *Instance) Hangup(ctx context.Context, path dbus.ObjectPath) error {
	if err := i.Call(ctx, path, IfaceVoiceCall+".Hangup").Err; err != nil {
		return fmt.Errorf("ofono %s: hang up %s: %w", i.name, path, err)
	}
	return nil
}

// Answer answers the ringing call path.
func (i *Instance) Answer(ctx context.Context, path dbus.ObjectPath) error {
	if err := i.Call(ctx, path, IfaceVoiceCall+".Answer").Err; err != nil {
		return fmt.Errorf("ofono %s: answer %s: %w", i.name, path, err)
	}
	return nil
}

// SendMessage sends an SMS and returns the message's object path. oFono
// queues it until the network is registered.
func (i *Instance) SendMessage(ctx context.Context, to, text string) (dbus.ObjectPath, error) {
	var p dbus.ObjectPath
	if err := i.Call(ctx, ModemPath, IfaceMessageMgr+".SendMessage", to, text).Store(&p); err != nil {
		return "", fmt.Errorf("ofono %s: send message to %s: %w", i.name, to, err)
	}
	return p, nil
}

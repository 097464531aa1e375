package mockmodem_test

import (
	"context"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"droidplex/rilproxy/mockmodem"
	"droidplex/rilproxy/ofonotest"
)

// TestOfonoCallControlAndServices drives hold, swap and conference as
// oFono's VoiceCallManager does them, plus DTMF, mute, USSD and a data call.
func TestOfonoCallControlAndServices(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 45*time.Second)
	defer cancel()
	m, o := startOfono(t, ctx, mockmodem.Config{AlertAfter: 10 * time.Millisecond, AnswerAfter: 10 * time.Millisecond})
	check := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	call := func(method string, args ...any) *dbus.Call {
		t.Helper()
		c := o.Call(ctx, ofonotest.ModemPath, method, args...)
		check(c.Err)
		return c
	}
	states := func(want map[string]string) {
		t.Helper()
		_, err := o.WaitCalls(ctx, func(cs []ofonotest.CallInfo) bool {
			if len(cs) != len(want) {
				return false
			}
			for _, c := range cs {
				if want[c.Number] != c.State {
					return false
				}
			}
			return true
		})
		check(err)
	}
	check(o.WaitPowered(ctx))
	check(o.SetOnline(ctx, true))
	check(o.WaitProperty(ctx, ofonotest.ModemPath, ofonotest.IfaceNetReg, "Status", "registered"))

	a, err := o.Dial(ctx, "+15550000001")
	check(err)
	check(o.WaitCallState(ctx, a, "active")) // the far end answers by itself

	call(ofonotest.IfaceVoiceCallMgr+".SendTones", "12#")
	wait(t, ctx, m, "tones", func(s mockmodem.Status) bool { return s.DTMF == "12#" })
	check(o.SetProperty(ctx, ofonotest.ModemPath, "org.ofono.CallVolume", "Muted", true))
	wait(t, ctx, m, "mute", func(s mockmodem.Status) bool { return s.Mute })

	_, err = m.IncomingCall("+15550000002")
	check(err)
	states(map[string]string{"+15550000001": "active", "+15550000002": "waiting"})
	call(ofonotest.IfaceVoiceCallMgr + ".HoldAndAnswer")
	states(map[string]string{"+15550000001": "held", "+15550000002": "active"})
	call(ofonotest.IfaceVoiceCallMgr + ".SwapCalls")
	states(map[string]string{"+15550000001": "active", "+15550000002": "held"})
	call(ofonotest.IfaceVoiceCallMgr + ".CreateMultiparty")
	states(map[string]string{"+15550000001": "active", "+15550000002": "active"})
	wait(t, ctx, m, "conference", func(s mockmodem.Status) bool {
		return len(s.Calls) == 2 && s.Calls[0].Multiparty && s.Calls[1].Multiparty
	})
	call(ofonotest.IfaceVoiceCallMgr + ".HangupAll")
	states(map[string]string{})
	wait(t, ctx, m, "no calls", func(s mockmodem.Status) bool { return len(s.Calls) == 0 })

	// USSD: the network answers the request.
	var kind string
	var reply dbus.Variant
	check(o.Call(ctx, ofonotest.ModemPath, "org.ofono.SupplementaryServices.Initiate", "*100#").Store(&kind, &reply))
	if kind != "USSD" || reply.Value() != mockmodem.DefaultConfig().USSDReply {
		t.Errorf("USSD: %s %v", kind, reply)
	}

	// A data call with the mock's fixed addresses.
	check(o.WaitProperty(ctx, ofonotest.ModemPath, "org.ofono.ConnectionManager", "Attached", true))
	var ctxPath dbus.ObjectPath
	check(o.Call(ctx, ofonotest.ModemPath, "org.ofono.ConnectionManager.AddContext", "internet").Store(&ctxPath))
	check(o.SetProperty(ctx, ctxPath, "org.ofono.ConnectionContext", "AccessPointName", "internet.example"))
	check(o.SetProperty(ctx, ctxPath, "org.ofono.ConnectionContext", "Active", true))
	check(o.WaitProperty(ctx, ctxPath, "org.ofono.ConnectionContext", "Active", true))
	props, err := o.Properties(ctx, ctxPath, "org.ofono.ConnectionContext")
	check(err)
	settings, _ := props["Settings"].Value().(map[string]dbus.Variant)
	if settings["Interface"].Value() != "rmnet0" || settings["Address"].Value() != "192.0.2.2" {
		t.Errorf("context settings %v", settings)
	}
	wait(t, ctx, m, "data call", func(s mockmodem.Status) bool {
		return len(s.DataCalls) == 1 && s.DataCalls[0].APN == "internet.example"
	})
}

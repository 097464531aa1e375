package mockmodem

import (
	"droidplex/rilproxy/parcel"
)

// Call failure causes (3GPP TS 24.008 10.5.4.11) reported by LAST_CALL_FAIL_CAUSE.
const (
	causeNormal   int32 = 16
	causeBusy     int32 = 17
	causeRejected int32 = 21
)

// handle answers one request. mu held.
func (m *Modem) handle(c *client, req parcel.Request) {
	if req.ID == parcel.ReqResponseAcknowledgement {
		m.acks++ // libril: releases its wakelock, answers nothing
		m.bump()
		return
	}
	if !req.ID.Known() {
		// libril processCommandBuffer: an id outside the table gets GENERIC_FAILURE.
		m.log.Info("unknown request id", "id", int32(req.ID), "serial", req.Serial)
		m.respond(c, req.Serial, parcel.GenericFailure, nil)
		return
	}
	v, err := parcel.DecodeRequest(req.ID, req.Payload)
	if err != nil {
		// libril would leave the request pending forever; a mock should say no.
		m.log.Info("malformed request payload", "req", req.ID, "serial", req.Serial, "err", err)
		m.respond(c, req.Serial, parcel.GenericFailure, nil)
		return
	}
	e, payload := m.answer(req.ID, v)
	m.respond(c, req.Serial, e, payload)
	m.afterResponse(req.ID, v)
}

func ok(payload []byte) (parcel.Errno, []byte) { return parcel.Success, payload }

func str(s string) []byte { return parcel.AppendString(nil, s) }

func ints(v ...int32) []byte { return parcel.AppendInts(nil, v...) }

// answer computes the response to a decoded request and applies its state
// change. Indications that follow from it are sent by afterResponse, so a
// client always sees its response before the indications it caused.
func (m *Modem) answer(id parcel.ReqID, v parcel.Payload) (parcel.Errno, []byte) {
	switch id {
	case parcel.ReqGetSimStatus:
		return ok(m.cardStatus().AppendTo(nil))
	case parcel.ReqGetImsi:
		return ok(str(m.cfg.IMSI))
	case parcel.ReqGetImei:
		return ok(str(m.cfg.IMEI))
	case parcel.ReqGetImeisv:
		return ok(str(m.cfg.IMEISV))
	case parcel.ReqBasebandVersion:
		return ok(str(m.cfg.Baseband))
	case parcel.ReqDeviceIdentity:
		return ok(parcel.AppendStrings(nil, parcel.Str(m.cfg.IMEI), parcel.Str(m.cfg.IMEISV), parcel.Null, parcel.Null))
	case parcel.ReqSimIo:
		return ok(m.simIO(v.(parcel.SIMIO)).AppendTo(nil))
	case parcel.ReqQueryFacilityLock:
		return ok(ints(0))
	case parcel.ReqRadioPower:
		on := v.(parcel.Ints)[0] != 0
		if on {
			m.radio = parcel.RadioOn
		} else {
			m.radio = parcel.RadioOff
		}
		return ok(nil)
	case parcel.ReqVoiceRegistrationState:
		return ok(m.regState(false))
	case parcel.ReqDataRegistrationState:
		return ok(m.regState(true))
	case parcel.ReqOperator:
		return ok(m.operator())
	case parcel.ReqSignalStrength:
		return ok(m.signalPayload())
	case parcel.ReqQueryNetworkSelectionMode, parcel.ReqGetPreferredNetworkType,
		parcel.ReqQueryCallWaiting, parcel.ReqQueryTtyMode:
		return ok(ints(0))
	case parcel.ReqQueryClip:
		return ok(ints(1))
	case parcel.ReqGetClir:
		return ok(ints(0, 4))
	case parcel.ReqQueryCallForwardStatus, parcel.ReqGsmGetBroadcastSmsConfig, parcel.ReqGetCellInfoList:
		return ok(parcel.AppendInt32(nil, 0))
	case parcel.ReqGetSmscAddress:
		return ok(str(`"` + m.cfg.SMSC + `",145`))
	case parcel.ReqGetMute:
		return ok(ints(b2i(m.mute)))
	case parcel.ReqSetMute:
		m.mute = v.(parcel.Ints)[0] != 0
		return ok(nil)
	case parcel.ReqLastCallFailCause:
		return ok(parcel.FailCause{Cause: m.lastCause, Legacy: true}.AppendTo(nil)) // oFono parses [count][cause]
	case parcel.ReqGetCurrentCalls:
		return ok(m.callList().AppendTo(nil))
	case parcel.ReqDial, parcel.ReqAnswer, parcel.ReqHangup, parcel.ReqHangupWaitingOrBackground,
		parcel.ReqHangupForegroundResumeBackground, parcel.ReqSwitchWaitingOrHoldingAndActive,
		parcel.ReqConference, parcel.ReqUdub, parcel.ReqSeparateConnection:
		return m.callRequest(id, v), nil
	case parcel.ReqDtmf, parcel.ReqDtmfStart:
		if s := v.(parcel.String).Value.S; len(s) == 1 {
			m.dtmf = append(m.dtmf, s[0])
			return ok(nil)
		}
		return parcel.InvalidArguments, nil
	case parcel.ReqSendSms, parcel.ReqSendSmsExpectMore:
		return m.sendSMS(v.(parcel.Strings))
	case parcel.ReqSmsAcknowledge:
		return ok(nil) // the next message goes out in afterResponse
	case parcel.ReqSendUssd:
		m.ussd = append(m.ussd, v.(parcel.String).Value.S)
		return ok(nil)
	case parcel.ReqSetupDataCall:
		return m.setupData(v.(parcel.Strings))
	case parcel.ReqDeactivateDataCall:
		m.data = nil
		return ok(nil)
	case parcel.ReqDataCallList:
		return ok(m.dataCallList().AppendTo(nil))
	case parcel.ReqScreenState, parcel.ReqDtmfStop, parcel.ReqSetClir,
		parcel.ReqSetCallWaiting, parcel.ReqSetCallForward, parcel.ReqSetNetworkSelectionAutomatic,
		parcel.ReqSetPreferredNetworkType, parcel.ReqSetSuppSvcNotification,
		parcel.ReqReportStkServiceIsRunning, parcel.ReqSetUnsolCellInfoListRate,
		parcel.ReqGsmSetBroadcastSmsConfig, parcel.ReqGsmSmsBroadcastActivation,
		parcel.ReqSetInitialAttachApn, parcel.ReqSetSmscAddress, parcel.ReqCancelUssd,
		parcel.ReqSetLocationUpdates, parcel.ReqAllowData, parcel.ReqReportSmsMemoryStatus,
		parcel.ReqCdmaSetSubscriptionSource, parcel.ReqSetTtyMode:
		return ok(nil)
	}
	// Like a vendor RIL that does not implement the request.
	return parcel.RequestNotSupported, nil
}

// afterResponse sends the indications a request causes. mu held.
func (m *Modem) afterResponse(id parcel.ReqID, v parcel.Payload) {
	if m.callsChanged {
		m.callsChanged = false
		m.unsol(parcel.UnsolCallStateChanged, nil)
	}
	switch id {
	case parcel.ReqRadioPower:
		if m.radio == parcel.RadioOff && len(m.calls) > 0 {
			m.calls = nil
			m.unsol(parcel.UnsolCallStateChanged, nil)
		}
		m.unsol(parcel.UnsolRadioStateChanged, parcel.AppendInt32(nil, m.radio))
		m.unsol(parcel.UnsolVoiceNetworkStateChanged, nil)
	case parcel.ReqSmsAcknowledge:
		m.ackSMSLocked()
	case parcel.ReqSendUssd:
		// USSD type "0": notify, no further user action.
		m.after(m.cfg.NetworkDelay, func() {
			m.unsol(parcel.UnsolOnUssd, parcel.AppendStrings(nil, parcel.Str("0"), parcel.Str(m.cfg.USSDReply)))
		})
	case parcel.ReqSetupDataCall, parcel.ReqDeactivateDataCall:
		m.after(m.cfg.NetworkDelay, func() { m.unsol(parcel.UnsolDataCallListChanged, m.dataCallList().AppendTo(nil)) })
	}
	m.bump()
}

func b2i(v bool) int32 {
	if v {
		return 1
	}
	return 0
}

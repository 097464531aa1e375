package policy

import (
	"strconv"
	"strings"
)

// Android output device bits (audio_devices_t, the AUDIO_DEVICE_OUT_* values
// of system/audio.h) that a shim's set_parameters("routing=N") may carry.
const (
	AndroidOutEarpiece       = 0x1
	AndroidOutSpeaker        = 0x2
	AndroidOutWiredHeadset   = 0x4
	AndroidOutWiredHeadphone = 0x8
	AndroidOutBluetoothSCO   = 0x10
	AndroidOutSCOHeadset     = 0x20
	AndroidOutSCOCarkit      = 0x40
	AndroidOutA2DP           = 0x80
	AndroidOutA2DPHeadphones = 0x100
	AndroidOutA2DPSpeaker    = 0x200
	AndroidOutUSBHeadset     = 0x4000000
)

const (
	androidHeadsetBits   = AndroidOutWiredHeadset | AndroidOutWiredHeadphone | AndroidOutUSBHeadset
	androidBluetoothBits = AndroidOutBluetoothSCO | AndroidOutSCOHeadset | AndroidOutSCOCarkit |
		AndroidOutA2DP | AndroidOutA2DPHeadphones | AndroidOutA2DPSpeaker
)

// RouteFromAndroid maps an audio_devices_t output mask to a route. With
// several devices (Android duplicates a ringtone to speaker and headset) the
// most private one wins: headset, then Bluetooth, then speaker, then
// earpiece. ok is false for a mask naming none of them.
func RouteFromAndroid(devices uint32) (r Route, ok bool) {
	switch {
	case devices&androidHeadsetBits != 0:
		return RouteHeadset, true
	case devices&androidBluetoothBits != 0:
		return RouteBluetooth, true
	case devices&AndroidOutSpeaker != 0:
		return RouteSpeaker, true
	case devices&AndroidOutEarpiece != 0:
		return RouteEarpiece, true
	}
	return "", false
}

// RoutingParameter finds "routing=N" in an Android key-value string
// ("k1=v1;k2=v2", the set_parameters format) and maps N with
// RouteFromAndroid. ok is false if the key is absent, its value is not a
// number, or it names no known device. Unknown keys are ignored.
func RoutingParameter(kvpairs string) (r Route, ok bool) {
	for kvpairs != "" {
		var pair string
		pair, kvpairs, _ = strings.Cut(kvpairs, ";")
		k, v, _ := strings.Cut(pair, "=")
		if strings.TrimSpace(k) != "routing" {
			continue
		}
		n, err := strconv.ParseUint(strings.TrimSpace(v), 0, 32)
		if err != nil {
			return "", false
		}
		return RouteFromAndroid(uint32(n))
	}
	return "", false
}

package mockmodem

import (
	"errors"
	"fmt"
	"testing"
	"time"
)

func TestEncodeDeliver(t *testing.T) {
	at := time.Date(2099, 3, 29, 15, 16, 59, 0, time.UTC)
	tests := []struct {
		name, smsc, from, text, want string
	}{
		// The classic "hellohello" SMS-DELIVER (GSM 03.40 examples), with an
		// international sender and UTC time zone.
		{"gsm7", "+27381000015", "+27838890001", "hellohello",
			"07917283010010F5" + "04" + "0B917238880900F1" + "0000" + "99309251619500" + "0A" + "E8329BFD4697D9EC37"},
		{"national sender, escape char", "+1", "5551", "a€",
			"0291F1" + "04" + "04815515" + "0000" + "99309251619500" + "03" + "E14D19"},
		{"ucs2", "+1", "+1", "Ω😀",
			"0291F1" + "04" + "0191F1" + "0008" + "99309251619500" + "06" + "03A9D83DDE00"},
		{"alphanumeric sender", "+1", "Bank", "ok",
			"0291F1" + "04" + "07D0C2B07B0D" + "0000" + "99309251619500" + "02" + "EF35"},
	}
	for _, tt := range tests {
		got, err := EncodeDeliver(tt.smsc, tt.from, tt.text, at)
		if err != nil || got != tt.want {
			t.Errorf("%s: got %s, %v\nwant %s", tt.name, got, err, tt.want)
		}
	}
	long := fmt.Sprintf("%0161d", 0)
	for _, bad := range [][2]string{{"+1555", long}, {"", "x"}, {"this name is too long", "x"}, {"+123456789012345678901", "x"}} {
		if _, err := EncodeDeliver("+1", bad[0], bad[1], at); !errors.Is(err, ErrInvalid) {
			t.Errorf("sender %q text of %d: err %v", bad[0], len(bad[1]), err)
		}
	}
}

func TestDecodeSubmit(t *testing.T) {
	tests := []struct {
		name, pdu string
		want      Submit
		err       error
	}{
		{"ofono gsm7 (ril.md 3.4)", "11000B915155674523F10000A710E8329BFD0699E5EF36E86D7EBBDF", Submit{"+15557654321", "hello from ofono"}, nil},
		{"ucs2, no validity", "01000481550000080403A90041", Submit{"5500", "ΩA"}, nil},
		{"udh gsm7", "41000181F50000" + "09" + "050003010201" + "C262", Submit{"5", "ab"}, nil},
		{"deliver refused", "04000281F5", Submit{}, ErrPDU},
		{"truncated", "1100", Submit{}, ErrPDU},
		{"lying length", "01000181F5000005E8", Submit{"5", ""}, ErrPDU},
		{"not hex", "zz", Submit{}, ErrPDU},
	}
	for _, tt := range tests {
		got, err := DecodeSubmit(tt.pdu)
		if !errors.Is(err, tt.err) || (tt.err == nil && got != tt.want) {
			t.Errorf("%s: got %+v, %v; want %+v, %v", tt.name, got, err, tt.want, tt.err)
		}
	}
}

func FuzzDecodeSubmit(f *testing.F) {
	f.Add("11000B915155674523F10000A710E8329BFD0699E5EF36E86D7EBBDF")
	f.Add("41000181F50000" + "09" + "050003010201" + "C262")
	f.Add("01000481550000080403A90041")
	f.Fuzz(func(t *testing.T, pdu string) {
		_, _ = DecodeSubmit(pdu)
	})
}

// FuzzEncodeDeliver checks that any sender and text either encode to a PDU
// whose user data length matches the text, or are refused with ErrInvalid.
func FuzzEncodeDeliver(f *testing.F) {
	f.Add("+15551234", "hello")
	f.Add("Bank", "€{}")
	f.Add("1", "Ω")
	f.Fuzz(func(t *testing.T, from, text string) {
		pdu, err := EncodeDeliver("+15555550000", from, text, time.Unix(0, 0))
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("unexpected error kind: %v", err)
			}
			return
		}
		if len(pdu)%2 != 0 || len(pdu) > 2*176 {
			t.Fatalf("pdu %q", pdu)
		}
	})
}

func ExampleEncodeDeliver() {
	pdu, _ := EncodeDeliver("+15555550000", "+15550001111", "hi", time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC))
	fmt.Println(pdu)
	// Output: 07915155550500F0040B915155001011F100006211322100000002E834
}

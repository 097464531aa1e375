package mockmodem

import (
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf16"
)

// ErrPDU is wrapped by every SMS PDU decoding error.
var ErrPDU = errors.New("bad SMS PDU")

// gsm7 is the GSM 03.38 default alphabet; gsm7ext the escape (0x1B) table.
var (
	gsm7 = []rune("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
		"¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
	gsm7ext = map[rune]byte{'\f': 0x0A, '^': 0x14, '{': 0x28, '}': 0x29, '\\': 0x2F, '[': 0x3C, '~': 0x3D, ']': 0x3E, '|': 0x40, '€': 0x65}
)

// toGSM7 returns the septets of s, or false if s needs UCS-2.
func toGSM7(s string) ([]byte, bool) {
	var out []byte
	for _, r := range s {
		if i := indexRune(gsm7, r); i >= 0 && r != 0x1b {
			out = append(out, byte(i))
		} else if e, ok := gsm7ext[r]; ok {
			out = append(out, 0x1B, e)
		} else {
			return nil, false
		}
	}
	return out, true
}

func indexRune(rs []rune, r rune) int {
	for i, x := range rs {
		if x == r {
			return i
		}
	}
	return -1
}

func fromGSM7(septets []byte) string {
	var b strings.Builder
	for i := 0; i < len(septets); i++ {
		s := septets[i] & 0x7F
		if s == 0x1B && i+1 < len(septets) {
			i++
			for r, e := range gsm7ext {
				if e == septets[i] {
					b.WriteRune(r)
				}
			}
			continue
		}
		b.WriteRune(gsm7[s])
	}
	return b.String()
}

// pack7 packs septets into octets, least significant bit first.
func pack7(septets []byte) []byte {
	out := make([]byte, 0, (len(septets)*7+7)/8)
	var acc uint32
	bits := 0
	for _, s := range septets {
		acc |= uint32(s&0x7F) << bits
		bits += 7
		for bits >= 8 {
			out = append(out, byte(acc))
			acc >>= 8
			bits -= 8
		}
	}
	if bits > 0 {
		out = append(out, byte(acc))
	}
	return out
}

// unpack7 extracts n septets from octets, skipping skipBits first.
func unpack7(octets []byte, n, skipBits int) ([]byte, error) {
	if (n*7+skipBits+7)/8 > len(octets) {
		return nil, fmt.Errorf("%w: %d septets need more than %d octets", ErrPDU, n, len(octets))
	}
	out := make([]byte, n)
	for i := range out {
		bit := skipBits + i*7
		v := uint16(octets[bit/8])
		if bit/8+1 < len(octets) {
			v |= uint16(octets[bit/8+1]) << 8
		}
		out[i] = byte(v>>(bit%8)) & 0x7F
	}
	return out, nil
}

// appendAddress appends a TP address: digit count, type, swapped BCD
// digits; a name with letters becomes an alphanumeric (GSM 7-bit) address.
func appendAddress(b []byte, addr string) ([]byte, error) {
	digits := strings.TrimPrefix(addr, "+")
	toa := byte(0x81)
	if digits != addr {
		toa = 0x91
	}
	if digits == "" || strings.Trim(digits, "0123456789*#") != "" {
		sept, ok := toGSM7(addr)
		if !ok || len(sept) > 11 || addr == "" {
			return nil, fmt.Errorf("sender %q: %w: neither a number nor a short GSM name", addr, ErrInvalid)
		}
		packed := pack7(sept)
		return append(append(b, byte((len(sept)*7+3)/4), 0xD0), packed...), nil
	}
	if len(digits) > 20 {
		return nil, fmt.Errorf("sender %q: %w: over 20 digits", addr, ErrInvalid)
	}
	b = append(b, byte(len(digits)), toa)
	const semi = "0123456789*#"
	for i := 0; i < len(digits); i += 2 {
		lo := byte(strings.IndexByte(semi, digits[i]))
		hi := byte(0xF)
		if i+1 < len(digits) {
			hi = byte(strings.IndexByte(semi, digits[i+1]))
		}
		b = append(b, hi<<4|lo)
	}
	return b, nil
}

func swapBCD(v int) byte { return byte(v%10)<<4 | byte(v/10%10) }

// EncodeDeliver builds the hex SMS-DELIVER that RIL_UNSOL_RESPONSE_NEW_SMS
// carries: the SMSC address, then a TPDU from sender with text (GSM 7-bit
// when the text fits the default alphabet, else UCS-2), time-stamped t in
// UTC. Text longer than one message (160 septets, 70 UCS-2 units) is an
// error.
func EncodeDeliver(smsc, sender, text string, t time.Time) (string, error) {
	sc, err := appendAddress(nil, smsc)
	if err != nil {
		return "", fmt.Errorf("smsc: %w", err)
	}
	// The SMSC field counts octets (type included), not digits.
	sc[0] = byte(len(sc) - 1)
	b := append(sc, 0x04) // SMS-DELIVER, no more messages to send
	if b, err = appendAddress(b, sender); err != nil {
		return "", err
	}
	septets, gsm := toGSM7(text)
	dcs := byte(0x00)
	if !gsm {
		dcs = 0x08
	}
	b = append(b, 0x00, dcs) // PID, DCS
	t = t.UTC()
	b = append(b, swapBCD(t.Year()%100), swapBCD(int(t.Month())), swapBCD(t.Day()),
		swapBCD(t.Hour()), swapBCD(t.Minute()), swapBCD(t.Second()), 0x00)
	if gsm {
		if len(septets) > 160 {
			return "", fmt.Errorf("sms text: %w: %d septets, one message holds 160", ErrInvalid, len(septets))
		}
		b = append(b, byte(len(septets)))
		b = append(b, pack7(septets)...)
	} else {
		u := utf16.Encode([]rune(text))
		if len(u) > 70 {
			return "", fmt.Errorf("sms text: %w: %d UCS-2 units, one message holds 70", ErrInvalid, len(u))
		}
		b = append(b, byte(2*len(u)))
		for _, x := range u {
			b = append(b, byte(x>>8), byte(x))
		}
	}
	return strings.ToUpper(hex.EncodeToString(b)), nil
}

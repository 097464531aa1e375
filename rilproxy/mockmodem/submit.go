package mockmodem

import (
	"encoding/hex"
	"fmt"
	"strings"
	"unicode/utf16"
)

// Submit is what DecodeSubmit finds in an SMS-SUBMIT TPDU.
type Submit struct {
	To   string
	Text string
}

type pduReader struct {
	b   []byte
	off int
	err error
}

func (r *pduReader) next(n int, what string) []byte {
	if r.err != nil {
		return nil
	}
	if n < 0 || r.off+n > len(r.b) {
		r.err = fmt.Errorf("%w: %s at octet %d runs past the end (%d octets)", ErrPDU, what, r.off, len(r.b))
		return nil
	}
	p := r.b[r.off : r.off+n]
	r.off += n
	return p
}

func (r *pduReader) byte1(what string) int {
	p := r.next(1, what)
	if p == nil {
		return 0
	}
	return int(p[0])
}

// DecodeSubmit reads the destination and text of a hex SMS-SUBMIT TPDU (no
// SMSC prefix), as SEND_SMS carries it. It handles GSM 7-bit and UCS-2 text
// and skips a user-data header; 8-bit data is returned as hex. It never
// panics on malformed input.
func DecodeSubmit(tpdu string) (Submit, error) {
	raw, err := hex.DecodeString(tpdu)
	if err != nil {
		return Submit{}, fmt.Errorf("%w: %w", ErrPDU, err)
	}
	r := &pduReader{b: raw}
	first := r.byte1("first octet")
	if r.err == nil && first&0x03 != 0x01 {
		return Submit{}, fmt.Errorf("%w: message type %d is not SMS-SUBMIT", ErrPDU, first&0x03)
	}
	r.byte1("message reference")
	var s Submit
	ndigits := r.byte1("address length")
	toa := r.byte1("address type")
	addr := r.next((ndigits+1)/2, "address")
	if toa&0x70 == 0x50 { // alphanumeric
		if sept, err := unpack7(addr, ndigits*4/7, 0); err == nil {
			s.To = fromGSM7(sept)
		}
	} else {
		var b strings.Builder
		if toa&0x70 == 0x10 {
			b.WriteByte('+')
		}
		for i := 0; i < ndigits && i/2 < len(addr); i++ {
			d := addr[i/2] >> (4 * (i % 2)) & 0xF
			b.WriteByte("0123456789*#abc?"[d])
		}
		s.To = b.String()
	}
	r.byte1("protocol id")
	dcs := r.byte1("coding scheme")
	switch (first >> 3) & 0x03 { // validity period format
	case 0x02:
		r.next(1, "validity period")
	case 0x01, 0x03:
		r.next(7, "validity period")
	}
	udl := r.byte1("user data length")
	if r.err != nil {
		return Submit{}, r.err
	}
	ud := r.b[r.off:]
	hdr := 0
	if first&0x40 != 0 && len(ud) > 0 { // user data header
		hdr = int(ud[0]) + 1
	}
	switch {
	case dcs&0x0C == 0x00: // GSM 7-bit
		skip := (hdr*8 + 6) / 7 // header septets, fill bits included
		sept, err := unpack7(ud, udl, 0)
		if err != nil {
			return s, err
		}
		if skip > len(sept) {
			return s, fmt.Errorf("%w: header longer than the message", ErrPDU)
		}
		s.Text = fromGSM7(sept[skip:])
	case dcs&0x0C == 0x08: // UCS-2
		if udl > len(ud) || hdr > udl {
			return s, fmt.Errorf("%w: %d octets of text announced, %d present", ErrPDU, udl, len(ud))
		}
		body := ud[hdr:udl]
		u := make([]uint16, len(body)/2)
		for i := range u {
			u[i] = uint16(body[2*i])<<8 | uint16(body[2*i+1])
		}
		s.Text = string(utf16.Decode(u))
	default: // 8-bit data
		if udl > len(ud) || hdr > udl {
			return s, fmt.Errorf("%w: %d octets of data announced, %d present", ErrPDU, udl, len(ud))
		}
		s.Text = hex.EncodeToString(ud[hdr:udl])
	}
	return s, nil
}

package parcel

import (
	"encoding/binary"
	"errors"
	"fmt"
	"unicode/utf16"
)

// ErrShort is wrapped by every decoding error caused by a payload that ends
// before the value it announces (a truncated payload or a lying count).
var ErrShort = errors.New("parcel too short")

// ErrBadValue is wrapped by decoding errors for a value that is present but
// impossible (a negative count other than -1, say).
var ErrBadValue = errors.New("bad parcel value")

// NullString is a Parcel string that may be null (length -1). The zero value
// is null; use Str for a present string.
type NullString struct {
	S     string
	Valid bool // false: null
}

// Str returns a present (non-null) NullString.
func Str(s string) NullString { return NullString{S: s, Valid: true} }

// Null is the null string.
var Null = NullString{}

// String quotes a present string and writes null as <null>.
func (n NullString) String() string {
	if !n.Valid {
		return "<null>"
	}
	return fmt.Sprintf("%q", n.S)
}

// Strs turns Go strings into present NullStrings.
func Strs(ss ...string) []NullString {
	out := make([]NullString, len(ss))
	for i, s := range ss {
		out[i] = Str(s)
	}
	return out
}

// AppendInt32 appends a little-endian int32.
func AppendInt32(b []byte, v int32) []byte {
	return binary.LittleEndian.AppendUint32(b, uint32(v))
}

// AppendInt64 appends a little-endian int64 (4-byte aligned, as Parcel does).
func AppendInt64(b []byte, v int64) []byte {
	return binary.LittleEndian.AppendUint64(b, uint64(v))
}

// AppendString appends a present string as Parcel::writeString16 does: the
// length in UTF-16 code units, the code units, a 16-bit NUL, then zero
// padding to a 4-byte boundary.
func AppendString(b []byte, s string) []byte {
	units := 0
	for _, r := range s {
		units += utf16.RuneLen(r)
	}
	b = AppendInt32(b, int32(units))
	for _, r := range s {
		if r > 0xFFFF {
			r1, r2 := utf16.EncodeRune(r)
			b = binary.LittleEndian.AppendUint16(b, uint16(r1))
			b = binary.LittleEndian.AppendUint16(b, uint16(r2))
			continue
		}
		b = binary.LittleEndian.AppendUint16(b, uint16(r))
	}
	b = append(b, 0, 0)
	return pad4(b, (units+1)*2)
}

// AppendNullString appends s, or the null marker -1 when s is null.
func AppendNullString(b []byte, s NullString) []byte {
	if !s.Valid {
		return AppendInt32(b, -1)
	}
	return AppendString(b, s.S)
}

// AppendStrings appends a string array: the count, then each string.
func AppendStrings(b []byte, ss ...NullString) []byte {
	b = AppendInt32(b, int32(len(ss)))
	for _, s := range ss {
		b = AppendNullString(b, s)
	}
	return b
}

// AppendInts appends an int array: the count, then each int32.
func AppendInts(b []byte, vs ...int32) []byte {
	b = AppendInt32(b, int32(len(vs)))
	for _, v := range vs {
		b = AppendInt32(b, v)
	}
	return b
}

// AppendBytes appends a byte array (writeByteArray): the length, the bytes,
// padding to 4. A nil slice is written as null (-1).
func AppendBytes(b []byte, p []byte) []byte {
	if p == nil {
		return AppendInt32(b, -1)
	}
	b = AppendInt32(b, int32(len(p)))
	b = append(b, p...)
	return pad4(b, len(p))
}

func pad4(b []byte, n int) []byte {
	for ; n%4 != 0; n++ {
		b = append(b, 0)
	}
	return b
}

// Decoder reads Parcel values from a payload. Its error is sticky: after the
// first failure every read returns a zero value, and Err reports the first
// error. The zero Decoder is empty; Reset points it at a payload.
type Decoder struct {
	b   []byte
	off int
	err error
}

// NewDecoder returns a Decoder over b.
func NewDecoder(b []byte) *Decoder { return &Decoder{b: b} }

// Reset makes d read b from its start and clears the error.
func (d *Decoder) Reset(b []byte) { *d = Decoder{b: b} }

// Err returns the first error met, or nil.
func (d *Decoder) Err() error { return d.err }

// Remaining returns how many bytes are left unread.
func (d *Decoder) Remaining() int { return len(d.b) - d.off }

// Offset returns how many bytes were consumed.
func (d *Decoder) Offset() int { return d.off }

func (d *Decoder) fail(err error) {
	if d.err == nil {
		d.err = fmt.Errorf("offset %d: %w", d.off, err)
	}
}

func (d *Decoder) take(n int, what string) []byte {
	if d.err != nil {
		return nil
	}
	if n < 0 || n > d.Remaining() {
		d.fail(fmt.Errorf("%w: %s needs %d bytes, %d left", ErrShort, what, n, d.Remaining()))
		return nil
	}
	p := d.b[d.off : d.off+n]
	d.off += n
	return p
}

// Int32 reads a little-endian int32.
func (d *Decoder) Int32() int32 {
	p := d.take(4, "int32")
	if p == nil {
		return 0
	}
	return int32(binary.LittleEndian.Uint32(p))
}

// Int64 reads a little-endian int64.
func (d *Decoder) Int64() int64 {
	p := d.take(8, "int64")
	if p == nil {
		return 0
	}
	return int64(binary.LittleEndian.Uint64(p))
}

// count reads an array length of elements at least minSize bytes each, and
// refuses a count the remaining bytes cannot hold (a lying header).
func (d *Decoder) count(minSize int, what string) (int, bool) {
	n := d.Int32()
	if d.err != nil {
		return 0, false
	}
	if n == -1 {
		return 0, false
	}
	if n < 0 {
		d.fail(fmt.Errorf("%w: %s count %d", ErrBadValue, what, n))
		return 0, false
	}
	if int64(n)*int64(minSize) > int64(d.Remaining()) {
		d.fail(fmt.Errorf("%w: %s count %d, %d bytes left", ErrShort, what, n, d.Remaining()))
		return 0, false
	}
	return int(n), true
}

// String16 reads a string that may be null.
func (d *Decoder) String16() NullString {
	n, ok := d.count(2, "string")
	if !ok {
		return Null
	}
	size := (n + 1) * 2
	p := d.take(size+(4-size%4)%4, "string")
	if p == nil {
		return Null
	}
	u := make([]uint16, n)
	for i := range u {
		u[i] = binary.LittleEndian.Uint16(p[2*i:])
	}
	return Str(string(utf16.Decode(u)))
}

// Strings reads a string array; a null array (-1) gives nil.
func (d *Decoder) Strings() []NullString {
	n, ok := d.count(4, "string array")
	if !ok {
		return nil
	}
	out := make([]NullString, n)
	for i := range out {
		out[i] = d.String16()
	}
	if d.err != nil {
		return nil
	}
	return out
}

// Ints reads an int array; a null array (-1) gives nil.
func (d *Decoder) Ints() []int32 {
	n, ok := d.count(4, "int array")
	if !ok {
		return nil
	}
	out := make([]int32, n)
	for i := range out {
		out[i] = d.Int32()
	}
	return out
}

// Bytes reads a byte array and its padding; null (-1) gives nil. The
// result is a copy.
func (d *Decoder) Bytes() []byte {
	n, ok := d.count(1, "byte array")
	if !ok {
		return nil
	}
	p := d.take(n, "byte array")
	if p == nil {
		return nil
	}
	if pad := (4 - n%4) % 4; pad > 0 && d.Remaining() >= pad {
		d.off += pad // oFono does not pad raw arrays; tolerate a missing pad at the end
	}
	return append([]byte{}, p...)
}

// Rest returns a copy of the unread bytes and consumes them.
func (d *Decoder) Rest() []byte {
	p := d.take(d.Remaining(), "rest")
	return append([]byte{}, p...)
}

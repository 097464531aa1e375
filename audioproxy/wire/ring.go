package wire

import (
	"errors"
	"fmt"
	"sync/atomic"
	"unsafe"
)

// The ring header, byte by byte. All fields are little-endian (the native
// order of every target droidplex runs on) and naturally aligned; the 64-bit
// fields are accessed atomically. hal-shims/audio/include/droidplex_ring.h
// mirrors this table and a test compiles it to check every offset.
//
//	off size field            owner   meaning
//	  0    4 magic            server  RingMagic ("DPXR")
//	  4    4 version          server  RingVersion
//	  8    4 header_bytes     server  HeaderSize; PCM data starts here
//	 12    4 capacity_frames  server  ring size in frames, 1..MaxCapacity
//	 16    4 frame_bytes      server  channels × bytes per sample
//	 20    4 rate             server  frames per second
//	 24    2 channels         server  interleaved channels
//	 26    2 format           server  Format (FormatS16, FormatF32)
//	 28    4 period_frames    server  the device period, the server's pace
//	 32    4 flags            both    Flag* bits, changed with atomic or/and
//	 36    4 underruns        server  periods the server found the ring short
//	 40    4 clock_seq        server  seqlock over consumed/consumed_ns: odd while writing
//	 44    4 wake_frames      writer  wake me when this much room is free (output); 0 = on any progress
//	 48    8 write_pos        writer  frames ever written (never wraps in practice)
//	 56    8 reserved1        -       zero
//	 64    8 read_pos         reader  frames ever read
//	 72    8 consumed         server  frames the device has consumed from this stream
//	 80    8 consumed_ns      server  CLOCK_MONOTONIC nanoseconds when consumed was reached
//	 88   40 reserved2        -       zero
//	128    - data             writer  capacity_frames × frame_bytes of PCM
//
// For an output stream the shim is the writer and the server the reader; for
// an input stream it is the other way round. A position p lives at data
// offset (p mod capacity_frames) × frame_bytes. The writer fills the ring
// up to capacity_frames, so the capacity is also the stream's buffer latency.
const (
	OffMagic      = 0
	OffVersion    = 4
	OffHeaderSize = 8
	OffCapacity   = 12
	OffFrameBytes = 16
	OffRate       = 20
	OffChannels   = 24
	OffFormat     = 26
	OffPeriod     = 28
	OffFlags      = 32
	OffUnderruns  = 36
	OffClockSeq   = 40
	OffWakeFrames = 44
	OffWritePos   = 48
	OffReadPos    = 64
	OffConsumed   = 72
	OffConsumedNs = 80
	HeaderSize    = 128
)

// Ring identification.
const (
	RingMagic   = 0x52585044 // "DPXR" in little-endian memory order
	RingVersion = 1
)

// Flag bits in the header's flags word.
const (
	FlagRunning = 1 << 0 // writer: the stream is playing; a short ring is an underrun
	FlagWaiting = 1 << 1 // writer: blocked on the eventfd (not pacing by the clock); the reader pokes it after progress
	FlagBroken  = 1 << 2 // server: the peer broke the protocol; the stream is silenced
	FlagClosed  = 1 << 3 // server: the stream is gone; the shim should reconnect
)

// MaxCapacity bounds the ring size in frames (about 1.4 s at 48 kHz).
const MaxCapacity = 1 << 16

// ErrBadRing is returned by Attach for a mapping that is not a valid ring.
var ErrBadRing = errors.New("wire: bad ring")

// Geometry is a ring's shape. The server keeps its own copy and never reads
// it back from shared memory.
type Geometry struct {
	Capacity uint32 // frames; also the most the writer may buffer
	Params          // rate, channels, format
	Period   uint32 // device period in frames
}

// Size returns the number of bytes a ring of this geometry occupies.
func (g Geometry) Size() int { return HeaderSize + int(g.Capacity)*g.FrameBytes() }

// Validate checks a geometry.
func (g Geometry) Validate() error {
	if err := g.Params.Validate(); err != nil {
		return err
	}
	if g.Capacity == 0 || g.Capacity > MaxCapacity {
		return fmt.Errorf("%w: capacity %d outside 1..%d", ErrBadRing, g.Capacity, MaxCapacity)
	}
	if g.Period == 0 || g.Period > g.Capacity {
		return fmt.Errorf("%w: period %d outside 1..capacity", ErrBadRing, g.Period)
	}
	return nil
}

// Ring is a view of a ring mapping. Its geometry is the one given to Init or
// Attach, never re-read from memory, so a peer that scribbles on the header
// cannot make an accessor reach outside the mapping.
type Ring struct {
	mem  []byte
	geo  Geometry
	data []byte
}

// Init writes a fresh header for geometry g into mem (which must be zeroed
// and at least g.Size() bytes) and returns the ring.
func Init(mem []byte, g Geometry) (*Ring, error) {
	r, err := view(mem, g)
	if err != nil {
		return nil, err
	}
	le.PutUint32(mem[OffMagic:], RingMagic)
	le.PutUint32(mem[OffVersion:], RingVersion)
	le.PutUint32(mem[OffHeaderSize:], HeaderSize)
	le.PutUint32(mem[OffCapacity:], g.Capacity)
	le.PutUint32(mem[OffFrameBytes:], uint32(g.FrameBytes()))
	le.PutUint32(mem[OffRate:], g.Rate)
	le.PutUint16(mem[OffChannels:], g.Channels)
	le.PutUint16(mem[OffFormat:], uint16(g.Format))
	le.PutUint32(mem[OffPeriod:], g.Period)
	return r, nil
}

// Attach checks that mem holds a ring with geometry g (as the server
// announced it in the Opened message) and returns the ring.
func Attach(mem []byte, g Geometry) (*Ring, error) {
	r, err := view(mem, g)
	if err != nil {
		return nil, err
	}
	if m := le.Uint32(mem[OffMagic:]); m != RingMagic {
		return nil, fmt.Errorf("%w: magic %#x", ErrBadRing, m)
	}
	if v := le.Uint32(mem[OffVersion:]); v != RingVersion {
		return nil, fmt.Errorf("%w: version %d, want %d", ErrBadRing, v, RingVersion)
	}
	if le.Uint32(mem[OffCapacity:]) != g.Capacity || le.Uint32(mem[OffFrameBytes:]) != uint32(g.FrameBytes()) ||
		le.Uint32(mem[OffHeaderSize:]) != HeaderSize {
		return nil, fmt.Errorf("%w: header geometry differs from the announced one", ErrBadRing)
	}
	return r, nil
}

func view(mem []byte, g Geometry) (*Ring, error) {
	if err := g.Validate(); err != nil {
		return nil, err
	}
	if len(mem) < g.Size() {
		return nil, fmt.Errorf("%w: mapping of %d bytes, need %d", ErrBadRing, len(mem), g.Size())
	}
	if uintptr(unsafe.Pointer(&mem[0]))%8 != 0 {
		return nil, fmt.Errorf("%w: mapping not 8-byte aligned", ErrBadRing)
	}
	return &Ring{mem: mem, geo: g, data: mem[HeaderSize:g.Size()]}, nil
}

// Geometry returns the ring's geometry.
func (r *Ring) Geometry() Geometry { return r.geo }

func (r *Ring) u64(off int) *atomic.Uint64 { return (*atomic.Uint64)(unsafe.Pointer(&r.mem[off])) }
func (r *Ring) u32(off int) *atomic.Uint32 { return (*atomic.Uint32)(unsafe.Pointer(&r.mem[off])) }

// WritePos returns the shared write position (untrusted when the peer writes it).
func (r *Ring) WritePos() uint64 { return r.u64(OffWritePos).Load() }

// SetWritePos publishes the write position.
func (r *Ring) SetWritePos(p uint64) { r.u64(OffWritePos).Store(p) }

// ReadPos returns the shared read position (untrusted when the peer writes it).
func (r *Ring) ReadPos() uint64 { return r.u64(OffReadPos).Load() }

// SetReadPos publishes the read position.
func (r *Ring) SetReadPos(p uint64) { r.u64(OffReadPos).Store(p) }

// Flags returns the flags word.
func (r *Ring) Flags() uint32 { return r.u32(OffFlags).Load() }

// SetFlags sets bits in the flags word and returns the old word.
func (r *Ring) SetFlags(bits uint32) uint32 { return r.u32(OffFlags).Or(bits) }

// ClearFlags clears bits in the flags word and returns the old word.
func (r *Ring) ClearFlags(bits uint32) uint32 { return r.u32(OffFlags).And(^bits) }

// WakeFrames returns how much free room an output stream's writer waits
// for before it wants a wake-up (0: any progress). Untrusted when the peer
// writes it; the reader clamps it to the capacity.
func (r *Ring) WakeFrames() uint32 { return r.u32(OffWakeFrames).Load() }

// SetWakeFrames publishes the room the writer waits for. Store it before
// setting FlagWaiting.
func (r *Ring) SetWakeFrames(n uint32) { r.u32(OffWakeFrames).Store(n) }

// Underruns returns the underrun count.
func (r *Ring) Underruns() uint32 { return r.u32(OffUnderruns).Load() }

// AddUnderrun counts one underrun.
func (r *Ring) AddUnderrun() { r.u32(OffUnderruns).Add(1) }

// SetConsumed publishes that frames have been consumed at monotonic time ns.
// Only the server calls it (one writer), so a seqlock suffices.
func (r *Ring) SetConsumed(frames uint64, ns int64) {
	seq := r.u32(OffClockSeq)
	s := seq.Load()
	seq.Store(s | 1)
	r.u64(OffConsumed).Store(frames)
	r.u64(OffConsumedNs).Store(uint64(ns))
	seq.Store((s | 1) + 1)
}

// Consumed returns a consistent (frames, CLOCK_MONOTONIC ns) pair. ok is false
// if the server kept the seqlock busy (or a hostile peer broke it).
func (r *Ring) Consumed() (frames uint64, ns int64, ok bool) {
	seq := r.u32(OffClockSeq)
	for range 100 {
		s1 := seq.Load()
		if s1&1 != 0 {
			continue
		}
		f := r.u64(OffConsumed).Load()
		t := r.u64(OffConsumedNs).Load()
		if seq.Load() == s1 {
			return f, int64(t), true
		}
	}
	return 0, 0, false
}

// Span returns the bytes of frames [pos, pos+n) as up to two slices (the
// second is empty unless the span wraps). n is clamped to the capacity, so
// Span never reaches outside the data region whatever pos and n are.
func (r *Ring) Span(pos uint64, n uint32) (a, b []byte) {
	if n > r.geo.Capacity {
		n = r.geo.Capacity
	}
	fb := uint64(r.geo.FrameBytes())
	start := pos % uint64(r.geo.Capacity)
	first := uint64(r.geo.Capacity) - start
	if uint64(n) <= first {
		return r.data[start*fb : (start+uint64(n))*fb], nil
	}
	return r.data[start*fb:], r.data[:(uint64(n)-first)*fb]
}

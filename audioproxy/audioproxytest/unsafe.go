package audioproxytest

import "unsafe"

func unsafeBytes(mem []uint64, n int) []byte {
	return unsafe.Slice((*byte)(unsafe.Pointer(&mem[0])), n)
}

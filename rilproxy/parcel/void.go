package parcel

// VoidRequest reports whether request id carries no payload (libril's
// dispatchVoid), so that it is valid whatever follows its serial (libril
// ignores trailing bytes) and needs no decoding. The multiplexer uses it to
// keep its relay path free of allocations.
func (id ReqID) VoidRequest() bool { return requestTable[id].dispatch == "dispatchVoid" }

package wire

import "fmt"

// Route messages: the route Android asked for.
const (
	OpRoute   = 4 // client → server, any time after Opened: Route
	RouteSize = 8
)

// Route tells the server which output devices Android routed the stream's
// container to: the audio_devices_t mask of set_parameters("routing=N").
// It travels on the stream's connection after Opened; the server answers
// nothing, and a server that predates it ends the stream (so a shim sends
// it only when it has something to say). A zero mask withdraws the wish.
//
//	off size field
//	  0    1 op = OpRoute
//	  1    3 reserved (0)
//	  4    4 devices (audio_devices_t)
type Route struct {
	Devices uint32
}

// AppendRoute appends the encoding of m to b.
func AppendRoute(b []byte, m Route) []byte {
	var p [RouteSize]byte
	p[0] = OpRoute
	le.PutUint32(p[4:], m.Devices)
	return append(b, p[:]...)
}

// DecodeRoute decodes a Route packet.
func DecodeRoute(p []byte) (Route, error) {
	if len(p) != RouteSize || p[0] != OpRoute {
		return Route{}, fmt.Errorf("%w: route packet of %d bytes", ErrMalformed, len(p))
	}
	return Route{Devices: le.Uint32(p[4:])}, nil
}

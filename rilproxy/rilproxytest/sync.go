package rilproxytest

import (
	"fmt"
	"net"

	"droidplex/rilproxy/parcel"
)

// SyncClient is a minimal rild client for benchmarks: one request at a
// time, read back synchronously, no goroutines, no allocation per request.
type SyncClient struct {
	conn   net.Conn
	fr     *parcel.FrameReader
	body   []byte
	frame  []byte
	serial int32
}

// NewSyncClient wraps a connection to a rild socket and reads the greeting
// (RIL_CONNECTED and the radio state).
func NewSyncClient(conn net.Conn) (*SyncClient, error) {
	c := &SyncClient{conn: conn, fr: parcel.NewFrameReader(conn, parcel.MaxBody)}
	for range 2 {
		if _, err := c.fr.Next(); err != nil {
			return nil, fmt.Errorf("greeting: %w", err)
		}
	}
	return c, nil
}

// Do sends request id and returns its reply's error code, skipping any
// indication that arrives in between.
func (c *SyncClient) Do(id parcel.ReqID, payload []byte) (parcel.Errno, error) {
	c.serial++
	c.body = parcel.AppendRequest(c.body[:0], id, c.serial, payload)
	var err error
	if c.frame, err = parcel.WriteFrame(c.conn, c.frame, c.body, parcel.MaxBody); err != nil {
		return 0, err
	}
	for {
		b, err := c.fr.Next()
		if err != nil {
			return 0, err
		}
		m, err := parcel.ParseMessage(b)
		if err != nil {
			return 0, err
		}
		if m.IsUnsolicited() {
			continue
		}
		if m.Serial != c.serial {
			return 0, fmt.Errorf("reply to serial %d, want %d", m.Serial, c.serial)
		}
		return m.Error, nil
	}
}

// Close closes the connection.
func (c *SyncClient) Close() error { return c.conn.Close() }

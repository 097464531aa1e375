package rilproxytest

import (
	"errors"
	"fmt"
	"net"
	"sync"
	"time"

	"droidplex/rilproxy/parcel"
)

// Message is one message a Client received (the body is a copy).
type Message struct {
	parcel.Message
	Body []byte
}

// Client is a simulated container: a rild client like oFono's, choosing
// its own serials (from 1, as oFono does).
type Client struct {
	conn    net.Conn
	mu      sync.Mutex
	serial  int32
	waiting map[int32]chan Message
	unsols  chan Message
	done    chan struct{}
	err     error // protocol errors
	end     error // why the connection ended
}

// Dial connects to a container's rild socket.
func Dial(path string) (*Client, error) {
	conn, err := net.Dial("unix", path)
	if err != nil {
		return nil, err
	}
	c := &Client{conn: conn, waiting: map[int32]chan Message{}, unsols: make(chan Message, 1024), done: make(chan struct{})}
	go c.read()
	return c, nil
}

func (c *Client) read() {
	defer close(c.done)
	fr := parcel.NewFrameReader(c.conn, parcel.MaxClientBody)
	for {
		body, err := fr.Next()
		if err != nil {
			c.mu.Lock()
			c.end = err
			c.mu.Unlock()
			return
		}
		body = append([]byte(nil), body...)
		msg, err := parcel.ParseMessage(body)
		if err != nil {
			c.mu.Lock()
			c.err = err
			c.mu.Unlock()
			return
		}
		m := Message{msg, body}
		if msg.IsUnsolicited() {
			select {
			case c.unsols <- m:
			default:
			}
			continue
		}
		c.mu.Lock()
		ch := c.waiting[msg.Serial]
		delete(c.waiting, msg.Serial)
		c.mu.Unlock()
		if ch == nil {
			c.mu.Lock()
			c.err = fmt.Errorf("reply to serial %d nobody asked (type %d)", msg.Serial, msg.Type)
			c.mu.Unlock()
			continue
		}
		ch <- m
	}
}

// Send sends a request with the next serial and returns a channel that
// receives its reply.
func (c *Client) Send(id parcel.ReqID, payload []byte) <-chan Message {
	c.mu.Lock()
	c.serial++
	s := c.serial
	ch := make(chan Message, 1)
	c.waiting[s] = ch
	c.mu.Unlock()
	c.conn.Write(parcel.AppendFrame(nil, parcel.AppendRequest(nil, id, s, payload)))
	return ch
}

// ErrTimeout is returned when a reply or an indication does not come.
var ErrTimeout = errors.New("rilproxytest: timed out")

// Do sends a request and waits up to 5 s for its reply.
func (c *Client) Do(id parcel.ReqID, payload []byte) (Message, error) {
	select {
	case m := <-c.Send(id, payload):
		return m, nil
	case <-c.done:
		c.mu.Lock()
		defer c.mu.Unlock()
		return Message{}, fmt.Errorf("%v: connection ended: %w", id, c.end)
	case <-time.After(5 * time.Second):
		return Message{}, fmt.Errorf("%v: %w", id, ErrTimeout)
	}
}

// Unsol waits up to d for the next indication.
func (c *Client) Unsol(d time.Duration) (Message, error) {
	select {
	case m := <-c.unsols:
		return m, nil
	case <-time.After(d):
		return Message{}, ErrTimeout
	}
}

// WaitUnsol waits up to 5 s for indication id, skipping others.
func (c *Client) WaitUnsol(id parcel.UnsolID) (Message, error) {
	deadline := time.After(5 * time.Second)
	for {
		select {
		case m := <-c.unsols:
			if m.Unsol == id {
				return m, nil
			}
		case <-deadline:
			return Message{}, fmt.Errorf("%v: %w", id, ErrTimeout)
		}
	}
}

// Closed waits up to 5 s for the proxy to close the connection.
func (c *Client) Closed() bool {
	select {
	case <-c.done:
		return true
	case <-time.After(5 * time.Second):
		return false
	}
}

// Err returns the first protocol error seen (a reply to an unknown serial
// is one: it means a misrouted reply).
func (c *Client) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// Close disconnects.
func (c *Client) Close() error {
	err := c.conn.Close()
	<-c.done
	return err
}

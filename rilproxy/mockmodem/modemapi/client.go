package modemapi

import (
	"context"
	"net/http"

	"droidplex/internal/ctlhttp"
)

// IncomingCall asks for a call from Number to the modem.
type IncomingCall struct {
	Number string `json:"number"`
}

// IncomingCallResult names the ringing call.
type IncomingCallResult struct {
	Index int `json:"index"`
}

// HangupRemote makes the far end of call Index hang up (0: every call).
type HangupRemote struct {
	Index int `json:"index"`
}

// IncomingSMS asks for an SMS from From with Text.
type IncomingSMS struct {
	From string `json:"from"`
	Text string `json:"text"`
}

// IncomingUSSD asks for a network-initiated USSD notification.
type IncomingUSSD struct {
	Message string `json:"message"`
}

// Signal sets the signal strength in bars, 0–4.
type Signal struct {
	Bars int `json:"bars"`
}

// Registration sets the network registration: home, roaming, searching,
// denied or none.
type Registration struct {
	State string `json:"state"`
}

// Scenario is a script in the mock modem's scenario format.
type Scenario struct {
	Script string `json:"script"`
}

// Client talks to a mock modem's control socket.
type Client struct {
	hc *http.Client
}

// NewClient returns a client for the control socket at path.
func NewClient(path string) *Client { return &Client{hc: ctlhttp.NewClient(path)} }

func (c *Client) post(ctx context.Context, path string, in, out any) error {
	return ctlhttp.Do(ctx, c.hc, http.MethodPost, path, in, out)
}

// Status returns the modem's state.
func (c *Client) Status(ctx context.Context) (Status, error) {
	var s Status
	err := ctlhttp.Do(ctx, c.hc, http.MethodGet, "/v1/status", nil, &s)
	return s, err
}

// CallIn makes number call the modem and returns the call's index.
func (c *Client) CallIn(ctx context.Context, number string) (int, error) {
	var r IncomingCallResult
	err := c.post(ctx, "/v1/calls/incoming", IncomingCall{Number: number}, &r)
	return r.Index, err
}

// AnswerRemote makes the far end answer the outgoing call.
func (c *Client) AnswerRemote(ctx context.Context) error {
	return c.post(ctx, "/v1/calls/answer-remote", struct{}{}, nil)
}

// RejectRemote makes the far end reject the outgoing call.
func (c *Client) RejectRemote(ctx context.Context) error {
	return c.post(ctx, "/v1/calls/reject-remote", struct{}{}, nil)
}

// HangupRemote makes the far end of call index (0: every call) hang up.
func (c *Client) HangupRemote(ctx context.Context, index int) error {
	return c.post(ctx, "/v1/calls/hangup-remote", HangupRemote{Index: index}, nil)
}

// SMSIn delivers an SMS from from with text.
func (c *Client) SMSIn(ctx context.Context, from, text string) error {
	return c.post(ctx, "/v1/sms/incoming", IncomingSMS{From: from, Text: text}, nil)
}

// USSDIn sends a network-initiated USSD notification.
func (c *Client) USSDIn(ctx context.Context, message string) error {
	return c.post(ctx, "/v1/ussd/incoming", IncomingUSSD{Message: message}, nil)
}

// Signal sets the signal strength (0–4 bars).
func (c *Client) Signal(ctx context.Context, bars int) error {
	return c.post(ctx, "/v1/signal", Signal{Bars: bars}, nil)
}

// Registration sets the network registration state.
func (c *Client) Registration(ctx context.Context, state string) error {
	return c.post(ctx, "/v1/registration", Registration{State: state}, nil)
}

// RunScenario runs a script on the modem and returns when it has ended.
func (c *Client) RunScenario(ctx context.Context, script string) error {
	return c.post(ctx, "/v1/scenario", Scenario{Script: script}, nil)
}

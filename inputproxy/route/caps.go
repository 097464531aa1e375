package route

import (
	"fmt"
	"slices"
	"strings"
)

// Input property and bus constants used when classifying devices.
const (
	PropDirect = 0x01 // INPUT_PROP_DIRECT: a touchscreen, not a touchpad
	BusVirtual = 0x06
	btnMisc    = 0x100 // first button code; keys lie below it
	keyOK      = 0x160 // first key code after the button block
)

// ID is a device's bus, vendor, product and version (struct input_id).
type ID struct {
	Bus     uint16 `json:"bus"`
	Vendor  uint16 `json:"vendor"`
	Product uint16 `json:"product"`
	Version uint16 `json:"version"`
}

// AbsInfo is an absolute axis' range (struct input_absinfo).
type AbsInfo struct {
	Value      int32 `json:"value"`
	Minimum    int32 `json:"min"`
	Maximum    int32 `json:"max"`
	Fuzz       int32 `json:"fuzz,omitempty"`
	Flat       int32 `json:"flat,omitempty"`
	Resolution int32 `json:"resolution,omitempty"`
}

// Caps is everything a clone copies from a real device: name, ids,
// capabilities (codes by event type), input properties and absolute axis
// ranges.
type Caps struct {
	Name  string              `json:"name"`
	Phys  string              `json:"phys,omitempty"` // physical location; not copied to clones
	ID    ID                  `json:"id"`
	Codes map[uint16][]uint16 `json:"codes"` // event type → codes, sorted
	Props []uint16            `json:"props,omitempty"`
	Abs   map[uint16]AbsInfo  `json:"abs,omitempty"`
}

// Has reports whether the device reports code of event type typ.
func (c *Caps) Has(typ, code uint16) bool {
	_, ok := slices.BinarySearch(c.Codes[typ], code)
	return ok
}

// MT reports whether the device has multitouch slots.
func (c *Caps) MT() bool { return c.Has(EvAbs, AbsMTSlot) }

// Touchscreen reports whether the device is a touchscreen: a direct
// input device with multitouch positions or with ABS_X and BTN_TOUCH.
func (c *Caps) Touchscreen() bool {
	if !slices.Contains(c.Props, PropDirect) {
		return false
	}
	return c.Has(EvAbs, AbsMTPositionX) || (c.Has(EvAbs, AbsX) && c.Has(EvKey, BtnTouch))
}

// TouchRange returns the ranges of the position axes gestures use: the
// multitouch ones, or ABS_X/ABS_Y on a single-touch screen.
func (c *Caps) TouchRange() (x, y AbsInfo) {
	if c.Has(EvAbs, AbsMTPositionX) {
		return c.Abs[AbsMTPositionX], c.Abs[AbsMTPositionY]
	}
	return c.Abs[AbsX], c.Abs[AbsY]
}

// Keys reports whether the device has keys (a keyboard or buttons such as
// power and volume), as opposed to only mouse or joystick buttons.
func (c *Caps) Keys() bool {
	for _, k := range c.Codes[EvKey] {
		if k < btnMisc || k >= keyOK {
			return true
		}
	}
	return false
}

// Touch returns how to inject gestures into a clone of the device: the
// highest tracked slot, and whether it has ABS_X/ABS_Y and BTN_TOOL_FINGER.
func (c *Caps) Touch() Touch {
	return Touch{
		Slot:        min(c.Abs[AbsMTSlot].Maximum, MaxSlots-1),
		SingleTouch: c.Has(EvAbs, AbsX),
		ToolFinger:  c.Has(EvKey, BtnToolFinger),
	}
}

// Describe renders caps on one line for transcripts and logs.
func (c *Caps) Describe() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%q bus=%#x vendor=%#x product=%#x version=%#x", c.Name, c.ID.Bus, c.ID.Vendor, c.ID.Product, c.ID.Version)
	types := make([]uint16, 0, len(c.Codes))
	for t := range c.Codes {
		types = append(types, t)
	}
	slices.Sort(types)
	for _, t := range types {
		fmt.Fprintf(&b, " ev%#x=%d", t, len(c.Codes[t]))
	}
	if len(c.Props) > 0 {
		fmt.Fprintf(&b, " props=%v", c.Props)
	}
	axes := make([]uint16, 0, len(c.Abs))
	for a := range c.Abs {
		axes = append(axes, a)
	}
	slices.Sort(axes)
	for _, a := range axes {
		i := c.Abs[a]
		fmt.Fprintf(&b, " abs%#x=%d..%d/%d", a, i.Minimum, i.Maximum, i.Resolution)
	}
	return b.String()
}

// VirtualTouchscreen returns the caps of the touchscreen inputproxyd
// creates when no real one exists, width × height in pixels.
func VirtualTouchscreen(width, height int32) Caps {
	return Caps{
		Name:  "droidplex virtual touchscreen",
		ID:    ID{Bus: BusVirtual, Vendor: 0x6470, Product: 0x0001, Version: 1},
		Codes: map[uint16][]uint16{EvKey: {BtnToolFinger, BtnTouch}, EvAbs: {AbsX, AbsY, AbsMTSlot, AbsMTPositionX, AbsMTPositionY, AbsMTTrackingID}},
		Props: []uint16{PropDirect},
		Abs: map[uint16]AbsInfo{
			AbsX: {Maximum: width - 1}, AbsY: {Maximum: height - 1},
			AbsMTSlot: {Maximum: 9}, AbsMTTrackingID: {Maximum: 65535},
			AbsMTPositionX: {Maximum: width - 1}, AbsMTPositionY: {Maximum: height - 1},
		},
	}
}

// VirtualKeyboard returns the caps of the keyboard inputproxyd creates
// when no real one exists: every key code below the button block.
func VirtualKeyboard() Caps {
	keys := make([]uint16, 0, btnMisc-1)
	for k := uint16(1); k < btnMisc; k++ {
		keys = append(keys, k)
	}
	return Caps{
		Name:  "droidplex virtual keyboard",
		ID:    ID{Bus: BusVirtual, Vendor: 0x6470, Product: 0x0002, Version: 1},
		Codes: map[uint16][]uint16{EvKey: keys},
	}
}

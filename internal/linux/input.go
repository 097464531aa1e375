package linux

import (
	"os"
	"unsafe"

	"golang.org/x/sys/unix"
)

// ioctl request encoding (asm-generic/ioctl.h).
const (
	iocWrite = 1
	iocRead  = 2
)

func ioc(dir, typ, nr, size uintptr) uint {
	return uint(dir<<30 | size<<16 | typ<<8 | nr)
}

// InputID is struct input_id.
type InputID struct{ Bus, Vendor, Product, Version uint16 }

// InputAbsInfo is struct input_absinfo.
type InputAbsInfo struct{ Value, Minimum, Maximum, Fuzz, Flat, Resolution int32 }

// EvdevString reads a string property of an evdev device: nr is 0x06
// (EVIOCGNAME), 0x07 (EVIOCGPHYS) or 0x08 (EVIOCGUNIQ).
func EvdevString(fd int, nr uintptr) (string, error) {
	var buf [256]byte
	if err := IoctlPtr(fd, ioc(iocRead, 'E', nr, uintptr(len(buf))), unsafe.Pointer(&buf[0])); err != nil {
		return "", err
	}
	return unix.ByteSliceToString(buf[:]), nil
}

// EvdevID reads the device's ids (EVIOCGID).
func EvdevID(fd int) (InputID, error) {
	var id InputID
	err := IoctlPtr(fd, ioc(iocRead, 'E', 0x02, unsafe.Sizeof(id)), unsafe.Pointer(&id))
	return id, err
}

// EvdevBits fills buf with the code bitmap of event type typ (0: the type
// bitmap itself) (EVIOCGBIT).
func EvdevBits(fd int, typ uint16, buf []byte) error {
	return IoctlPtr(fd, ioc(iocRead, 'E', 0x20+uintptr(typ), uintptr(len(buf))), unsafe.Pointer(&buf[0]))
}

// EvdevProps fills buf with the input property bitmap (EVIOCGPROP).
func EvdevProps(fd int, buf []byte) error {
	return IoctlPtr(fd, ioc(iocRead, 'E', 0x09, uintptr(len(buf))), unsafe.Pointer(&buf[0]))
}

// EvdevKeyState fills buf with the bitmap of keys down (EVIOCGKEY).
func EvdevKeyState(fd int, buf []byte) error {
	return IoctlPtr(fd, ioc(iocRead, 'E', 0x18, uintptr(len(buf))), unsafe.Pointer(&buf[0]))
}

// EvdevAbs reads axis code's range and value (EVIOCGABS).
func EvdevAbs(fd int, code uint16) (InputAbsInfo, error) {
	var a InputAbsInfo
	err := IoctlPtr(fd, ioc(iocRead, 'E', 0x40+uintptr(code), unsafe.Sizeof(a)), unsafe.Pointer(&a))
	return a, err
}

// EvdevMTSlots reads multitouch axis buf[0] of every slot into buf[1:]
// (EVIOCGMTSLOTS).
func EvdevMTSlots(fd int, buf []int32) error {
	return IoctlPtr(fd, ioc(iocRead, 'E', 0x0a, uintptr(len(buf))*4), unsafe.Pointer(&buf[0]))
}

// EvdevGrab takes (or with on false, releases) exclusive use of the
// device: while grabbed, no other reader gets its events (EVIOCGRAB).
func EvdevGrab(fd int, on bool) error {
	v := uintptr(0)
	if on {
		v = 1
	}
	return Ioctl(fd, ioc(iocWrite, 'E', 0x90, 4), v)
}

// uinput requests (linux/uinput.h).
const (
	uiDevCreate  = 0x5501
	uiDevDestroy = 0x5502
	uiSetEvBit   = 100
	uiSetPhys    = 108
	uiSetPropBit = 110
)

// uiSetBit maps an event type (0: the type bitmap) to its UI_SET_*BIT
// request number.
var uiSetBit = map[uint16]uintptr{0: uiSetEvBit, 1: 101, 2: 102, 3: 103, 4: 104, 5: 109, 0x11: 105, 0x12: 106, 0x15: 107}

// UinputSetBit enables a capability before creation: typ 0 sets the event
// type bit code (UI_SET_EVBIT); else code of that type (UI_SET_KEYBIT,
// UI_SET_ABSBIT, ...). Types without a uinput request are refused with
// EINVAL.
func UinputSetBit(fd int, typ, code uint16) error {
	nr, ok := uiSetBit[typ]
	if !ok {
		return wrap("ioctl", unix.EINVAL)
	}
	return Ioctl(fd, ioc(iocWrite, 'U', nr, 4), uintptr(code))
}

// UinputSetProp sets an input property (UI_SET_PROPBIT).
func UinputSetProp(fd int, prop uint16) error {
	return Ioctl(fd, ioc(iocWrite, 'U', uiSetPropBit, 4), uintptr(prop))
}

// UinputSetPhys sets the physical location string (UI_SET_PHYS).
func UinputSetPhys(fd int, phys string) error {
	b, err := unix.BytePtrFromString(phys)
	if err != nil {
		return wrap("ioctl", err)
	}
	return IoctlPtr(fd, ioc(iocWrite, 'U', uiSetPhys, unsafe.Sizeof(uintptr(0))), unsafe.Pointer(b))
}

// uinputSetup is struct uinput_setup.
type uinputSetup struct {
	ID        InputID
	Name      [80]byte
	FFEffects uint32
}

// uinputAbsSetup is struct uinput_abs_setup.
type uinputAbsSetup struct {
	Code uint16
	_    uint16
	Abs  InputAbsInfo
}

// UinputSetup sets name and ids (UI_DEV_SETUP).
func UinputSetup(fd int, name string, id InputID) error {
	s := uinputSetup{ID: id}
	copy(s.Name[:79], name)
	return IoctlPtr(fd, ioc(iocWrite, 'U', 3, unsafe.Sizeof(s)), unsafe.Pointer(&s))
}

// UinputAbsSetup sets axis code's range and resolution (UI_ABS_SETUP).
func UinputAbsSetup(fd int, code uint16, a InputAbsInfo) error {
	s := uinputAbsSetup{Code: code, Abs: a}
	return IoctlPtr(fd, ioc(iocWrite, 'U', 4, unsafe.Sizeof(s)), unsafe.Pointer(&s))
}

// UinputCreate creates the device (UI_DEV_CREATE).
func UinputCreate(fd int) error { return Ioctl(fd, uiDevCreate, 0) }

// UinputDestroy destroys the device (UI_DEV_DESTROY).
func UinputDestroy(fd int) error { return Ioctl(fd, uiDevDestroy, 0) }

// UinputSysname returns the created device's sysfs name, e.g. "input7"
// (UI_GET_SYSNAME).
func UinputSysname(fd int) (string, error) {
	var buf [64]byte
	if err := IoctlPtr(fd, ioc(iocRead, 'U', 44, uintptr(len(buf))), unsafe.Pointer(&buf[0])); err != nil {
		return "", err
	}
	return unix.ByteSliceToString(buf[:]), nil
}

// InotifyInit returns a non-blocking, close-on-exec inotify instance as a
// file the runtime poller can wait on.
func InotifyInit() (*os.File, error) {
	fd, err := retry2(func() (int, error) { return unix.InotifyInit1(unix.IN_NONBLOCK | unix.IN_CLOEXEC) })
	if err != nil {
		return nil, wrap("inotify_init1", err)
	}
	return os.NewFile(uintptr(fd), "inotify"), nil
}

// InotifyAddWatch watches path for the events in mask and returns the
// watch descriptor.
func InotifyAddWatch(fd int, path string, mask uint32) (int, error) {
	wd, err := retry2(func() (int, error) { return unix.InotifyAddWatch(fd, path, mask) })
	if err != nil {
		return -1, &os.PathError{Op: "inotify_add_watch", Path: path, Err: err}
	}
	return wd, nil
}

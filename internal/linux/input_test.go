package linux

import (
	"testing"
	"unsafe"
)

// The ioctl numbers and struct sizes match linux/input.h and
// linux/uinput.h (values from the kernel headers of x86-64).
func TestInputIoctlNumbers(t *testing.T) {
	for _, tt := range []struct {
		name string
		got  uint
		want uint
	}{
		{"EVIOCGID", ioc(iocRead, 'E', 0x02, unsafe.Sizeof(InputID{})), 0x80084502},
		{"EVIOCGABS(ABS_X)", ioc(iocRead, 'E', 0x40, unsafe.Sizeof(InputAbsInfo{})), 0x80184540},
		{"EVIOCGRAB", ioc(iocWrite, 'E', 0x90, 4), 0x40044590},
		{"UI_SET_EVBIT", ioc(iocWrite, 'U', uiSetEvBit, 4), 0x40045564},
		{"UI_DEV_SETUP", ioc(iocWrite, 'U', 3, unsafe.Sizeof(uinputSetup{})), 0x405c5503},
		{"UI_ABS_SETUP", ioc(iocWrite, 'U', 4, unsafe.Sizeof(uinputAbsSetup{})), 0x401c5504},
		{"UI_SET_PHYS", ioc(iocWrite, 'U', uiSetPhys, unsafe.Sizeof(uintptr(0))), 0x4008556c},
		{"UI_GET_SYSNAME(64)", ioc(iocRead, 'U', 44, 64), 0x8040552c},
		{"UI_DEV_CREATE", uiDevCreate, 0x5501},
	} {
		if tt.got != tt.want {
			t.Errorf("%s = %#x, want %#x", tt.name, tt.got, tt.want)
		}
	}
}

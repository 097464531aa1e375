package kernel

import (
	"errors"
	"fmt"
)

// ErrNotSupported matches every error about a kernel feature that is missing.
var ErrNotSupported = errors.New("not supported by this kernel")

// NotSupportedError names a missing kernel feature and how to get it.
type NotSupportedError struct {
	Feature string // what is missing, e.g. "/dev/uinput"
	Fix     string // the kernel option or command that provides it
}

func (e *NotSupportedError) Error() string {
	if e.Fix == "" {
		return fmt.Sprintf("%s: %v", e.Feature, ErrNotSupported)
	}
	return fmt.Sprintf("%s: %v (%s)", e.Feature, ErrNotSupported, e.Fix)
}

// Is makes errors.Is(err, ErrNotSupported) true.
func (e *NotSupportedError) Is(target error) bool { return target == ErrNotSupported }

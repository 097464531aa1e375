package linux

import (
	"errors"

	"golang.org/x/sys/unix"
)

// retry runs fn until it returns something other than EINTR.
func retry(fn func() error) error {
	for {
		err := fn()
		if !errors.Is(err, unix.EINTR) {
			return err
		}
	}
}

// retry2 is retry for calls that also return a value.
func retry2[T any](fn func() (T, error)) (T, error) {
	for {
		v, err := fn()
		if !errors.Is(err, unix.EINTR) {
			return v, err
		}
	}
}

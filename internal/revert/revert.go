// Package revert undoes multi-step setup when a later step fails.
//
//	r := revert.New()
//	defer r.Fail()           // runs the undo steps unless Success was called
//	mount(...); r.Add(unmount)
//	create(...); r.Add(remove)
//	r.Success()
package revert

// Reverter is a stack of undo functions run in reverse order.
type Reverter struct {
	fns []func()
}

// New returns an empty Reverter.
func New() *Reverter { return &Reverter{} }

// Add pushes an undo step.
func (r *Reverter) Add(fn func()) { r.fns = append(r.fns, fn) }

// Fail runs the undo steps, newest first, unless Success was called. A
// step that panics does not stop the older ones: they all run, and then
// Fail panics again with the first step's panic value.
func (r *Reverter) Fail() {
	fns := r.fns
	r.fns = nil
	var (
		first    any
		panicked bool
	)
	for i := len(fns) - 1; i >= 0; i-- {
		func() {
			defer func() {
				if v := recover(); v != nil && !panicked {
					first, panicked = v, true
				}
			}()
			fns[i]()
		}()
	}
	if panicked {
		panic(first)
	}
}

// Success forgets the undo steps: the setup is kept.
func (r *Reverter) Success() { r.fns = nil }

// Clone hands the pending undo steps to a new Reverter (for a caller that
// wants to keep the option to undo later, e.g. on stop) and forgets them here.
func (r *Reverter) Clone() *Reverter {
	c := &Reverter{fns: r.fns}
	r.fns = nil
	return c
}

package wire

// InputNode is the host device node of one input clone (inputproxyd's
// uinput clone of a real device), e.g. /dev/input/event7 13:71. The
// container gets it at /dev/input/<same name>.
type InputNode struct {
	Path  string `json:"path"`
	Major uint32 `json:"major"`
	Minor uint32 `json:"minor"`
}

// InputChange is the body of POST /v1/containers/{name}/input: inputproxyd
// tells droidplexd which clones of a running container appeared (a device
// was plugged in) and which went away. Removals are applied first. A
// container that is not running ignores it: it is asked for its clones
// when it starts.
type InputChange struct {
	Add    []InputNode `json:"add,omitempty"`
	Remove []InputNode `json:"remove,omitempty"`
}

// Package archtest holds tests that enforce the architecture described in
// docs/architecture.md: which packages may import which, and one package
// doc comment per package. It has no code of its own.
package archtest

// Package daemonconf gives a daemon's flags and its TOML file one meaning.
// The flags are bound to the fields of the daemon's config; a file named by
// --config is decoded into the same config, and then the flags given on the
// command line are applied again on top, so they win over the file, which
// wins over the defaults.
package daemonconf

import (
	"droidplex/internal/version"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"
)

// MaxFile is the size of the largest config file LoadTOML reads.
const MaxFile = 1 << 20

// LoadTOML decodes the file at path into cfg, which holds the defaults.
// Unknown keys are refused, naming them, and so is a file larger than
// MaxFile (--config /dev/zero would otherwise fill the memory).
func LoadTOML(path string, cfg any) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("config: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, MaxFile+1))
	if err != nil {
		return fmt.Errorf("config: %w", err)
	}
	if len(b) > MaxFile {
		return fmt.Errorf("config %s: larger than %d bytes", path, MaxFile)
	}
	md, err := toml.Decode(string(b), cfg)
	if err != nil {
		return fmt.Errorf("config %s: %w", path, err)
	}
	if u := md.Undecoded(); len(u) > 0 {
		return fmt.Errorf("config %s: unknown keys %v", path, u)
	}
	return nil
}

// Parse parses args into fs. If *configPath is then set, it decodes that
// file into cfg (the struct fs's flags are bound to) with load, and parses
// args again so that the command line wins. A daemon takes flags only: an
// argument that is not one is an error, since flag parsing stops there and
// would silently ignore every flag after it.
// configPath may be nil: a daemon without a config file.
func Parse(fs *flag.FlagSet, args []string, configPath *string, load func(path string) error) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q: %s takes flags only (see --help)", fs.Arg(0), fs.Name())
	}
	if configPath == nil || *configPath == "" {
		return nil
	}
	if err := load(*configPath); err != nil {
		return err
	}
	return fs.Parse(args)
}

// ParseArgs parses the flags of a daemon without a config file, and exits
// with status 2 on an error, a stray argument included.
func ParseArgs(fs *flag.FlagSet, args []string) {
	if err := Parse(fs, args, nil, nil); err != nil {
		fmt.Fprintf(fs.Output(), "%s: %v\n", fs.Name(), err)
		os.Exit(2)
	}
}

// List is a comma-separated flag bound to a []string ("" is an empty list).
type List struct{ P *[]string }

func (l List) String() string {
	if l.P == nil {
		return ""
	}
	return strings.Join(*l.P, ",")
}

// Set implements flag.Value.
func (l List) Set(s string) error {
	*l.P = nil
	if s != "" {
		*l.P = strings.Split(s, ",")
	}
	return nil
}

// Uint32 is a flag bound to a uint32.
type Uint32 struct{ P *uint32 }

func (u Uint32) String() string {
	if u.P == nil {
		return "0"
	}
	return strconv.FormatUint(uint64(*u.P), 10)
}

// Set implements flag.Value.
func (u Uint32) Set(s string) error {
	v, err := strconv.ParseUint(s, 10, 32)
	if err != nil {
		return errors.Unwrap(err)
	}
	*u.P = uint32(v)
	return nil
}

// Uint16 is a flag bound to a uint16.
type Uint16 struct{ P *uint16 }

func (u Uint16) String() string {
	if u.P == nil {
		return "0"
	}
	return strconv.FormatUint(uint64(*u.P), 10)
}

// Set implements flag.Value.
func (u Uint16) Set(s string) error {
	v, err := strconv.ParseUint(s, 10, 16)
	if err != nil {
		return errors.Unwrap(err)
	}
	*u.P = uint16(v)
	return nil
}

// Start is a daemon's start-up after it has declared its flags on fs: it
// adds --config (when load is not nil) and --version, parses args with the
// file loaded beneath the flags, prints the version and exits if asked,
// exits with status 2 and the error on a bad flag or file, and returns the
// daemon's logger.
func Start(fs *flag.FlagSet, args []string, load func(path string) error) *slog.Logger {
	cfgPath := new(string)
	if load != nil {
		fs.StringVar(cfgPath, "config", "", "TOML configuration file (flags override it)")
	}
	showVersion := fs.Bool("version", false, "print the version and exit")
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	if err := Parse(fs, args, cfgPath, load); err != nil {
		log.Error(fs.Name(), "err", err)
		os.Exit(2)
	}
	if *showVersion {
		fmt.Println(version.String())
		os.Exit(0)
	}
	return log
}

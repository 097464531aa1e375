package config

import (
	"strings"

	"github.com/BurntSushi/toml"
)

// locator maps key paths to the line that defines them. BurntSushi/toml
// keeps key positions private, so this scans the text: it understands table
// headers ([a], [[a]], [[a.b]]) and "key = value" lines, which is all a
// droidplex config uses.
type locator struct {
	lines map[string]int // keyPath with indices -> first line
	plain []plainKey     // keys without indices, in file order
}

type plainKey struct {
	key  string // dotted, no indices
	line int
}

func newLocator(text string) *locator {
	l := &locator{lines: map[string]int{}}
	var table []pathElem
	counts := map[string]int{} // array-of-tables key path (with parent indices) -> next index
	for i, raw := range strings.Split(text, "\n") {
		n := i + 1
		s := strings.TrimSpace(raw)
		switch {
		case s == "" || s[0] == '#':
			continue
		case strings.HasPrefix(s, "[["):
			name := strings.TrimSpace(strings.TrimSuffix(strings.SplitN(s[2:], "]]", 2)[0], "]]"))
			table = l.arrayTable(table, strings.Split(name, "."), counts)
			l.add(table, n)
		case s[0] == '[':
			name := strings.TrimSpace(strings.SplitN(s[1:], "]", 2)[0])
			table = nil
			for _, k := range strings.Split(name, ".") {
				table = append(table, pathElem{strings.TrimSpace(k), -1})
			}
			l.add(table, n)
		default:
			eq := strings.IndexByte(s, '=')
			if eq <= 0 {
				continue
			}
			key := strings.Trim(strings.TrimSpace(s[:eq]), `"'`)
			l.add(at(table, key, -1), n)
		}
	}
	return l
}

// arrayTable returns the path of a new [[a.b]] element: the parents keep the
// indices of the elements currently open.
func (l *locator) arrayTable(cur []pathElem, names []string, counts map[string]int) []pathElem {
	var p []pathElem
	for i, name := range names {
		name = strings.TrimSpace(name)
		if i < len(names)-1 {
			if i < len(cur) && cur[i].key == name {
				p = append(p, cur[i])
			} else {
				p = append(p, pathElem{name, -1})
			}
			continue
		}
		k := keyPath(at(p, name, -1))
		p = append(p, pathElem{name, counts[k]})
		counts[k]++
	}
	return p
}

func (l *locator) add(p []pathElem, line int) {
	k := keyPath(p)
	if _, ok := l.lines[k]; !ok {
		l.lines[k] = line
	}
	names := make([]string, len(p))
	for i, e := range p {
		names[i] = e.key
	}
	l.plain = append(l.plain, plainKey{strings.Join(names, "."), line})
}

// lineOf returns the line defining p, or that of its nearest defined parent
// (a missing key is reported at its table's header), or 0.
func (l *locator) lineOf(p []pathElem) int {
	for n := len(p); n > 0; n-- {
		if line, ok := l.lines[keyPath(p[:n])]; ok {
			return line
		}
	}
	return 0
}

// line returns the first line defining a key as toml names it (no indices).
func (l *locator) line(k toml.Key) int {
	want := k.String()
	for _, pk := range l.plain {
		if pk.key == want {
			return pk.line
		}
	}
	return 0
}

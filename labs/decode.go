package labs

import (
	"fmt"
	"reflect"
	"strings"

	"go.yaml.in/yaml/v3"
)

// maxNodes bounds the YAML nodes decoded from one file, counting every
// use of an alias, so that an alias bomb ends with an error instead of
// exhausting memory. A real lab.yaml has a few hundred nodes.
const maxNodes = 100_000

// extensionPrefix starts the top-level keys the loader ignores, as in
// docker compose: a place to define YAML anchors ("x-common: &common").
const extensionPrefix = "x-"

// maxAnyDepth bounds the nesting of free-form values (expected rows).
const maxAnyDepth = 32

// decoder decodes a yaml.Node tree into the lab structs strictly: every
// key must be a field, every value must have the field's shape. Unlike
// yaml.v3's decoder it keeps going after an error, records the position of
// every value it decodes, and decodes a check's own fields into the check
// type's struct with the same strictness.
type decoder struct {
	errs *errorList
	// pos is where each decoded value was, for validation messages.
	pos map[posKey]Pos
	// bad marks the fields whose value had a problem.
	bad map[posKey]bool
	// nodes counts decoded nodes against maxNodes.
	nodes     int
	exhausted bool
}

// posKey names a decoded value: a field of the struct owner points to, or
// an element (index >= 0) of a list field.
type posKey struct {
	owner any
	field string
	index int
}

// loc is where a value is being decoded into, for positions and messages.
type loc struct {
	owner any
	field string
	index int
}

func (l loc) elem(i int) loc { return loc{l.owner, l.field, i} }

func nodePos(n *yaml.Node) Pos { return Pos{Line: n.Line, Col: n.Column} }

var unmarshalerType = reflect.TypeOf((*yaml.Unmarshaler)(nil)).Elem()

// resolve follows aliases and counts n against the node budget. It
// returns nil when the budget is spent.
func (d *decoder) resolve(n *yaml.Node) *yaml.Node {
	if d.exhausted {
		return nil
	}
	for hops := 0; n.Kind == yaml.AliasNode; hops++ {
		if n.Alias == nil || hops > 100 {
			d.errs.add(nodePos(n), "alias *%s cannot be resolved", n.Value)
			return nil
		}
		n = n.Alias
	}
	d.nodes++
	if d.nodes > maxNodes {
		d.exhausted = true
		d.errs.add(nodePos(n), "too many YAML values (more than %d, counting every use of an alias); a lab.yaml is small", maxNodes)
		return nil
	}
	return n
}

// pair is a key and its value in a mapping.
type pair struct{ key, val *yaml.Node }

// pairs returns the entries of mapping n, with merge keys (<<) expanded,
// reporting duplicate and non-string keys.
func (d *decoder) pairs(n *yaml.Node) []pair {
	var out, merged []pair
	seen := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k = d.resolve(k); k == nil {
			return out
		}
		if k.Kind != yaml.ScalarNode {
			d.errs.add(nodePos(k), "a key must be a plain string, not %s", describe(k))
			continue
		}
		if k.Tag == "!!merge" {
			merged = append(merged, d.merge(v)...)
			continue
		}
		if first, dup := seen[k.Value]; dup {
			d.errs.add(nodePos(k), "duplicate key %q (first at line %d)", k.Value, first.Line)
			continue
		}
		seen[k.Value] = k
		out = append(out, pair{k, v})
	}
	// Keys written in the mapping win over merged ones; among merged
	// mappings the first wins, as YAML specifies.
	for _, p := range merged {
		if _, ok := seen[p.key.Value]; !ok {
			seen[p.key.Value] = p.key
			out = append(out, p)
		}
	}
	return out
}

// merge returns the entries a merge key's value brings: a mapping or a
// list of mappings.
func (d *decoder) merge(v *yaml.Node) []pair {
	if v = d.resolve(v); v == nil {
		return nil
	}
	switch v.Kind {
	case yaml.MappingNode:
		return d.pairs(v)
	case yaml.SequenceNode:
		var out []pair
		for _, m := range v.Content {
			if m = d.resolve(m); m == nil {
				return out
			}
			if m.Kind != yaml.MappingNode {
				d.errs.add(nodePos(m), "a merge key (<<) takes a mapping or a list of mappings, not %s", describe(m))
				continue
			}
			out = append(out, d.pairs(m)...)
		}
		return out
	}
	d.errs.add(nodePos(v), "a merge key (<<) takes a mapping or a list of mappings, not %s", describe(v))
	return nil
}

// value decodes n into v, recording its position at l.
func (d *decoder) value(n *yaml.Node, v reflect.Value, l loc) {
	if n = d.resolve(n); n == nil {
		return
	}
	d.decode(n, v, l)
}

// decode decodes n, a resolved node, into v.
func (d *decoder) decode(n *yaml.Node, v reflect.Value, l loc) {
	d.pos[posKey(l)] = nodePos(n)
	name := l.field
	if v.CanAddr() && v.Kind() != reflect.Pointer && v.Addr().Type().Implements(unmarshalerType) {
		if err := v.Addr().Interface().(yaml.Unmarshaler).UnmarshalYAML(n); err != nil {
			d.fail(l, n, "%s: %v", name, err)
		}
		return
	}
	isNull := n.Kind == yaml.ScalarNode && n.Tag == "!!null"
	switch v.Kind() {
	case reflect.Pointer:
		if isNull {
			if v.Type().Elem().Kind() == reflect.Struct {
				d.fail(l, n, "%s: expected %s, got null", name, expected(v.Type()))
			}
			return
		}
		if et := v.Type().Elem(); et.Kind() == reflect.Struct && n.Kind != yaml.MappingNode && !v.Type().Implements(unmarshalerType) {
			// Left nil: the loader drops it and reports nothing more.
			d.fail(l, n, "%s: expected %s (a mapping of fields), got %s", name, noun(et, name), describe(n))
			return
		}
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		d.decode(n, v.Elem(), l)
	case reflect.Struct:
		if c, ok := v.Addr().Interface().(*CheckDef); ok {
			d.check(n, c, l)
			return
		}
		d.fields(n, v, l, nil)
	case reflect.Slice:
		if isNull {
			return
		}
		if n.Kind != yaml.SequenceNode {
			d.fail(l, n, "%s: expected %s, got %s", name, expected(v.Type()), describe(n))
			return
		}
		s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
		for i, c := range n.Content {
			if d.exhausted {
				return
			}
			d.value(c, s.Index(i), l.elem(i))
		}
		v.Set(s)
	case reflect.Map:
		if isNull {
			return
		}
		if n.Kind != yaml.MappingNode {
			d.fail(l, n, "%s: expected %s, got %s", name, expected(v.Type()), describe(n))
			return
		}
		if v.Type().Key().Kind() != reflect.String {
			panic("labs: map keys must be strings: " + v.Type().String())
		}
		m := reflect.MakeMap(v.Type())
		for _, p := range d.pairs(n) {
			e := reflect.New(v.Type().Elem()).Elem()
			d.value(p.val, e, loc{l.owner, l.field + "." + p.key.Value, -1})
			setNameAndPos(e, p.key)
			m.SetMapIndex(reflect.ValueOf(p.key.Value).Convert(v.Type().Key()), e)
		}
		v.Set(m)
	case reflect.Interface:
		if v.NumMethod() != 0 {
			panic("labs: cannot decode into " + v.Type().String())
		}
		if x := d.anyValue(n, 0); x != nil {
			v.Set(reflect.ValueOf(x))
		}
	case reflect.String:
		if n.Kind != yaml.ScalarNode {
			d.fail(l, n, "%s: expected %s, got %s", name, expected(v.Type()), describe(n))
			return
		}
		if !isNull {
			v.SetString(n.Value)
		}
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Float32, reflect.Float64:
		if isNull {
			return
		}
		tmp := reflect.New(v.Type())
		if n.Kind != yaml.ScalarNode || n.Decode(tmp.Interface()) != nil {
			d.fail(l, n, "%s: expected %s, got %s", name, expected(v.Type()), describe(n))
			return
		}
		v.Set(tmp.Elem())
	default:
		panic("labs: cannot decode into " + v.Type().String())
	}
}

// fields decodes mapping n into struct v, which is at l. With rest nil,
// keys that are not fields are errors; otherwise they are returned for the
// caller.
func (d *decoder) fields(n *yaml.Node, v reflect.Value, l loc, rest *[]pair) {
	what := noun(v.Type(), l.field)
	if n.Kind != yaml.MappingNode {
		d.fail(l, n, "expected %s (a mapping of fields), got %s", what, describe(n))
		return
	}
	isLab := v.Type() == reflect.TypeOf(Lab{})
	if f := v.FieldByName("Pos"); f.IsValid() && f.Type() == reflect.TypeOf(Pos{}) {
		f.Set(reflect.ValueOf(nodePos(n)))
	}
	fields := fieldsOf(v.Type())
	owner := v.Addr().Interface()
	for _, p := range d.pairs(n) {
		if d.exhausted {
			return
		}
		f, ok := lookupField(fields, p.key.Value)
		switch {
		case ok:
		case isLab && strings.HasPrefix(p.key.Value, extensionPrefix):
			// An extension field, a place to define anchors.
			continue
		case rest != nil:
			*rest = append(*rest, p)
			continue
		default:
			allowed := fieldNames(fields)
			if isLab {
				allowed += ", and x-… fields for anchors"
			}
			d.unknown(p.key, fmt.Sprintf("%s%s (allowed: %s)", what, d.didYouMean(owner, fields, p.key.Value), allowed))
			continue
		}
		d.value(p.val, v.FieldByIndex(f.index), loc{owner, f.name, -1})
	}
}

// anyValue decodes a free-form value: scalars as yaml.v3 resolves them,
// lists as []any, mappings as map[string]any.
func (d *decoder) anyValue(n *yaml.Node, depth int) any {
	if depth > 0 {
		if n = d.resolve(n); n == nil {
			return nil
		}
	}
	if depth > maxAnyDepth {
		d.errs.add(nodePos(n), "value nested more than %d levels deep", maxAnyDepth)
		return nil
	}
	switch n.Kind {
	case yaml.ScalarNode:
		var x any
		if err := n.Decode(&x); err != nil {
			d.errs.add(nodePos(n), "invalid value %q", n.Value)
		}
		return x
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			if d.exhausted {
				return nil
			}
			out = append(out, d.anyValue(c, depth+1))
		}
		return out
	case yaml.MappingNode:
		out := map[string]any{}
		for _, p := range d.pairs(n) {
			out[p.key.Value] = d.anyValue(p.val, depth+1)
		}
		return out
	}
	return nil
}

// setNameAndPos gives a struct decoded as a map value its key as Name and
// the key's place as Pos, when it has those fields.
func setNameAndPos(e reflect.Value, key *yaml.Node) {
	if e.Kind() == reflect.Pointer {
		if e.IsNil() {
			return
		}
		e = e.Elem()
	}
	if e.Kind() != reflect.Struct {
		return
	}
	if f, ok := e.Type().FieldByName("Name"); ok && f.Tag.Get("yaml") == "-" && f.Type.Kind() == reflect.String {
		e.FieldByIndex(f.Index).SetString(key.Value)
	}
	if f := e.FieldByName("Pos"); f.IsValid() && f.Type() == reflect.TypeOf(Pos{}) {
		f.Set(reflect.ValueOf(nodePos(key)))
	}
}

// fail reports a problem with the value at l and marks its field as failed,
// so that validation does not report the same field again.
func (d *decoder) fail(l loc, n *yaml.Node, format string, args ...any) {
	d.errs.add(nodePos(n), format, args...)
	field, _, _ := strings.Cut(l.field, ".")
	d.bad[posKey{l.owner, field, -1}] = true
}

// failed reports whether a problem was reported with field of owner.
func (d *decoder) failed(owner any, field string) bool {
	return d.bad[posKey{owner, field, -1}]
}

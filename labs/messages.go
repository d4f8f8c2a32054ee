package labs

import (
	"fmt"
	"reflect"

	"go.yaml.in/yaml/v3"
)

// didYouMean returns `, did you mean "x"?` for a likely typo, or "". It
// marks field x of owner as failed: a "missing field x" would only repeat
// the point.
func (d *decoder) didYouMean(owner any, fields []field, name string) string {
	s := suggest(fields, name)
	if s == "" {
		return ""
	}
	d.bad[posKey{owner, s, -1}] = true
	return fmt.Sprintf(", did you mean %q?", s)
}

// unknown reports an unknown key; what says where and what is allowed.
func (d *decoder) unknown(key *yaml.Node, what string) {
	d.errs.add(nodePos(key), "unknown field %q in %s", key.Value, what)
}

// describe names the shape of n for messages.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "null"
		}
		return fmt.Sprintf("%q", truncate(n.Value, 40))
	}
	return "nothing"
}

// expected names what a value of type t is written as.
func expected(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Pointer:
		return expected(t.Elem())
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice:
		return "a list"
	case reflect.Map, reflect.Struct:
		return "a mapping"
	}
	return "a value"
}

// noun names a struct type in messages: the lab's parts by what they are,
// a check type's inner structs by their field.
func noun(t reflect.Type, field string) string {
	switch t {
	case reflect.TypeOf(Lab{}):
		return "the lab"
	case reflect.TypeOf(Service{}):
		return "a service"
	case reflect.TypeOf(FileCopy{}):
		return "a file copy"
	case reflect.TypeOf(SubmissionFile{}):
		return "a submission file"
	case reflect.TypeOf(Hint{}):
		return "a hint"
	case reflect.TypeOf(CheckDef{}):
		return "a check"
	case reflect.TypeOf(Variant{}):
		return "a variant"
	case reflect.TypeOf(WrongSolution{}):
		return "a wrong solution"
	}
	if field != "" {
		return field
	}
	return "a " + t.Name()
}

// truncate shortens s to n runes for messages.
func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

package labs

import (
	"fmt"
	"reflect"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/labrunner/labrunner/checks"
)

// Defaults of a check's common fields.
const (
	// DefaultPoints is what a check is worth without `points:`.
	DefaultPoints = 1
	// DefaultTimeout bounds a check without `timeout:`.
	DefaultTimeout = 10 * time.Second
)

// check decodes one entry of `checks:`: the common fields into c, then
// every other key strictly into the struct of the check's type. yaml.v3's
// KnownFields does not reach into a custom UnmarshalYAML, so the split is
// done here, on the node.
func (d *decoder) check(n *yaml.Node, c *CheckDef, l loc) {
	var rest []pair
	d.fields(n, reflect.ValueOf(c).Elem(), l, &rest)
	if n.Kind != yaml.MappingNode || d.exhausted {
		return
	}
	if !d.has(c, "points") {
		c.Points = DefaultPoints
	}
	if !d.has(c, "timeout") {
		c.Timeout = checks.Duration{Duration: DefaultTimeout}
	}
	if !d.has(c, "reveal") {
		c.Reveal = true
	}
	c.Source = checkSource(n, c.Reveal)
	if c.Type == "" {
		if !d.failed(c, "type") {
			d.errs.add(d.at(c, "type", c.Pos), "missing check type (known: %s)", checks.Names())
		}
		return
	}
	t, ok := checks.Lookup(c.Type)
	if !ok {
		d.errs.add(d.at(c, "type", c.Pos), "unknown check type %q%s (known: %s)", c.Type, d.didYouMean(c, typeNames(), c.Type), checks.Names())
		return
	}
	chk := t.New()
	if u, ok := chk.(yaml.Unmarshaler); ok {
		// The type decodes itself; strictness is its own duty.
		m := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: n.Line, Column: n.Column}
		for _, p := range rest {
			m.Content = append(m.Content, p.key, p.val)
		}
		if err := u.UnmarshalYAML(m); err != nil {
			d.errs.add(c.Pos, "%s check: %v", c.Type, err)
		}
		c.Check = chk
		return
	}
	v := reflect.ValueOf(chk).Elem()
	own := fieldsOf(v.Type())
	common := fieldsOf(reflect.TypeOf(CheckDef{}))
	for _, p := range rest {
		if d.exhausted {
			return
		}
		f, ok := lookupField(own, p.key.Value)
		if !ok {
			hint := d.didYouMean(chk, own, p.key.Value)
			if hint == "" {
				hint = d.didYouMean(c, common, p.key.Value)
			}
			d.unknown(p.key, fmt.Sprintf("%s check%s (%s fields: %s; common fields: %s)",
				a(c.Type), hint, c.Type, fieldNames(own), fieldNames(common)))
			continue
		}
		d.value(p.val, v.FieldByIndex(f.index), loc{chk, f.name, -1})
	}
	c.Check = chk
}

// has reports whether the field of owner was written in the file.
func (d *decoder) has(owner any, field string) bool {
	_, ok := d.pos[posKey{owner, field, -1}]
	return ok
}

// at returns where the field of owner was written, or fallback.
func (d *decoder) at(owner any, field string, fallback Pos) Pos {
	if p, ok := d.pos[posKey{owner, field, -1}]; ok {
		return p
	}
	return fallback
}

// typeNames returns the check type names as fields, for suggestions.
func typeNames() []field {
	var out []field
	for _, t := range checks.Types() {
		out = append(out, field{name: t.Name})
	}
	return out
}

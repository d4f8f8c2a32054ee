package checks

import (
	"sort"
	"strings"
)

// Type describes one check type: its YAML name, the service kinds it fits,
// and a constructor of its zero value for decoding.
type Type struct {
	// Name is the YAML `type:` value.
	Name string
	// Kinds are the service kinds the check can run against.
	Kinds []string
	// New returns a new zero value to decode the check's fields into.
	New func() Check
	// HTTP marks checks that speak HTTP to their service: of Kinds, they
	// fit only the services that serve HTTP (labs.Service.ServesHTTP: a
	// runtime only where its program is a server).
	HTTP bool
}

// types is the table of check types, sorted by name. No init-time
// self-registration: this table is the whole list.
var types = []Type{
	{Name: "access", Kinds: []string{"box", "nginx", "runtime"}, New: func() Check { return &Access{} }},
	{Name: "command", Kinds: []string{"backend", "box", "nginx", "postgres", "redis", "runtime"}, New: func() Check { return &Command{} }},
	{Name: "file", Kinds: []string{"box", "nginx", "runtime"}, New: func() Check { return &File{} }},
	{Name: "http", Kinds: []string{"backend", "nginx", "runtime"}, New: func() Check { return &HTTP{} }, HTTP: true},
	{Name: "redis.key", Kinds: []string{"redis"}, New: func() Check { return &RedisKey{} }},
	{Name: "sql.assert", Kinds: []string{"postgres"}, New: func() Check { return &SQLAssert{} }},
	{Name: "sql.concurrent", Kinds: []string{"postgres"}, New: func() Check { return &SQLConcurrent{} }},
	{Name: "sql.index", Kinds: []string{"postgres"}, New: func() Check { return &SQLIndex{} }},
	{Name: "sql.intact", Kinds: []string{"postgres"}, New: func() Check { return &SQLIntact{} }},
	{Name: "sql.plan", Kinds: []string{"postgres"}, New: func() Check { return &SQLPlan{} }},
	{Name: "sql.rejects", Kinds: []string{"postgres"}, New: func() Check { return &SQLRejects{} }},
	{Name: "sql.result", Kinds: []string{"postgres"}, New: func() Check { return &SQLResult{} }},
	{Name: "workload", Kinds: []string{"runtime"}, New: func() Check { return &Workload{} }},
}

// Lookup returns the check type named name.
func Lookup(name string) (Type, bool) {
	for _, t := range types {
		if t.Name == name {
			return t, true
		}
	}
	return Type{}, false
}

// Types returns every check type, sorted by name.
func Types() []Type {
	out := append([]Type(nil), types...)
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Names returns the known type names, comma-separated, for error messages.
func Names() string {
	var names []string
	for _, t := range Types() {
		names = append(names, t.Name)
	}
	return strings.Join(names, ", ")
}

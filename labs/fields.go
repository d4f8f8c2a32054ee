package labs

import (
	"reflect"
	"strings"
)

// field is one YAML field of a struct: its key and where it is in the
// struct, following `yaml:",inline"` embedded structs.
type field struct {
	name  string
	index []int
}

// fieldsOf returns the YAML fields of struct type t in declaration order.
// Fields tagged "-" and unexported fields are left out.
func fieldsOf(t reflect.Type) []field {
	var out []field
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("yaml")
		name, opts, _ := strings.Cut(tag, ",")
		if tag == "-" {
			continue
		}
		if strings.Contains(","+opts+",", ",inline,") {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				// Inline pointers would need allocation on decode; no
				// type uses them.
				continue
			}
			if ft.Kind() == reflect.Struct {
				for _, sub := range fieldsOf(ft) {
					out = append(out, field{name: sub.name, index: append([]int{i}, sub.index...)})
				}
			}
			continue
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		out = append(out, field{name: name, index: []int{i}})
	}
	return out
}

// lookupField returns the field named name.
func lookupField(fields []field, name string) (field, bool) {
	for _, f := range fields {
		if f.name == name {
			return f, true
		}
	}
	return field{}, false
}

// fieldNames returns the names of fields, comma-separated.
func fieldNames(fields []field) string {
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.name
	}
	return strings.Join(names, ", ")
}

// suggest returns the field name closest to name when name looks like a
// typo of it, or "".
func suggest(fields []field, name string) string {
	limit := 1
	if len(name) > 4 {
		limit = 2
	}
	best, bestDist := "", limit+1
	for _, f := range fields {
		if d := editDistance(name, f.name); d < bestDist {
			best, bestDist = f.name, d
		}
	}
	if best == "" && len(name) >= 4 {
		for _, f := range fields {
			if strings.HasPrefix(f.name, name) {
				return f.name
			}
		}
	}
	return best
}

// editDistance is the Levenshtein distance of a and b, for short keys.
func editDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return 64
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// Suggest returns the one of known closest to name when name looks like a
// typo of it ("imagse" → "images"), or "": the did-you-mean of lab.yaml's
// messages, for other files' keys.
func Suggest(name string, known []string) string {
	fields := make([]field, len(known))
	for i, k := range known {
		fields[i] = field{name: k}
	}
	return suggest(fields, name)
}

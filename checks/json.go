package checks

import (
	"encoding/json"
	"strconv"
	"strings"
)

func parseJSON(b []byte) (any, error) {
	var doc any
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return nil, err
	}
	return doc, nil
}

// jsonField returns the value at a dotted path of doc as text: strings as
// they are, numbers and booleans as written, objects and arrays as JSON.
func jsonField(doc any, path string) (string, bool) {
	cur := doc
	for _, part := range strings.Split(path, ".") {
		switch v := cur.(type) {
		case map[string]any:
			next, ok := v[part]
			if !ok {
				// Header names in echoed JSON may differ in case.
				for k, val := range v {
					if strings.EqualFold(k, part) {
						next, ok = val, true
						break
					}
				}
			}
			if !ok {
				return "", false
			}
			cur = next
		case []any:
			i, err := strconv.Atoi(part)
			if err != nil || i < 0 || i >= len(v) {
				return "", false
			}
			cur = v[i]
		default:
			return "", false
		}
	}
	switch v := cur.(type) {
	case string:
		return v, true
	case json.Number:
		return v.String(), true
	case bool:
		return strconv.FormatBool(v), true
	case nil:
		return "null", true
	default:
		b, _ := json.Marshal(v)
		return string(b), true
	}
}

package checks

import (
	"errors"
	"fmt"
	"maps"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// HTTPHeader is an expectation on a response header: its text (equals,
// contains, matches, absent, as Match), or its meaning, so that every
// spelling of the same value passes:
//
//	Cache-Control:
//	  directives: {max-age: 2592000}   # these directives, with these values
//	  allow_directives: [public]       # may also be there; no others
//	Content-Type:
//	  media_type: text/css             # type/subtype, parameters ignored
//	Strict-Transport-Security:
//	  min_directives: {max-age: 31536000}  # a number at least this
//	  allow_directives: [includeSubDomains, preload]
//
// Directives reads the header as a list of directives (Cache-Control,
// Pragma, Surrogate-Control…): several lines of the header and the items
// of each, separated by commas (semicolons in Strict-Transport-Security,
// as RFC 6797 has them), in any order, names in any case, values
// quoted or not, numbers as numbers (max-age=02592000 is max-age=2592000).
// A directive given twice with different values fails. When max-age is
// required and the header has none, the response's Expires minus its Date
// stands for it, as a cache computes freshness (RFC 9111, 4.2.1). Any
// directive neither required nor in AllowDirectives fails the check: it
// would change the meaning ("no-cache, no-store" is not "no-cache").
type HTTPHeader struct {
	Match `yaml:",inline"`
	// Directives are the directives the header must have, by name, each
	// with its value ("" for a directive without one, as no-cache).
	Directives map[string]string `yaml:"directives,omitempty" json:"directives,omitempty"`
	// MinDirectives are directives the header must have with a number at
	// least this one (Strict-Transport-Security: {max-age: 31536000}).
	MinDirectives map[string]uint64 `yaml:"min_directives,omitempty" json:"min_directives,omitempty"`
	// AllowDirectives are other directives the header may have.
	AllowDirectives []string `yaml:"allow_directives,omitempty" json:"allow_directives,omitempty"`
	// MediaType is the media type (type/subtype) of a Content-Type like
	// header, compared without case; parameters (charset) are ignored.
	MediaType string `yaml:"media_type,omitempty" json:"media_type,omitempty"`
}

func (h *HTTPHeader) validate(field string) error {
	var errs []error
	if err := h.Match.validate(field); err != nil {
		errs = append(errs, err)
	}
	text := h.Equals != nil || h.Contains != "" || h.Matches != "" || h.Absent
	if (h.byDirectives() || h.MediaType != "") && text {
		errs = append(errs, fmt.Errorf("%s: directives, min_directives and media_type compare by meaning; they cannot be combined with equals, contains, matches or absent", field))
	}
	if h.byDirectives() && h.MediaType != "" {
		errs = append(errs, fmt.Errorf("%s: set one of directives (or min_directives) and media_type", field))
	}
	if len(h.AllowDirectives) > 0 && !h.byDirectives() {
		errs = append(errs, fmt.Errorf("%s.allow_directives: needs directives or min_directives", field))
	}
	for _, k := range slices.Sorted(maps.Keys(h.Directives)) {
		if !headerNameRe.MatchString(k) {
			errs = append(errs, fmt.Errorf("%s.directives: %q is not a directive name", field, k))
		}
	}
	for _, k := range slices.Sorted(maps.Keys(h.MinDirectives)) {
		switch {
		case !headerNameRe.MatchString(k):
			errs = append(errs, fmt.Errorf("%s.min_directives: %q is not a directive name", field, k))
		case slices.ContainsFunc(slices.Collect(maps.Keys(h.Directives)), func(d string) bool { return strings.EqualFold(d, k) }):
			errs = append(errs, fmt.Errorf("%s.min_directives: %s is in directives too; give it once", field, k))
		}
	}
	if h.MediaType != "" {
		if t, _, err := mime.ParseMediaType(h.MediaType); err != nil || t != strings.ToLower(h.MediaType) {
			errs = append(errs, fmt.Errorf("%s.media_type: %q is not a media type such as text/css (no parameters)", field, h.MediaType))
		}
	}
	return errors.Join(errs...)
}

// check returns "" when header k of hdr is as expected, else the end of
// a sentence that starts with the header's name.
func (h *HTTPHeader) check(k string, hdr http.Header, reveal bool) string {
	vals := hdr.Values(k)
	value := strings.Join(vals, ", ")
	switch {
	case h.MediaType != "":
		if len(vals) == 0 {
			return "is missing" + revealed(reveal, ", expected "+h.MediaType)
		}
		t, _, err := mime.ParseMediaType(value)
		if err != nil || t != strings.ToLower(h.MediaType) {
			return fmt.Sprintf("is %s", quoteShort(value)) + revealed(reveal, ", expected the type "+h.MediaType)
		}
		return ""
	case h.byDirectives():
		return h.checkDirectives(k, value, len(vals) > 0, hdr, reveal)
	}
	return h.Match.check(value, len(vals) > 0, reveal)
}

// byDirectives reports whether h compares the header as a list of
// directives.
func (h *HTTPHeader) byDirectives() bool { return h.Directives != nil || h.MinDirectives != nil }

func revealed(reveal bool, s string) string {
	if reveal {
		return s
	}
	return ", which is not the expected value"
}

// describeDirectives says what h expects: "max-age=2592000 (public may be
// there too)".
func (h *HTTPHeader) describeDirectives() string {
	var want []string
	for _, k := range slices.Sorted(maps.Keys(h.Directives)) {
		if v := h.Directives[k]; v != "" {
			want = append(want, strings.ToLower(k)+"="+v)
		} else {
			want = append(want, strings.ToLower(k))
		}
	}
	for _, k := range slices.Sorted(maps.Keys(h.MinDirectives)) {
		want = append(want, fmt.Sprintf("%s=%d or more", strings.ToLower(k), h.MinDirectives[k]))
	}
	s := strings.Join(want, ", ")
	if len(h.AllowDirectives) > 0 {
		s += " (" + strings.Join(h.AllowDirectives, ", ") + " may be there too)"
	}
	return s
}

func (h *HTTPHeader) checkDirectives(k, value string, present bool, hdr http.Header, reveal bool) string {
	got, err := parseDirectives(value, directiveSep(k))
	if err != "" {
		return fmt.Sprintf("is %s: %s", quoteShort(value), err)
	}
	// Expires stands for a missing max-age.
	if _, want := lowerKeys(h.Directives)["max-age"]; want && strings.EqualFold(k, "Cache-Control") {
		if _, ok := got["max-age"]; !ok {
			if age, ok := expiresAge(hdr); ok {
				got["max-age"] = strconv.FormatInt(age, 10)
			}
		}
	}
	if !present && len(got) == 0 {
		return "is missing" + revealed(reveal, ", expected "+h.describeDirectives())
	}
	show := quoteShort(value)
	if !present {
		show = "missing (Expires gives max-age=" + got["max-age"] + ")"
	} else {
		show = "is " + show
	}
	want := lowerKeys(h.Directives)
	for _, name := range slices.Sorted(maps.Keys(want)) {
		v, ok := got[name]
		if !ok {
			return show + revealed(reveal, ", which lacks "+name+"; expected "+h.describeDirectives())
		}
		if !sameDirectiveValue(v, want[name]) {
			return show + revealed(reveal, ", expected "+h.describeDirectives())
		}
	}
	for _, name := range slices.Sorted(maps.Keys(h.MinDirectives)) {
		v, ok := got[strings.ToLower(name)]
		if !ok {
			return show + revealed(reveal, ", which lacks "+strings.ToLower(name)+"; expected "+h.describeDirectives())
		}
		if n, err := strconv.ParseUint(v, 10, 63); err != nil || n < h.MinDirectives[name] {
			return show + revealed(reveal, ", expected "+h.describeDirectives())
		}
		want[strings.ToLower(name)] = v
	}
	allowed := map[string]bool{}
	for _, a := range h.AllowDirectives {
		allowed[strings.ToLower(a)] = true
	}
	for _, name := range slices.Sorted(maps.Keys(got)) {
		if _, ok := want[name]; !ok && !allowed[name] {
			return show + revealed(reveal, ", whose "+name+" changes its meaning; expected "+h.describeDirectives())
		}
	}
	return ""
}

func lowerKeys(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[strings.ToLower(k)] = v
	}
	return out
}

// parseDirectives reads a list of directives: name[=value] items
// separated by commas, values quoted or not. It returns the directives by
// lowercase name, or a reason the list makes no sense.
func parseDirectives(s string, sep byte) (map[string]string, string) {
	out := map[string]string{}
	for _, item := range splitList(s, sep) {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		name, v, hasValue := strings.Cut(item, "=")
		name = strings.ToLower(strings.TrimSpace(name))
		v = strings.TrimSpace(v)
		if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
			v = strings.ReplaceAll(v[1:len(v)-1], `\`, "")
		}
		if !hasValue {
			v = ""
		}
		if old, ok := out[name]; ok && !sameDirectiveValue(old, v) {
			return nil, fmt.Sprintf("it gives %s twice, with different values", name)
		}
		out[name] = v
	}
	return out, ""
}

// directiveSep is what separates the directives of header k: a
// semicolon in Strict-Transport-Security (RFC 6797, 6.1), where a comma
// is part of a value and the header is then invalid; a comma elsewhere
// (Cache-Control, Pragma, Surrogate-Control).
func directiveSep(k string) byte {
	if strings.EqualFold(k, "Strict-Transport-Security") {
		return ';'
	}
	return ','
}

// splitList splits at sep outside quoted strings.
func splitList(s string, sep byte) []string {
	var out []string
	var b strings.Builder
	quoted := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && quoted && i+1 < len(s):
			b.WriteByte(c)
			i++
			c = s[i]
		case c == '"':
			quoted = !quoted
		case c == sep && !quoted:
			out = append(out, b.String())
			b.Reset()
			continue
		}
		b.WriteByte(c)
	}
	return append(out, b.String())
}

// sameDirectiveValue compares values: as numbers when both are, else
// without case (a list of field names, a token).
func sameDirectiveValue(a, b string) bool {
	if x, err := strconv.ParseUint(a, 10, 63); err == nil {
		if y, err := strconv.ParseUint(b, 10, 63); err == nil {
			return x == y
		}
	}
	return strings.EqualFold(a, b)
}

// expiresAge is the freshness lifetime Expires gives, Expires minus Date
// in seconds, rounded to the nearest minute's worth of clock skew: nginx
// computes both from one clock, but a second may tick between them.
func expiresAge(hdr http.Header) (int64, bool) {
	exp, err := http.ParseTime(hdr.Get("Expires"))
	if err != nil {
		return 0, false
	}
	date, err := http.ParseTime(hdr.Get("Date"))
	if err != nil {
		date = time.Now()
	}
	age := int64(exp.Sub(date).Round(time.Second) / time.Second)
	if age < 0 {
		age = 0
	}
	return age, true
}

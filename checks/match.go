package checks

import (
	"fmt"
	"regexp"
	"strings"
)

// Match is an expectation on a text value — an HTTP header, a JSON field
// of a response, a file's content. At most one of Equals, Contains and
// Matches is set; with none of them, the value must only be present.
// Absent requires that there is no value at all.
//
//	equals: "no-cache"          # the whole value
//	contains: "max-age="        # a substring
//	matches: "^max-age=[0-9]+"  # a regular expression (RE2), unanchored
//	absent: true                # no such header / field
type Match struct {
	// Equals is the exact value.
	Equals *string `yaml:"equals,omitempty" json:"equals,omitempty"`
	// Contains is a substring of the value.
	Contains string `yaml:"contains,omitempty" json:"contains,omitempty"`
	// Matches is a regular expression (Go RE2 syntax) the value matches.
	Matches string `yaml:"matches,omitempty" json:"matches,omitempty"`
	// Absent requires that the value does not exist.
	Absent bool `yaml:"absent,omitempty" json:"absent,omitempty"`
}

// validate reports what is wrong with m; field prefixes the message.
func (m *Match) validate(field string) error {
	n := 0
	if m.Equals != nil {
		n++
	}
	if m.Contains != "" {
		n++
	}
	if m.Matches != "" {
		n++
		if _, err := regexp.Compile(m.Matches); err != nil {
			return fmt.Errorf("%s.matches: %v", field, err)
		}
	}
	if n > 1 {
		return fmt.Errorf("%s: set one of equals, contains and matches", field)
	}
	if m.Absent && n > 0 {
		return fmt.Errorf("%s: absent cannot be combined with equals, contains or matches", field)
	}
	return nil
}

// check compares a value (present reports whether it exists) with m. It
// returns "" when the value is as expected, else what is wrong, as the end
// of a sentence ("is \"MISS\", expected \"HIT\""); expected values are
// left out unless reveal.
func (m *Match) check(value string, present, reveal bool) string {
	if m.Absent {
		if present {
			return fmt.Sprintf("is %s, expected none", quoteShort(value))
		}
		return ""
	}
	if !present {
		if reveal && m.describe() != "" {
			return "is missing, expected " + m.describe()
		}
		return "is missing"
	}
	ok := true
	switch {
	case m.Equals != nil:
		ok = value == *m.Equals
	case m.Contains != "":
		ok = strings.Contains(value, m.Contains)
	case m.Matches != "":
		re, err := regexp.Compile(m.Matches)
		ok = err == nil && re.MatchString(value)
	}
	if ok {
		return ""
	}
	if reveal && m.Equals != nil && needsDiff(value, *m.Equals) {
		return diffAt(value, *m.Equals)
	}
	if reveal {
		return fmt.Sprintf("is %s, expected %s", quoteShort(value), m.describe())
	}
	return fmt.Sprintf("is %s, which is not the expected value", quoteShort(value))
}

// describe says what m expects, for messages.
func (m *Match) describe() string {
	switch {
	case m.Equals != nil:
		return quoteShort(*m.Equals)
	case m.Contains != "":
		return "a value containing " + quoteShort(m.Contains)
	case m.Matches != "":
		return "a value matching /" + m.Matches + "/"
	}
	return ""
}

// quoteShort quotes s for a message, shortened to a readable length.
func quoteShort(s string) string {
	const max = 120
	if r := []rune(s); len(r) > max {
		return fmt.Sprintf("%q…", string(r[:max]))
	}
	return fmt.Sprintf("%q", s)
}

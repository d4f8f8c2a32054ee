package labs

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// yamlLine matches the line yaml.v3 puts in its syntax errors.
var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// maxRelocateLines bounds the search for the line of a syntax error (see
// SyntaxError): past it, yaml.v3's own line is kept.
const maxRelocateLines = 2000

// SyntaxError turns a yaml.v3 syntax error in data, a file named path,
// into an Error at the line that is wrong, with a message a person can
// act on.
//
// yaml.v3 reports a parser error at the start of the mapping or list it
// was in, counted from 0: an under-indented key at the end of a 10-line
// mapping is reported 9 lines early, and its message does not say that
// the indentation is wrong. It has no column and calls a tab "a character
// that cannot start any token". So the line is found again: it is the
// first line at which the file, cut after it, fails with the same error.
// A tab in a line's indentation is named as such, and an indentation that
// matches no level above is said to be one.
func SyntaxError(path string, data []byte, err error) *Error {
	e := &Error{Path: path}
	reported, msg := 0, strings.TrimPrefix(err.Error(), "yaml: ")
	if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
		reported, _ = strconv.Atoi(m[1])
		msg = m[2]
	}
	lines := strings.SplitAfter(string(data), "\n")
	e.Line = reported
	if line := failingLine(lines, reported, err.Error()); line > 0 {
		e.Line = line
	}
	if e.Line < 1 || e.Line > len(lines) {
		e.Msg = "invalid YAML: " + msg
		if reported == 0 {
			e.Line = 0
		}
		return e
	}
	text := strings.TrimRight(lines[e.Line-1], "\r\n")
	indent := text[:len(text)-len(strings.TrimLeft(text, " \t"))]
	if i := strings.IndexByte(indent, '\t'); i >= 0 {
		e.Col = utf8.RuneCountInString(indent[:i]) + 1
		e.Msg = "invalid YAML: tab character; YAML indents with spaces"
		return e
	}
	e.Msg = "invalid YAML: " + msg
	if strings.HasPrefix(msg, "did not find expected key") || strings.HasPrefix(msg, "did not find expected '-' indicator") {
		e.Col = len(indent) + 1
		if why := indentation(lines, e.Line, len(indent)); why != "" {
			e.Msg = "invalid YAML: " + why + " (" + msg + ")"
		}
	}
	return e
}

// failingLine returns the first line n from about reported on such that
// the first n lines of the file fail to parse with exactly want, or 0.
func failingLine(lines []string, reported int, want string) int {
	start := max(reported-1, 1)
	for n := start; n <= len(lines) && n < start+maxRelocateLines; n++ {
		if err := parseAll(strings.Join(lines[:n], "")); err != nil && err.Error() == want {
			return n
		}
	}
	return 0
}

// parseAll parses every YAML document of s and returns the first error.
func parseAll(s string) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("yaml: %v", r)
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader([]byte(s)))
	for {
		var n yaml.Node
		if err := dec.Decode(&n); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
	}
}

// indentation explains an indentation of width spaces at line (1-based)
// that matches no level of the lines above it: "this line is indented 3
// spaces, but line 9 is indented 4 and line 4 is indented 2; …".
func indentation(lines []string, line, width int) string {
	deeper, shallower := 0, 0
	for i := line - 2; i >= 0 && shallower == 0; i-- {
		t := strings.TrimRight(lines[i], "\r\n")
		body := strings.TrimLeft(t, " ")
		if body == "" || strings.HasPrefix(body, "#") {
			continue
		}
		w := len(t) - len(body)
		switch {
		case w > width && deeper == 0:
			deeper = i + 1
		case w < width:
			shallower = i + 1
		case w == width:
			// A level of its own; the parser's complaint is elsewhere.
			return ""
		}
	}
	if deeper == 0 || shallower == 0 {
		return ""
	}
	indentOf := func(n int) int {
		t := lines[n-1]
		return len(t) - len(strings.TrimLeft(t, " "))
	}
	return fmt.Sprintf("this line is indented %s, but line %d is indented %d and line %d is indented %d; align it with one of them",
		spaces(width), deeper, indentOf(deeper), shallower, indentOf(shallower))
}

// spaces says "1 space" or "n spaces".
func spaces(n int) string {
	if n == 1 {
		return "1 space"
	}
	return strconv.Itoa(n) + " spaces"
}

package pg

import (
	"strconv"
	"strings"
)

// Statement is one statement of a script as psql splits it: its text
// (the terminating semicolon and what precedes the next statement
// included) and its byte offset in the script.
type Statement struct {
	Text   string
	Offset int
	// words are the statement's first keywords outside parentheses,
	// upper-cased, comments and literals skipped: enough to recognise
	// the statements that cannot run in a transaction block.
	words []string
	// empty is set when the piece holds no statement: only blanks,
	// comments and the semicolon.
	empty bool
}

// bom is the UTF-8 byte-order mark some editors write at the start of a
// file; psql skips it.
const bom = "\uFEFF"

// stripBOM removes a leading byte-order mark.
func stripBOM(s string) string { return strings.TrimPrefix(s, bom) }

// maxWords is how many leading keywords a Statement keeps.
const maxWords = 8

// Split cuts script into statements the way psql does: at a semicolon
// outside quotes ('…' where a doubled quote escapes, E'…' with backslash escapes, "…"
// identifiers, $tag$…$tag$), comments (-- and nested /* */), parentheses
// and the BEGIN … END body of CREATE [OR REPLACE] FUNCTION/PROCEDURE
// (BEGIN ATOMIC). Joining the pieces' Text gives the script back; the
// last piece is what follows the last semicolon, and is empty when
// nothing does.
func Split(script string) []Statement {
	var out []Statement
	start := 0
	st := newStmtState()
	i := 0
	n := len(script)
	for i < n {
		c := script[i]
		switch {
		case c == '-' && i+1 < n && script[i+1] == '-':
			for i < n && script[i] != '\n' {
				i++
			}
			continue
		case c == '/' && i+1 < n && script[i+1] == '*':
			depth := 1
			i += 2
			for i < n && depth > 0 {
				switch {
				case script[i] == '/' && i+1 < n && script[i+1] == '*':
					depth++
					i += 2
				case script[i] == '*' && i+1 < n && script[i+1] == '/':
					depth--
					i += 2
				default:
					i++
				}
			}
			continue
		case c == '\'':
			i = skipQuoted(script, i+1, '\'', false)
			st.literal()
			continue
		case c == '"':
			i = skipQuoted(script, i+1, '"', false)
			st.literal()
			continue
		case c == '$':
			if tag, ok := dollarTag(script, i); ok {
				end := strings.Index(script[i+len(tag):], tag)
				if end < 0 {
					i = n
				} else {
					i += len(tag) + end + len(tag)
				}
				st.literal()
				continue
			}
			i++
			continue
		case isIdentStart(c):
			j := i
			for j < n && isIdentChar(script[j]) {
				j++
			}
			word := script[i:j]
			// E'…' (and e'…'): an escape string, where \' does not end it.
			if (word == "E" || word == "e") && j < n && script[j] == '\'' {
				i = skipQuoted(script, j+1, '\'', true)
				st.literal()
				continue
			}
			// U&'…', U&"…": quoted as usual.
			if (word == "U" || word == "u") && j+1 < n && script[j] == '&' && (script[j+1] == '\'' || script[j+1] == '"') {
				i = skipQuoted(script, j+2, script[j+1], false)
				st.literal()
				continue
			}
			st.word(word)
			i = j
			continue
		case c >= '0' && c <= '9':
			// A number, possibly followed by letters (1e5, 0x1F): not a
			// word, so that "1end" is no END.
			for i < n && isIdentChar(script[i]) {
				i++
			}
			st.literal()
			continue
		case c == '(':
			st.paren++
		case c == ')':
			if st.paren > 0 {
				st.paren--
			}
		case c == ';':
			if st.paren == 0 && st.begin == 0 {
				out = append(out, Statement{Text: script[start : i+1], Offset: start, words: st.words, empty: !st.any})
				start = i + 1
				st = newStmtState()
				i++
				continue
			}
		}
		if c > ' ' && c != ';' {
			st.any = true
		}
		i++
	}
	out = append(out, Statement{Text: script[start:], Offset: start, words: st.words, empty: !st.any})
	return out
}

// stmtState is what the splitter tracks within one statement.
type stmtState struct {
	paren int
	// begin is the depth of BEGIN … END (and CASE … END within it) in
	// the body of CREATE FUNCTION/PROCEDURE, as psql counts it.
	begin int
	// idents counts the statement's words; lead holds the first letter
	// of each of its first four when it is CREATE, OR, REPLACE,
	// FUNCTION or PROCEDURE (psql's heuristic).
	idents int
	lead   [4]byte
	words  []string
	any    bool
}

func newStmtState() *stmtState { return &stmtState{} }

func (s *stmtState) literal() { s.any = true }

func (s *stmtState) word(w string) {
	s.any = true
	lw := strings.ToLower(w)
	if s.paren == 0 && len(s.words) < maxWords {
		s.words = append(s.words, strings.ToUpper(w))
	}
	if s.idents < len(s.lead) {
		switch lw {
		case "create", "function", "procedure", "or", "replace":
			s.lead[s.idents] = lw[0]
		}
	}
	s.idents++
	routine := s.lead[0] == 'c' && (s.lead[1] == 'f' || s.lead[1] == 'p' ||
		(s.lead[1] == 'o' && s.lead[2] == 'r' && (s.lead[3] == 'f' || s.lead[3] == 'p')))
	if !routine || s.paren != 0 {
		return
	}
	switch lw {
	case "begin":
		s.begin++
	case "case":
		// CASE ends with END too; it counts only inside a BEGIN.
		if s.begin >= 1 {
			s.begin++
		}
	case "end":
		if s.begin > 0 {
			s.begin--
		}
	}
}

// skipQuoted returns the index after the closing quote q of a literal
// whose body starts at i; a doubled quote is part of it, and so, with
// backslash, is a quote after a backslash. An unterminated literal runs
// to the end.
func skipQuoted(s string, i int, q byte, backslash bool) int {
	for i < len(s) {
		switch {
		case backslash && s[i] == '\\':
			i += 2
		case s[i] == q:
			if i+1 < len(s) && s[i+1] == q {
				i += 2
				continue
			}
			return i + 1
		default:
			i++
		}
	}
	return len(s)
}

// dollarTag returns the opening $tag$ of a dollar quote at i, if one
// starts there ($1 is a parameter, not a quote).
func dollarTag(s string, i int) (string, bool) {
	j := i + 1
	if j < len(s) && s[j] >= '0' && s[j] <= '9' {
		return "", false
	}
	for j < len(s) && s[j] != '$' {
		if !isIdentChar(s[j]) || s[j] == '$' {
			return "", false
		}
		j++
	}
	if j >= len(s) {
		return "", false
	}
	return s[i : j+1], true
}

func isIdentStart(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

func isIdentChar(c byte) bool {
	return isIdentStart(c) || c >= '0' && c <= '9' || c == '$'
}

// outsideTx reports whether a statement cannot run inside a transaction
// block (Postgres refuses it there with 25001), or must not run in the
// run's: ALTER ROLE (or USER) changes the role that every data set's
// database shares, and in one data set's open transaction it holds the
// role's row locked until the run ends, so the same script applied to
// the next data set waits for a lock that is never released. Outside,
// each data set's statement commits at once; the slot is then recreated,
// as after any change that stays.
func (s Statement) outsideTx() bool {
	w := s.words
	at := func(i int, v ...string) bool {
		if i >= len(w) {
			return false
		}
		for _, x := range v {
			if w[i] == x {
				return true
			}
		}
		return false
	}
	has := func(v string) bool {
		for _, x := range w {
			if x == v {
				return true
			}
		}
		return false
	}
	switch {
	case at(0, "VACUUM"):
		return true
	case at(0, "CREATE") && (at(1, "INDEX") && at(2, "CONCURRENTLY") || at(1, "UNIQUE") && at(2, "INDEX") && at(3, "CONCURRENTLY")):
		return true
	case at(0, "DROP") && at(1, "INDEX") && at(2, "CONCURRENTLY"):
		return true
	case at(0, "REINDEX"):
		return has("CONCURRENTLY") || has("DATABASE") || has("SYSTEM")
	case at(0, "CREATE", "DROP") && at(1, "DATABASE", "TABLESPACE", "SUBSCRIPTION"):
		return true
	case at(0, "ALTER") && at(1, "SYSTEM", "ROLE", "USER"):
		return true
	case at(0, "CLUSTER") && (len(w) == 1 || len(w) == 2 && w[1] == "VERBOSE"):
		return true
	case at(0, "DISCARD") && at(1, "ALL"):
		return true
	case at(0, "COMMIT", "ROLLBACK") && at(1, "PREPARED"):
		return true
	}
	return false
}

// lead is how a message names the statement: its start, on one line.
func (s Statement) lead() string {
	t := strings.Join(strings.Fields(strings.TrimSuffix(strings.TrimSpace(s.Text), ";")), " ")
	if r := []rune(t); len(r) > 60 {
		t = string(r[:60]) + "…"
	}
	return strconv.Quote(t)
}

package checks

import (
	"fmt"
	"strings"
)

// A sql.concurrent check with `statements_file:` grades a transaction the
// learner writes, not only a function: the file holds the statements of
// one call, which the grader runs as the app would, in a transaction of
// its own per call, with the call's arguments as $1, $2, … (each
// statement gets the ones it uses).
//
//	checks:
//	- name: two-at-once
//	  type: sql.concurrent
//	  service: db
//	  sessions: 8
//	  statements_file: off_call.sql   # a submission file, apply: query
//	  retry: ["40001", "40P01"]       # the app's retry loop
//	  calls: SELECT id FROM doctors WHERE on_call
//	  invariants: [...]
//
// The file may choose its isolation level with SET TRANSACTION ISOLATION
// LEVEL as its first statement (the call's BEGIN is the grader's, at
// `isolation` if the check sets one, else the server's default), lock
// what it reads, or both. It must not BEGIN, COMMIT or ROLLBACK itself:
// the app does, and retries the whole call after an error of `retry`, as
// an app's retry loop does around a transaction. A file without a
// statement (the starter's comment) fails the check saying so.

// callStatements returns the statements of one call: the check's, or
// those of its statements_file. out is set when the file cannot be used.
func (c *SQLConcurrent) callStatements(env Env, ss SQLSessions) ([]string, *Outcome) {
	if c.StatementsFile == "" {
		return c.Statements, nil
	}
	text, err := env.Submission(c.StatementsFile)
	if err != nil {
		out := Errored(err.Error())
		return nil, &out
	}
	stmts := ss.SplitScript(text)
	if len(stmts) == 0 {
		out := Failed(c.StatementsFile + " has no statement: write the statements of one call there")
		return nil, &out
	}
	for i, st := range stmts {
		if w := firstKeyword(st); transactionControl[w] {
			out := Failed(fmt.Sprintf("statement %d of %s is %s: leave out BEGIN, COMMIT and ROLLBACK; each call runs in a transaction the grader begins and commits, as the app does", i+1, c.StatementsFile, w))
			return nil, &out
		}
	}
	return stmts, nil
}

// transactionControl are the statements that begin or end a transaction.
var transactionControl = map[string]bool{
	"BEGIN": true, "START": true, "COMMIT": true, "END": true, "ROLLBACK": true, "ABORT": true,
}

// firstKeyword is the first word of a statement, upper-cased, after
// blanks and comments (-- to the end of the line, /* … */).
func firstKeyword(st string) string {
	s := st
	for {
		s = strings.TrimLeft(s, " \t\r\n\f")
		switch {
		case strings.HasPrefix(s, "--"):
			if i := strings.IndexByte(s, '\n'); i >= 0 {
				s = s[i+1:]
				continue
			}
			return ""
		case strings.HasPrefix(s, "/*"):
			depth, i := 1, 2
			for i < len(s) && depth > 0 {
				switch {
				case strings.HasPrefix(s[i:], "/*"):
					depth++
					i += 2
				case strings.HasPrefix(s[i:], "*/"):
					depth--
					i += 2
				default:
					i++
				}
			}
			s = s[i:]
			continue
		}
		end := strings.IndexFunc(s, func(r rune) bool {
			return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r == '_')
		})
		if end < 0 {
			end = len(s)
		}
		return strings.ToUpper(s[:end])
	}
}

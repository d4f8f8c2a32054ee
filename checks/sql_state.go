package checks

import (
	"errors"
	"strings"
)

// sqlStater is an error that carries a Postgres SQLSTATE code, as the
// errors of SQL.Query do when the server refused a statement.
type sqlStater interface {
	SQLState() string
}

// SQLState returns the SQLSTATE code (five characters, "23505") that err
// carries, or "" when it carries none (a lost connection, a deadline).
func SQLState(err error) string {
	var s sqlStater
	if errors.As(err, &s) {
		return s.SQLState()
	}
	return ""
}

// validSQLState reports whether s is a SQLSTATE class (two characters,
// "23") or code (five, "23505") of digits and upper-case letters.
func validSQLState(s string) bool {
	if len(s) != 2 && len(s) != 5 {
		return false
	}
	for _, r := range s {
		if (r < '0' || r > '9') && (r < 'A' || r > 'Z') {
			return false
		}
	}
	return true
}

// matchSQLState reports whether code is want: the same code, or a code of
// the class want names.
func matchSQLState(code, want string) bool {
	return code != "" && strings.HasPrefix(code, want) && (len(want) == 2 || code == want)
}

// sqlStateNames are the SQLSTATE codes of class 23 and a few others a
// learner meets, named as Postgres names them, for messages.
var sqlStateNames = map[string]string{
	"23":    "integrity constraint violation",
	"23000": "integrity_constraint_violation",
	"23001": "restrict_violation",
	"23502": "not_null_violation",
	"23503": "foreign_key_violation",
	"23505": "unique_violation",
	"23514": "check_violation",
	"23P01": "exclusion_violation",
	"22":    "data exception",
	"42":    "syntax error or access rule violation",
	"P0":    "PL/pgSQL error",
}

// describeSQLState is code with its name when it has one: "23505
// (unique_violation)".
func describeSQLState(code string) string {
	if n, ok := sqlStateNames[code]; ok {
		return code + " (" + n + ")"
	}
	if len(code) == 5 {
		if n, ok := sqlStateNames[code[:2]]; ok {
			return code + " (class " + code[:2] + ": " + n + ")"
		}
	}
	return code
}

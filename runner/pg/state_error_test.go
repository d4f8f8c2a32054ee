package pg

import (
	"errors"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/labrunner/labrunner/checks"
)

// The learner's sentence of a server error keeps its SQLSTATE, so that a
// sql.rejects check can tell a constraint violation from a missing table.
func TestDescribeKeepsSQLState(t *testing.T) {
	const script = "INSERT INTO t\nVALUES (1)"
	pe := &pgconn.PgError{Code: "23505", Message: "duplicate key", Position: 15, Hint: "h"}
	tests := []struct {
		name string
		err  error
		want string
		code string
	}{
		{"a script's error", describePGError(script, pe), "line 2: duplicate key (hint: h)", "23505"},
		{"a statement's error", describeStatementError(script, Statement{Text: script}, pe), "line 2: duplicate key (hint: h)", "23505"},
		{"a query's error", describeQueryError(script, pe), "line 2: duplicate key (hint: h)", "23505"},
		{"not a server error", describePGError(script, errors.New("eof")), "eof", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.err.Error() != tt.want {
				t.Errorf("message = %q, want %q", tt.err.Error(), tt.want)
			}
			if got := checks.SQLState(tt.err); got != tt.code {
				t.Errorf("SQLState = %q, want %q", got, tt.code)
			}
		})
	}
}

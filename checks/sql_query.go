package checks

import (
	"context"
	"errors"
	"strings"
)

// LearnerQuery is the learner's query of a SQL check: a submission file
// (`query_file`) or inline text (`query`), exactly one of them.
type LearnerQuery struct {
	// QueryFile names a submission file holding the learner's query.
	QueryFile string `yaml:"query_file,omitempty" json:"query_file,omitempty"`
	// Query is the query itself, when the lab fixes it.
	Query string `yaml:"query,omitempty" json:"query,omitempty"`
}

func (q LearnerQuery) validate() error {
	switch {
	case q.QueryFile == "" && strings.TrimSpace(q.Query) == "":
		return errors.New("query_file or query: one is required")
	case q.QueryFile != "" && q.Query != "":
		return errors.New("query_file and query: use one, not both")
	}
	return nil
}

// text returns the learner's query, reading the submission file if named.
// ok is false (with an outcome to return) when the query is missing.
func (q LearnerQuery) text(env Env) (string, Outcome, bool) {
	if q.QueryFile == "" {
		return q.Query, Outcome{}, true
	}
	s, err := env.Submission(q.QueryFile)
	if err != nil {
		return "", Errored(err.Error()), false
	}
	if strings.TrimSpace(stripSQLComments(s)) == "" {
		return "", Failed(q.QueryFile + " holds no query yet"), false
	}
	return s, Outcome{}, true
}

// queryError turns a query error into an outcome. A query that ran past
// the check's limit is an error here, with the sentence that names the
// limit; the runner makes it the learner's fail when the check's own
// deadline passed (see runner.runOne). An interruption is no one's fault.
func queryError(ctx context.Context, err error) Outcome {
	if overLimit(ctx, err) {
		return Errored(pastLimit(ctx, "your query", "cancelled"))
	}
	if ctx.Err() != nil {
		return interrupted
	}
	return Errored("query failed: " + err.Error())
}

// quoteLiteral quotes s as a SQL string literal.
func quoteLiteral(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// stripSQLComments removes -- line comments and /* */ block comments, to
// tell an empty file from one with a query. It ignores quoting, which is
// enough for that purpose.
func stripSQLComments(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch {
		case strings.HasPrefix(s[i:], "--"):
			for i < len(s) && s[i] != '\n' {
				i++
			}
		case strings.HasPrefix(s[i:], "/*"):
			end := strings.Index(s[i+2:], "*/")
			if end < 0 {
				return b.String()
			}
			i += end + 3
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

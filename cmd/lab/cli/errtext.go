package cli

import (
	"errors"
	"strings"

	"github.com/labrunner/labrunner/runner"
)

// interruptedLine is all an interrupted run prints (without -v): by the
// time Main prints it, the command's deferred cleanup has removed what
// the run started.
const interruptedLine = "interrupted; nothing left running"

// envAdvice follows the summary of an environment error: what to do.
const envAdvice = "    `lab doctor` checks the container engine; run again with -v to see the engine's own error\n"

// errorText is what Main prints for a command's error: "lab: <error>".
// An environment error (runner.EnvError) is cut to the sentences of lab
// itself — what it was doing, "start db (image)" — followed by what to do;
// the engine's own text ("generic container: start container: …", API
// URLs) is shown only under -v, as gh shows HTTP detail only with
// GH_DEBUG.
func errorText(err error, verbose bool) string {
	var ee *runner.EnvError
	if verbose || !errors.As(err, &ee) {
		return "lab: " + err.Error() + "\n"
	}
	return "lab: " + envSummary(err) + "\n" + envAdvice
}

// envSummary is err's message down to the innermost environment error,
// and of that one only its own text, without what it wraps.
func envSummary(err error) string {
	var parts []string
	for e := err; e != nil; {
		if ee, ok := e.(*runner.EnvError); ok {
			var deeper *runner.EnvError
			if errors.As(ee.Err, &deeper) {
				e = ee.Err
				continue
			}
			parts = append(parts, ownText(ee.Err))
			break
		}
		parts = append(parts, ownText(e))
		e = errors.Unwrap(e)
	}
	var kept []string
	for _, p := range parts {
		if p != "" {
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, ": ")
}

// ownText is err's message without the message of the error it wraps:
// "start db (img)" of "start db (img): generic container: …".
func ownText(err error) string {
	msg := err.Error()
	inner := errors.Unwrap(err)
	if inner == nil {
		return msg
	}
	own, ok := strings.CutSuffix(msg, inner.Error())
	if !ok {
		return msg
	}
	return strings.TrimSuffix(strings.TrimSpace(own), ":")
}

package runner

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/labrunner/labrunner/labs"
	"github.com/labrunner/labrunner/runner/engine"
)

// TestBoxScriptFiles: a script file is copied into BoxScriptDir by apply
// (live or not) and by lab shell's sync, removed by the sync when the
// learner deleted it; a shell file is never touched by the sync; a copy
// that fails is the environment's error.
func TestBoxScriptFiles(t *testing.T) {
	script := &labs.SubmissionFile{File: "find.sh", Apply: labs.ApplyScript, Service: "box"}
	shell := &labs.SubmissionFile{File: "solution.sh", Apply: labs.ApplyShell, Service: "box"}
	tests := []struct {
		name    string
		do      func(st *boxState) error
		fails   bool // the exec in the box exits 1
		wantCmd string
		stdin   string
		wantErr string
		dirties bool // the box is no longer pristine after it
	}{
		{name: "apply copies", do: func(st *boxState) error { return st.apply(context.Background(), script, "echo hi\n", false) },
			wantCmd: boxScriptCopy, stdin: "echo hi\n", dirties: true},
		{name: "a live apply copies too", do: func(st *boxState) error { return st.apply(context.Background(), script, "echo live\n", true) },
			wantCmd: boxScriptCopy, stdin: "echo live\n", dirties: true},
		{name: "sync copies", do: func(st *boxState) error { return st.syncFile(context.Background(), script, "echo v2\n", true) },
			wantCmd: boxScriptCopy, stdin: "echo v2\n", dirties: true},
		{name: "sync removes a deleted file", do: func(st *boxState) error { return st.syncFile(context.Background(), script, "", false) },
			wantCmd: `rm -f "$1/$2"`},
		{name: "sync leaves shell files alone", do: func(st *boxState) error { return st.syncFile(context.Background(), shell, "echo x\n", true) }},
		{name: "a failed copy", do: func(st *boxState) error { return st.apply(context.Background(), script, "x", false) },
			fails: true, wantCmd: boxScriptCopy, stdin: "x", wantErr: "copy find.sh into /app in box: exit 1: disk full"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, svc, _ := newFakeBox(t, nil)
			st.pristine = true
			if tt.fails {
				svc.exec = []func(execCall) (engine.ExecResult, error){func(execCall) (engine.ExecResult, error) {
					return engine.ExecResult{ExitCode: 1, Stderr: "disk full\n"}, nil
				}}
			}
			err := tt.do(st)
			if tt.wantErr == "" && err != nil {
				t.Fatal(err)
			}
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("error %v, want %q", err, tt.wantErr)
			}
			if tt.wantCmd == "" {
				if len(svc.calls) != 0 {
					t.Errorf("%d execs, want none: %q", len(svc.calls), svc.calls[0].Cmd)
				}
				return
			}
			if len(svc.calls) != 1 {
				t.Fatalf("%d execs, want 1", len(svc.calls))
			}
			c := svc.calls[0]
			want := []string{"/bin/sh", "-c", tt.wantCmd, "labrunner", BoxScriptDir, "find.sh"}
			if !slices.Equal(c.Cmd, want) || c.Opts.User != "0" || c.Stdin != tt.stdin {
				t.Errorf("exec %q as %q, stdin %q\nwant %q as root, stdin %q", c.Cmd, c.Opts.User, c.Stdin, want, tt.stdin)
			}
			if tt.dirties && st.pristine {
				t.Error("the box is still pristine after a copy: a reset would keep the learner's script")
			}
		})
	}
}

package runner

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/labrunner/labrunner/checks"
	"github.com/labrunner/labrunner/labs"
)

// fakeServer is a serverRun whose Serve returns err and whose program
// exited as exited says.
type fakeServer struct {
	err            error
	exited, output string
	served         int
}

func (f *fakeServer) Apply(context.Context, *labs.SubmissionFile, string) error { return nil }
func (f *fakeServer) End(context.Context) error                                 { return nil }
func (f *fakeServer) Serve(context.Context) error                               { f.served++; return f.err }
func (f *fakeServer) serverReport(context.Context) (string, string, bool) {
	return f.exited, f.output, f.served > 0
}

func serveTestLab() *labs.Lab {
	return &labs.Lab{
		Services: map[string]*labs.Service{
			"app": {Kind: labs.KindRuntime, Serve: &labs.Serve{Port: 8000, Entry: "app.py"}},
			"db":  {Kind: labs.KindPostgres},
		},
		Checks: []*labs.CheckDef{{Name: "lists", Service: "app"}, {Name: "saved", Service: "db"}},
	}
}

func TestServe(t *testing.T) {
	tests := []struct {
		name       string
		err        error
		notApplied map[string]string
		results    string
		skip       string
		wantErr    bool
		served     int
	}{
		{name: "it comes up", served: 1},
		{name: "it does not come up", err: &ServeError{Entry: "app.py", Reason: "nothing listens on port 8000", Output: "[lab] out"},
			results: "start app.py fail nothing listens on port 8000 [lab] out", skip: "app.py did not start", served: 1},
		{name: "the environment fails", err: envErr(errors.New("engine gone")), wantErr: true, served: 1},
		{name: "a file did not apply", notApplied: map[string]string{"app": "app.py did not apply"}, skip: "app.py did not apply"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := &LabEnv{Lab: serveTestLab()}
			srv := &fakeServer{err: tt.err}
			run := &labRun{env: e, runs: map[string]serviceRun{"app": srv}}
			rep := &checks.Report{}
			na := tt.notApplied
			if na == nil {
				na = map[string]string{}
			}
			err := e.serve(context.Background(), run, rep, na, nil)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, want error: %t", err, tt.wantErr)
			}
			var got []string
			for _, r := range rep.Results {
				got = append(got, strings.Join([]string{r.Name, string(r.Status), r.Message, r.Output}, " "))
			}
			if s := strings.Join(got, "\n"); s != tt.results {
				t.Errorf("results %q, want %q", s, tt.results)
			}
			if na["app"] != tt.skip {
				t.Errorf("skip reason %q, want %q", na["app"], tt.skip)
			}
			if srv.served != tt.served {
				t.Errorf("served %d times, want %d", srv.served, tt.served)
			}
		})
	}
}

func TestServerReports(t *testing.T) {
	e := &LabEnv{Lab: serveTestLab()}
	srv := &fakeServer{exited: "the program exited with code 3", output: "[lab] the program's output:\nboom", served: 1}
	run := &labRun{env: e, runs: map[string]serviceRun{"app": srv}}
	results := []checks.Result{
		{Name: "lists", Status: checks.Fail, Message: "GET /items: no HTTP answer"},
		{Name: "saved", Status: checks.Fail, Message: "no row"},
	}
	e.serverReports(context.Background(), run, results)
	if got, want := results[0].Message, "GET /items: no HTTP answer (the program exited with code 3 during the checks)"; got != want {
		t.Errorf("message %q, want %q", got, want)
	}
	if got, want := results[0].Output, "[lab] the program's output:\nboom"; got != want {
		t.Errorf("output %q, want %q", got, want)
	}
	if results[1].Message != "no row" || results[1].Output != "" {
		t.Errorf("a check of another service changed: %+v", results[1])
	}
}

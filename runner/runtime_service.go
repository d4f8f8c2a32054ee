package runner

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labrunner/labrunner/labs"
	"github.com/labrunner/labrunner/runner/engine"
)

// A serving runtime (labs.Serve): once the submission files are in
// AppDir, the runner starts the entry file as the learner's program, in
// the background, as ProgramUser, under the limits of every program run
// (ulimit -v and -f, the container's memory and pids), and waits until it
// answers HTTP through the service's relay (runtime_relay.go). It runs
// until the grading run ends (End kills it, and Reset would), and at most
// serviceLifetime. Its output goes to a file of its own in the bounded
// /tmp; the tail of it is shown when it does not come up, and with every
// check of the service that does not pass.

// Where a serving program's output and exit status go, and their bounds.
const (
	serviceLog  = "/tmp/.lab-service.log"
	serviceExit = "/tmp/.lab-service.exit"
	// serviceLogTail is how much of the program's output a result shows:
	// its end, where the error is.
	serviceLogTail = 4 << 10
	// startOutputLines and checkOutputLines are how many of its last
	// lines a failing start shows, and a failing check under the
	// check's own output: a traceback, within what a terminal shows.
	startOutputLines = 16
	checkOutputLines = 10
	// serviceLifetime bounds a program server that End never stopped
	// (the grader was killed): as long as the longest check.
	serviceLifetime = labs.MaxTimeout
	// servePoll is the pause between two GETs of the ready path, and
	// serveExitPoll between two looks at whether the program exited.
	servePoll     = 20 * time.Millisecond
	serveExitPoll = 250 * time.Millisecond
)

// serveCommand is how the language runs a program server from its entry
// file. Python is the runtime's language today; a table of languages can
// supply this per language.
func serveCommand(entry string) []string { return []string{"python3", entry} }

// serverRun is a service run that can start the learner's program as a
// server before the checks.
type serverRun interface {
	// Serve starts the program and waits until it answers. A *ServeError
	// is the program's fault, shown to the learner; an EnvError the
	// environment's. It does nothing for a service that does not serve.
	Serve(ctx context.Context) error
	// serverReport is what became of a started program: a sentence when
	// it exited, and the tail of its output. ok is false when no program
	// was started.
	serverReport(ctx context.Context) (exited, output string, ok bool)
}

var _ serverRun = (*runtimeRun)(nil)

// ServeError is a learner's program server that did not come up: it
// exited, or did not answer HTTP in time. Output is the tail of what it
// printed.
type ServeError struct {
	// Entry is the file the program started from.
	Entry string
	// Reason says what happened, for the learner.
	Reason string
	// Output is the end of the program's output, capped.
	Output string
}

func (e *ServeError) Error() string { return e.Reason }

// Serve implements serverRun.
func (r *runtimeRun) Serve(ctx context.Context) error {
	sv := r.st.svc.Serve
	if sv == nil {
		return nil
	}
	svc, err := r.st.service()
	if err != nil {
		return err
	}
	relay := r.st.t.sess.lookup(relayName(r.st.name))
	if relay == nil || relay.Addr() == "" {
		return envErr(fmt.Errorf("start %s: its port (%s) is not running; run `lab stop` then `lab start`", r.st.name, relayName(r.st.name)))
	}
	// As ProgramUser: kill -1 ends what a run before left running, and
	// the program starts in the background with its output in its file;
	// timeout(1) bounds it and signals its whole group; the subshell
	// keeps its exit status.
	script := fmt.Sprintf(`kill -9 -1 2>/dev/null; rm -f %[1]s %[2]s; ulimit -v %[3]d; ulimit -f %[4]d
(timeout -k %[5]s %[6]s "$@" </dev/null >%[1]s 2>&1; echo $? >%[2]s) >/dev/null 2>&1 &`,
		serviceLog, serviceExit, programMemory>>10, programFileSize>>9, seconds(programKillGrace), seconds(serviceLifetime))
	cmd := append([]string{"/bin/sh", "-c", script, "labrunner"}, zygoteCommand(serveCommand(sv.Entry), ProgramUser)...)
	res, err := svc.Exec(ctx, cmd, engine.ExecOptions{User: ProgramUser, WorkingDir: AppDir, Env: []string{"HOME=/tmp"}})
	if err != nil {
		return err
	}
	if res.ExitCode != 0 {
		return envErr(fmt.Errorf("start %s in %s: exit %d: %s", sv.Entry, r.st.name, res.ExitCode, strings.TrimSpace(res.Stderr)))
	}
	r.served = true
	return r.await(ctx, "http://"+relay.Addr(), sv)
}

// await waits until the program answers GET sv.Ready at base, whatever
// the status, within sv.Timeout; it fails early when the program exits.
func (r *runtimeRun) await(ctx context.Context, base string, sv *labs.Serve) error {
	wait, cancel := context.WithTimeout(ctx, serveTimeout(sv))
	defer cancel()
	client := &http.Client{
		Transport:     &http.Transport{DisableKeepAlives: true},
		Timeout:       time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	defer client.CloseIdleConnections()
	var looked time.Time
	for {
		req, err := http.NewRequestWithContext(wait, http.MethodGet, base+readyPath(sv), nil)
		if err != nil {
			return fmt.Errorf("serve.ready %q: %w", sv.Ready, err)
		}
		if resp, err := client.Do(req); err == nil {
			resp.Body.Close()
			return nil
		}
		if time.Since(looked) >= serveExitPoll {
			looked = time.Now()
			if code, ok := r.st.exitStatus(wait); ok {
				return r.st.serveFailure(ctx, sv, exitSentence(code)+" before it answered on port "+strconv.Itoa(sv.Port))
			}
		}
		select {
		case <-wait.Done():
			if ctx.Err() != nil {
				return envErrUnlessDeadline(fmt.Errorf("start %s: %w", sv.Entry, ctx.Err()))
			}
			return r.st.serveFailure(ctx, sv, "")
		case <-time.After(servePoll):
		}
	}
}

// serveTimeout is how long sv's program has to answer.
func serveTimeout(sv *labs.Serve) time.Duration {
	if sv.Timeout.Duration <= 0 {
		return labs.DefaultServeTimeout
	}
	return sv.Timeout.Duration
}

// exitSentence says how a program with exit status code ended.
func exitSentence(code int) string {
	switch {
	case code == 137:
		return fmt.Sprintf("the program was killed (SIGKILL; it may have run out of memory, the limit is %d MiB)", runtimeMemory>>20)
	case code > 128:
		return fmt.Sprintf("the program was killed by signal %d", code-128)
	case code == 124:
		return "the program ran for its whole time limit and was stopped"
	}
	return fmt.Sprintf("the program exited with code %d", code)
}

// exitStatus reads the program's exit status; ok is false while it runs.
func (st *runtimeState) exitStatus(ctx context.Context) (int, bool) {
	svc, err := st.service()
	if err != nil {
		return 0, false
	}
	res, err := svc.Exec(ctx, []string{"cat", serviceExit}, engine.ExecOptions{User: "root"})
	if err != nil || res.ExitCode != 0 {
		return 0, false
	}
	code, err := strconv.Atoi(strings.TrimSpace(res.Stdout))
	return code, err == nil
}

// serverState is what one look into a serving runtime finds: the
// program's exit status, the sockets that listen, and its output's tail.
type serverState struct {
	code    int
	exited  bool
	listens []listenAddr
	output  string
}

// serverStateScript prints the exit status, the kernel's TCP tables and
// the output's tail, separated by lines of serverStateSep.
const serverStateSep = "--labrunner--"

var serverStateScript = fmt.Sprintf(`cat %s 2>/dev/null; echo %s; cat /proc/net/tcp /proc/net/tcp6 2>/dev/null; echo %s; tail -c %d %s 2>/dev/null; true`,
	serviceExit, serverStateSep, serverStateSep, serviceLogTail, serviceLog)

// lookServer reads the serving runtime's serverState, as root.
func (st *runtimeState) lookServer(ctx context.Context) (serverState, error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	svc, err := st.service()
	if err != nil {
		return serverState{}, err
	}
	res, err := svc.Exec(ctx, []string{"/bin/sh", "-c", serverStateScript}, engine.ExecOptions{User: "root"})
	if err != nil {
		return serverState{}, err
	}
	return parseServerState(res.Stdout), nil
}

// parseServerState parses the output of serverStateScript.
func parseServerState(out string) serverState {
	parts := strings.SplitN(out, serverStateSep+"\n", 3)
	var s serverState
	if len(parts) < 3 {
		s.output = out
		return s
	}
	if code, err := strconv.Atoi(strings.TrimSpace(parts[0])); err == nil {
		s.code, s.exited = code, true
	}
	s.listens = parseListens(parts[1])
	s.output = parts[2]
	return s
}

// serveFailure is the ServeError of a program that did not come up: what
// the runner saw (reason, else a look at its sockets says why it did not
// answer), with its output.
func (st *runtimeState) serveFailure(ctx context.Context, sv *labs.Serve, reason string) error {
	look, err := st.lookServer(ctx)
	if err != nil {
		// A program that took every process of the container leaves no
		// room for a look into it.
		if reason == "" {
			reason = fmt.Sprintf("the program did not answer HTTP on port %d within %s", sv.Port, serveTimeout(sv))
		}
		return &ServeError{Entry: sv.Entry, Reason: fmt.Sprintf("%s (the runner could not look into the container, whose processes it may have used up: the limit is %d)", reason, runtimePids)}
	}
	if reason == "" {
		switch {
		case look.exited:
			reason = exitSentence(look.code) + " before it answered on port " + strconv.Itoa(sv.Port)
		default:
			reason = fmt.Sprintf("the program did not answer HTTP on port %d within %s: %s",
				sv.Port, serveTimeout(sv), listenDiagnosis(look.listens, sv))
		}
	}
	return &ServeError{Entry: sv.Entry, Reason: reason, Output: programOutput(look.output, startOutputLines)}
}

// programOutput is a program's output for a result: its last lines,
// at most lines of them (where an error is, and what a terminal shows),
// marked when it is only its end.
func programOutput(out string, lines int) string {
	out = strings.TrimRight(out, "\n")
	if out == "" {
		return "[lab] the program printed nothing"
	}
	all := strings.Split(out, "\n")
	cut := len(out) >= serviceLogTail
	if len(all) > lines {
		all, cut = all[len(all)-lines:], true
	}
	head := "[lab] the program's output:\n"
	if cut {
		head = fmt.Sprintf("[lab] the end of the program's output (its last %d lines at most):\n", lines)
	}
	return head + strings.Join(all, "\n")
}

// serverReport implements serverRun.
func (r *runtimeRun) serverReport(ctx context.Context) (exited, output string, ok bool) {
	if !r.served {
		return "", "", false
	}
	look, err := r.st.lookServer(ctx)
	if err != nil {
		return "", "", false
	}
	if look.exited {
		exited = exitSentence(look.code)
	}
	return exited, programOutput(look.output, checkOutputLines), true
}

// stopServer kills the program server of the run, if one was started.
// Where no command can start in the container any more (a fork loop
// took its processes), the container is restarted instead: its processes
// end with it, and the next Reset starts the zygote again.
func (r *runtimeRun) stopServer(ctx context.Context) error {
	if !r.served {
		return nil
	}
	r.served = false
	svc, err := r.st.service()
	if err != nil {
		return err
	}
	kctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if _, err := svc.Exec(kctx, []string{"/bin/sh", "-c", "kill -9 -1 2>/dev/null; true"}, engine.ExecOptions{User: ProgramUser}); err == nil {
		return nil
	}
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if err := svc.Restart(rctx, "KILL"); err != nil {
		return envErr(fmt.Errorf("stop the program in %s: restart the container: %w", r.st.name, err))
	}
	return nil
}

package checks

import (
	"context"
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"
)

// Access is the `access` check: what a user can actually do with a path,
// tried as that user in the service, so that every correct solution passes
// — mode bits, group membership, ACLs — and an over-permissive one fails.
// The kernel decides each operation, path traversal included:
//
//   - read: a file is opened for reading; a directory is listed.
//   - write: a file is opened for appending (nothing is written); in a
//     directory a file is created and removed again.
//   - execute: a file's execute permission (test -x); a directory is
//     entered (cd).
//
// Example:
//
//	checks:
//	- name: guest-cannot-read-secret
//	  type: access
//	  service: box
//	  user: guest
//	  path: /srv/secret/key
//	  deny: [read, write]
//	- name: logs-shared
//	  type: access
//	  service: box
//	  user: alice
//	  path: /srv/logs
//	  allow: [write]
//	  new_file_group: deploy    # a file alice creates there belongs to deploy
type Access struct {
	// User is the user the operations are tried as, by name or uid.
	User string `yaml:"user" json:"user"`
	// Path is the absolute path in the service's container.
	Path string `yaml:"path" json:"path"`
	// Allow are the operations that must succeed: read, write, execute.
	Allow []string `yaml:"allow,omitempty" json:"allow,omitempty"`
	// Deny are the operations that must be refused.
	Deny []string `yaml:"deny,omitempty" json:"deny,omitempty"`
	// NewFileGroup is the group a file the user creates in the directory
	// Path must belong to (a setgid directory); it needs write in Allow.
	NewFileGroup string `yaml:"new_file_group,omitempty" json:"new_file_group,omitempty"`
}

var _ Check = (*Access)(nil)

// accessOps are the operations an access check can try.
var accessOps = []string{"read", "write", "execute"}

// Validate implements Check.
func (c *Access) Validate() error {
	var errs []error
	if strings.TrimSpace(c.User) == "" {
		errs = append(errs, errors.New("user: must not be empty"))
	}
	if !path.IsAbs(c.Path) {
		errs = append(errs, fmt.Errorf("path: %q must be an absolute path", c.Path))
	}
	if len(c.Allow)+len(c.Deny) == 0 {
		errs = append(errs, fmt.Errorf("allow: at least one operation in allow or deny (%s)", strings.Join(accessOps, ", ")))
	}
	for _, l := range []struct {
		name string
		ops  []string
	}{{"allow", c.Allow}, {"deny", c.Deny}} {
		for _, op := range l.ops {
			if !slices.Contains(accessOps, op) {
				errs = append(errs, fmt.Errorf("%s: unknown operation %q (known: %s)", l.name, op, strings.Join(accessOps, ", ")))
			}
		}
	}
	for _, op := range c.Allow {
		if slices.Contains(c.Deny, op) {
			errs = append(errs, fmt.Errorf("deny: %q is also in allow", op))
		}
	}
	if c.NewFileGroup != "" && !slices.Contains(c.Allow, "write") {
		errs = append(errs, errors.New("new_file_group: needs write in allow (the user creates a file in the directory)"))
	}
	return errors.Join(errs...)
}

// accessTypeScript prints dir, file or missing for $1, as root.
const accessTypeScript = `if [ -d "$1" ]; then echo dir; elif [ -e "$1" ] || [ -L "$1" ]; then echo file; else echo missing; fi`

// accessScript runs as the user. It prints "type dir", "type file", or
// "type unknown" when the user cannot see the path at all; then it tries
// each operation ($2…) on the path $1 and prints "<op> <status>" for each,
// 0 meaning allowed; a directory write adds the group of the file it
// created.
const accessScript = `p=$1; shift
if [ -d "$p" ]; then t=dir; elif [ -e "$p" ] || [ -L "$p" ]; then t=file; else echo "type unknown"; exit 0; fi
echo "type $t"
for op in "$@"; do
  case $op in
  read)
    if [ $t = dir ]; then ls -a "$p" >/dev/null 2>&1; else true 2>/dev/null <"$p"; fi
    echo "read $?" ;;
  write)
    if [ $t = dir ]; then
      f="$p/.labrunner-access-$$"
      if (set -C; true 2>/dev/null >"$f"); then
        g=$(stat -c %G "$f" 2>/dev/null || ls -ld "$f" | awk '{print $4}')
        rm -f "$f"
        echo "write 0 $g"
      else
        echo "write 1"
      fi
    else
      true 2>/dev/null >>"$p"; echo "write $?"
    fi ;;
  execute)
    if [ $t = dir ]; then (cd "$p") 2>/dev/null; else test -x "$p"; fi
    echo "execute $?" ;;
  esac
done
`

// Run implements Check. It costs one command as the user, and a second
// one as root only when the user cannot see the path, to tell a missing
// path from a hidden one.
func (c *Access) Run(ctx context.Context, env Env) Outcome {
	ops := c.ops()
	p := c.PlannedProbe()
	res, err := runTool(ctx, env, p.User, accessScript, p.Args)
	if err != nil || res.ExitCode == 126 {
		if noSuchUser(err, res) {
			return Failed(fmt.Sprintf("user %s does not exist", c.User))
		}
		if err != nil {
			return execError(ctx, err)
		}
	}
	typ := ""
	got := map[string]bool{}
	newGroup := ""
	for _, line := range strings.Split(strings.TrimSpace(res.Stdout), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		switch {
		case f[0] == "type":
			typ = f[1]
		case f[0] == "write" && len(f) > 2:
			newGroup = f[2]
			fallthrough
		default:
			got[f[0]] = f[1] == "0"
		}
	}
	if typ == "unknown" {
		// The user cannot reach the path: every operation is refused,
		// if the path exists at all.
		res, err := runTool(ctx, env, "0", accessTypeScript, []string{"access", c.Path})
		if err != nil {
			return execError(ctx, err)
		}
		typ = strings.TrimSpace(strings.TrimPrefix(res.Stdout, "type "))
		if typ == "unknown" {
			typ = "missing" // the probe, as root, cannot see it either
		}
		switch typ {
		case "missing":
			return Failed(fmt.Sprintf("%s does not exist", c.Path))
		case "dir", "file":
		default:
			return Errored(fmt.Sprintf("could not look at %s: exit %d: %s", c.Path, res.ExitCode, strings.TrimSpace(res.Stderr)))
		}
		for _, op := range ops {
			got[op] = false
		}
	}
	var problems []string
	for _, op := range ops {
		allowed, ok := got[op]
		if !ok {
			return Errored(fmt.Sprintf("could not try %s as %s: exit %d: %s", op, c.User, res.ExitCode, strings.TrimSpace(res.Stderr)))
		}
		must := slices.Contains(c.Allow, op)
		switch {
		case must && !allowed:
			problems = append(problems, fmt.Sprintf("user %s cannot %s, but must be able to", c.User, opWords(op, typ, c.Path)))
		case !must && allowed:
			problems = append(problems, fmt.Sprintf("user %s can %s, but must not", c.User, opWords(op, typ, c.Path)))
		}
	}
	if len(problems) == 0 && c.NewFileGroup != "" && typ == "dir" && newGroup != c.NewFileGroup {
		if env.Reveal() {
			problems = append(problems, fmt.Sprintf("a file user %s creates in %s belongs to group %s, expected %s", c.User, c.Path, newGroup, c.NewFileGroup))
		} else {
			problems = append(problems, fmt.Sprintf("a file user %s creates in %s belongs to group %s, which is not the expected one", c.User, c.Path, newGroup))
		}
	}
	if len(problems) > 0 {
		return Failed(strings.Join(problems, "; "))
	}
	return Passed()
}

// ops are the operations the check tries, in order.
func (c *Access) ops() []string { return append(slices.Clone(c.Allow), c.Deny...) }

// PlannedProbe implements ProbePlanner: the probe's access test as the
// user.
func (c *Access) PlannedProbe() ProbeCall {
	return ProbeCall{User: c.User, Args: append([]string{"access", c.Path}, c.ops()...)}
}

var _ ProbePlanner = (*Access)(nil)

// noSuchUser reports whether an exec failed because the user does not
// exist in the container.
func noSuchUser(err error, res ExecResult) bool {
	text := res.Stdout + res.Stderr
	if err != nil {
		text += err.Error()
	}
	return strings.Contains(text, "unable to find user") || strings.Contains(text, "no matching entries in passwd file")
}

// opWords says an operation on a path in words: "read /srv/a", "create
// files in /srv/logs".
func opWords(op, typ, p string) string {
	if typ == "dir" {
		switch op {
		case "read":
			return "list " + p
		case "write":
			return "create files in " + p
		case "execute":
			return "enter " + p
		}
	}
	if op == "write" {
		return "write to " + p
	}
	return op + " " + p
}

// Prober is implemented by an Env whose service has the grader's own
// probe (a box, where a learner's script runs as root and can replace
// /bin/sh or stat): Probe runs it as user with args, `access PATH OP…`
// or `stat PATH 0|1`, printing what accessScript and fileScript print.
// It returns ErrNoProbe where there is none; checks then use the shell.
type Prober interface {
	Probe(ctx context.Context, user string, args []string) (ExecResult, error)
}

// ErrNoProbe is Prober's error for a service without a probe.
var ErrNoProbe = errors.New("the service has no probe of the grader's")

// ProbeCall is one run of the probe: as User, with Args.
type ProbeCall struct {
	User string
	Args []string
}

// ProbePlanner is implemented by a check that knows, before it runs, the
// first probe it asks the Prober for (its Run asks exactly that), so that
// a runner can answer the probes of consecutive checks in one exec per
// user. Run still asks the Prober; what it gets is the same answer.
type ProbePlanner interface {
	PlannedProbe() ProbeCall
}

// runTool runs the probe with args where the service has one, else the
// shell script with args.
func runTool(ctx context.Context, env Env, user, script string, args []string) (ExecResult, error) {
	if p, ok := env.(Prober); ok {
		res, err := p.Probe(ctx, user, args)
		if !errors.Is(err, ErrNoProbe) {
			return res, err
		}
	}
	return env.Exec(ctx, append([]string{"/bin/sh", "-c", script, args[0]}, args[1:]...), ExecOptions{User: user})
}

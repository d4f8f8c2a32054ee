package runner

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/labrunner/labrunner/labs"

	"github.com/labrunner/labrunner/runner/engine"
)

// nginxState is the serviceState of an nginx service. The lab's files are
// copied in before nginx starts; Seed keeps a copy of them and of
// /etc/nginx in the container. Apply installs the learner's file into
// conf.d (instead of default.conf), has `nginx -t` judge it, and reloads
// without a restart; Reset puts the lab's files and the seeded /etc/nginx
// back (cp -a, in one exec) and reloads when /etc/nginx changed.
//
// nginx's master runs as root and opens the log files a configuration
// names: `access_log /etc/nginx/nginx.conf;` appends to any file of the
// container. So Reset restores all of /etc/nginx, not only conf.d, and
// first rewrites the kept copy itself from a tar of it held in memory
// since Seed: what a submission wrote there cannot reach the next one.
//
// A reload returns once the workers of the old configuration are shutting
// down and a new one serves. nginx's master lets old and new workers
// accept side by side for 100 ms after a reload, so that is the floor of a
// reload. A grading run pays it once: Begin puts the seeded files back
// without reloading, and the learner's file is applied and loaded in the
// same exec (nginxRun); a run that applies nothing, or a file that does
// not load, reloads the seeded configuration, so that nginx never runs
// the previous submission's configuration after a run. Where the
// configuration loaded last has shared memory zones (rate limits,
// caches), which a reload to a configuration naming them again keeps with
// their counts, the seeded one is loaded in between as before
// (TestNginxRateLimitNeighbour). Measured on 2
// cores: a warm check of nginx-static went from two execs and two
// reloads before the checks to one of each.
type nginxState struct {
	t    *stateTarget
	name string
	svc  *labs.Service
	// seed is a tar of nginxSeed as Seed left it, or nil in a process
	// that attached to a running lab (where the learner is trusted with
	// the container anyway).
	seed []byte
}

func newNginxState(t *stateTarget) serviceState {
	return &nginxState{t: t, name: t.name, svc: t.def}
}

// Paths in the nginx container.
const (
	nginxEtc   = "/etc/nginx"
	nginxConfD = nginxEtc + "/conf.d"
	// nginxSeed holds what Seed keeps: etc (/etc/nginx), and files/<n>
	// for the lab's n-th `files:` entry.
	nginxSeed      = "/var/lib/labrunner/nginx"
	nginxSeedEtc   = nginxSeed + "/etc"
	nginxSeedConfD = nginxSeedEtc + "/conf.d"
	// nginxSeedMax bounds the kept copy held in memory.
	nginxSeedMax = 64 << 20
)

// nginxReloadScript defines `reload`: it signals nginx to reload and
// waits until the workers that served before are gone or shutting down
// and a new one serves, for at most 5 s. It reads /proc rather than
// running ps, which busybox and Debian spell differently.
const nginxReloadScript = `
workers() {
  for p in /proc/[0-9]*; do
    # read drops the NULs between arguments; no process per entry.
    c=
    read -r c 2>/dev/null <"$p/cmdline"
    case $c in
    *"shutting down"*) ;;
    "nginx: worker process"*) echo "${p#/proc/}" ;;
    esac
  done
}
reload() {
  old=" $(workers | tr '\n' ' ')"
  if ! out=$(nginx -s reload 2>&1); then
    printf '%s\n' "$out"
    exit 4
  fi
  i=0
  while [ $i -lt 500 ]; do
    new=0 stale=0
    for w in $(workers); do
      case $old in *" $w "*) stale=1 ;; *) new=1 ;; esac
    done
    if [ $new = 1 ] && [ $stale = 0 ]; then exit 0; fi
    i=$((i + 1))
    sleep 0.01
  done
  echo "nginx did not switch to the new configuration within 5 s"
  exit 5
}
`

// nginxKept are the paths outside /etc/nginx and the lab's files that
// Seed keeps and Reset puts back: what nginx and the C library read when
// nginx loads a configuration (names of hosts, users, libraries) and the
// image's default site. The master runs as root and appends to any file
// a log directive names: `access_log /etc/hosts f;` with a format of
// "10.9.9.9 app1" sent every later submission's proxy_pass to nowhere.
// Files are put back by content (the engine mounts /etc/hosts,
// /etc/resolv.conf and /etc/hostname over the image's); a file that was
// not there at Seed is removed. Elsewhere, what a configuration writes is
// read by no later one: logs and temporary files nginx makes itself.
const nginxKept = "/etc/hosts /etc/resolv.conf /etc/hostname /etc/nsswitch.conf /etc/host.conf /etc/gai.conf " +
	"/etc/passwd /etc/group /etc/ld.so.preload /etc/ld.so.conf /usr/share/nginx/html"

// nginxSeedScript keeps /etc/nginx, nginxKept (under keep/) and each path
// given ($1…, the lab's files) under nginxSeed.
const nginxSeedScript = `set -e
s=` + nginxSeed + `
rm -rf "$s"
mkdir -p "$s/files" "$s/keep"
cp -a ` + nginxEtc + ` "$s/etc"
for p in ` + nginxKept + `; do
  if [ -e "$p" ]; then mkdir -p "$s/keep${p%/*}" && cp -a "$p" "$s/keep$p"; fi
done
: >"$s/stamp"
n=0
for p in "$@"; do
  n=$((n + 1))
  cp -a "$p" "$s/files/$n"
done
`

// nginxResetScript first rewrites nginxSeed from the tar on stdin when $1
// is 1; then it puts back each path given ($3…, the lab's files, as Seed
// kept them), nginxKept and the seeded /etc/nginx, and reloads unless
// /etc/nginx was the seeded one already. With $2 = later it does not
// reload but prints nginxReloadPending when a reload is due, for the run
// to do once its file is in place — unless the configuration it replaces
// has shared memory zones, which only loading the seeded one frees.
const nginxResetScript = nginxReloadScript + `
s=` + nginxSeed + ` d=` + nginxEtc + `
if [ "$1" = 1 ]; then
  rm -rf "$s" && mkdir -p "$s" && tar -x -C "$s" -f - || { echo "cannot restore the seeded configuration in $s"; exit 3; }
fi
when=$2
shift 2
if [ "$when" = later ]; then
  # Shared memory zones (limit_req_zone, keys_zone=, an upstream's zone,
  # ssl_session_cache shared:) outlive a reload to a configuration that
  # names them again, with what they counted: the seeded configuration
  # must be loaded in between, now, when the configuration on disk (the
  # one loaded last) has any, or cannot be read.
  dump=$(nginx -T 2>/dev/null) || when=now
  case $dump in *[Zz][Oo][Nn][Ee]* | *[Ss][Hh][Aa][Rr][Ee][Dd]:*) when=now ;; esac
fi
[ -d "$s/etc/conf.d" ] || { echo "the seeded configuration $s/etc is missing"; exit 3; }
n=0
for p in "$@"; do
  n=$((n + 1))
  rm -rf "$p" && cp -a "$s/files/$n" "$p" || exit 3
done
# Only what changed since Seed (one find when nothing did): a file
# written to, a file or folder added. Put back, a file keeps its mtime
# from Seed (cp -a), so it is not found again.
find ` + nginxKept + ` -newer "$s/stamp" 2>/dev/null | while IFS= read -r p; do
  k="$s/keep$p"
  if [ -d "$k" ]; then
    rm -rf "$p" && cp -a "$k" "$p" || exit 3
  elif [ -f "$k" ]; then
    # In place (cp writes into the file): a file the engine mounts
    # cannot be replaced.
    cp -a "$k" "$p" || exit 3
  elif [ -e "$p" ] || [ -L "$p" ]; then
    rm -rf "$p" || exit 3
  fi
done || exit 3
if command -v diff >/dev/null 2>&1 && diff -r "$s/etc" "$d" >/dev/null 2>&1; then exit 0; fi
rm -rf "$d" && cp -a "$s/etc" "$d" || exit 3
if [ "$when" = later ]; then echo ` + nginxReloadPending + `; exit 0; fi
reload
`

// nginxReloadPending is what nginxResetScript prints when it put the
// seeded /etc/nginx back without reloading.
const nginxReloadPending = "labrunner: reload pending"

// nginxApplyScript installs stdin as conf.d/$1 in place of default.conf,
// tests the configuration (exit 1 with nginx's output when it fails, the
// seeded conf.d restored and, when $2 is 1 — a reset's reload is pending —
// loaded) and reloads.
const nginxApplyScript = nginxReloadScript + `
d=` + nginxConfD + ` seed=` + nginxSeedConfD + `
rm -f "$d/default.conf"
cat >"$d/$1" || exit 3
out=$(nginx -t 2>&1)
rc=$?
if [ $rc != 0 ]; then
  # A file that includes itself makes nginx recurse until it crashes,
  # with nothing on its output.
  [ $rc -gt 128 ] && out="$out
nginx -t crashed (signal $((rc - 128)))"
  printf '%s\n' "$out"
  rm -rf "$d" && cp -a "$seed" "$d"
  if [ "$2" = 1 ]; then
    (reload) >/dev/null 2>&1 || { echo "labrunner: cannot load the seeded configuration again"; exit 3; }
  fi
  exit 1
fi
reload
`

// nginxReloadOnly reloads nginx and waits for the new workers.
const nginxReloadOnly = nginxReloadScript + "\nreload\n"

func (st *nginxState) service() (service, error) { return st.t.service() }

func (st *nginxState) Seed(ctx context.Context) error {
	if len(st.svc.Fixtures) > 0 {
		return fmt.Errorf("service %s: an nginx service takes no fixtures (use files)", st.name)
	}
	svc, err := st.service()
	if err != nil {
		return err
	}
	res, err := svc.Exec(ctx, append([]string{"/bin/sh", "-c", nginxSeedScript, "seed"}, st.fileDsts()...), engine.ExecOptions{User: "0"})
	if err != nil {
		return envErr(fmt.Errorf("seed %s: %w", st.name, err))
	}
	if res.ExitCode != 0 {
		return envErr(fmt.Errorf("seed %s: keep /etc/nginx and files: exit %d: %s", st.name, res.ExitCode, strings.TrimSpace(res.Stderr)))
	}
	content, err := svc.CopyFrom(ctx, nginxSeed+"/.")
	if err != nil {
		return envErr(fmt.Errorf("seed %s: copy the kept files: %w", st.name, err))
	}
	defer content.Close()
	seed, err := io.ReadAll(io.LimitReader(content, nginxSeedMax+1))
	if err != nil {
		return envErr(fmt.Errorf("seed %s: copy the kept files: %w", st.name, err))
	}
	if len(seed) > nginxSeedMax {
		return fmt.Errorf("service %s: /etc/nginx and the lab's files take more than %d MiB", st.name, nginxSeedMax>>20)
	}
	st.seed = seed
	return nil
}

// fileDsts are the paths of the lab's `files:` in the container.
func (st *nginxState) fileDsts() []string {
	var out []string
	for _, f := range st.svc.Files {
		out = append(out, f.Dst)
	}
	return out
}

func (st *nginxState) Reset(ctx context.Context) error {
	_, err := st.reset(ctx, false)
	return err
}

// reset puts the seeded files back; with later set, it does not reload
// and reports whether a reload is due.
func (st *nginxState) reset(ctx context.Context, later bool) (pending bool, err error) {
	svc, err := st.service()
	if err != nil {
		return false, err
	}
	// The lab's files go back too, in case they were edited by hand (or
	// written to by nginx, as log files).
	restore, opts := "0", engine.ExecOptions{User: "0"}
	if st.seed != nil {
		restore, opts.Stdin = "1", bytes.NewReader(st.seed)
	}
	when := "now"
	if later {
		when = "later"
	}
	res, err := svc.Exec(ctx, append([]string{"/bin/sh", "-c", nginxResetScript, "reset", restore, when}, st.fileDsts()...), opts)
	if err != nil {
		return false, envErr(fmt.Errorf("reset %s: %w", st.name, err))
	}
	if res.ExitCode != 0 {
		return false, envErr(fmt.Errorf("reset %s: %s%s", st.name, strings.TrimSpace(res.Stdout), st.logTail(ctx, svc)))
	}
	return strings.Contains(res.Stdout, nginxReloadPending), nil
}

// Begin resets the service unless the run is live, leaving the reload of
// the seeded configuration to the run.
func (st *nginxState) Begin(ctx context.Context, opts runOptions) (serviceRun, error) {
	if opts.Live {
		return &nginxRun{st: st, live: true}, nil
	}
	pending, err := st.reset(ctx, true)
	if err != nil {
		return nil, err
	}
	return &nginxRun{st: st, pending: pending}, nil
}

// nginxRun is a grading run on an nginx service. pending is set while
// the seeded configuration is in place but not loaded: the first file
// applied loads with it (or, when it does not load, the seeded one is
// loaded), and End loads it when no file was applied.
type nginxRun struct {
	st      *nginxState
	live    bool
	pending bool
}

func (r *nginxRun) Apply(ctx context.Context, f *labs.SubmissionFile, content string) error {
	pending := r.pending
	// Once the apply script runs, the seeded configuration is no longer
	// what is in place to be loaded: nginx runs the file, or the seeded
	// configuration the script loaded when the file did not load.
	r.pending = false
	return r.st.apply(ctx, f, content, r.live, pending)
}

// End loads the seeded configuration when it is still pending.
func (r *nginxRun) End(ctx context.Context) error {
	if !r.pending {
		return nil
	}
	svc, err := r.st.service()
	if err != nil {
		return err
	}
	res, err := svc.Exec(ctx, []string{"/bin/sh", "-c", nginxReloadOnly, "reload"}, engine.ExecOptions{User: "0"})
	if err != nil {
		return envErr(fmt.Errorf("reset %s: %w", r.st.name, err))
	}
	if res.ExitCode != 0 {
		return envErr(fmt.Errorf("reset %s: %s%s", r.st.name, strings.TrimSpace(res.Stdout), r.st.logTail(ctx, svc)))
	}
	r.pending = false
	return nil
}

// apply installs the learner's file and loads it; pending says that a
// reset's reload is due, to be done even when the file does not load.
func (st *nginxState) apply(ctx context.Context, f *labs.SubmissionFile, content string, live, pending bool) error {
	if f.Apply != labs.ApplyNginxConfig {
		return fmt.Errorf("apply mode %q is not supported on an nginx service", f.Apply)
	}
	if live {
		return nil // the learner edited and reloaded the configuration by hand
	}
	svc, err := st.service()
	if err != nil {
		return err
	}
	dst := nginxConfName(f.File)
	due := "0"
	if pending {
		due = "1"
	}
	res, err := svc.Exec(ctx, []string{"/bin/sh", "-c", nginxApplyScript, "apply", dst, due},
		engine.ExecOptions{User: "0", Stdin: strings.NewReader(content)})
	if err != nil {
		if isDeadline(err) {
			return fmt.Errorf("%s: nginx did not load it in time", f.File)
		}
		return envErr(fmt.Errorf("apply %s to %s: %w", f.File, st.name, err))
	}
	switch res.ExitCode {
	case 0:
		return nil
	case 1:
		return errors.New(nginxTestError(res.Stdout, dst, f.File))
	case 5:
		// The configuration passed `nginx -t` but the running nginx did
		// not take it (a port it cannot bind, a path it cannot create).
		return fmt.Errorf("%s: nginx accepted the file but could not switch to it%s", f.File, st.logTail(ctx, svc))
	}
	return envErr(fmt.Errorf("apply %s to %s: exit %d: %s", f.File, st.name, res.ExitCode, strings.TrimSpace(res.Stdout+res.Stderr)))
}

// nginxConfName is the name the learner's file gets in conf.d: nginx.conf
// includes only *.conf there.
func nginxConfName(file string) string {
	name := path.Base(file)
	if !strings.HasSuffix(name, ".conf") {
		name += ".conf"
	}
	return name
}

// nginxErrRe matches nginx's error lines, as printed before the error log
// is open (`nginx: [emerg] unknown directive "servr" in
// /etc/nginx/conf.d/site.conf:12`) and in the error log's format
// (`2025/01/02 10:00:00 [emerg] 187#187: unknown directive …`).
var nginxErrRe = regexp.MustCompile(`\[(emerg|alert|crit|error)\] (?:\d+#\d+: )?(.*?)(?: in (/\S+):(\d+))?$`)

// nginxTestError turns `nginx -t` output into the learner's message: each
// error as "<file>:<line>: <message>", the learner's file by the name it
// has in the workspace. A file the learner includes (`include
// /etc/passwd;`) shows in it at most as its name and one token of it,
// which nginx quotes in its error: accepted, since the nginx container
// holds only its image and the lab's files, nothing secret.
func nginxTestError(out, installed, file string) string {
	var msgs []string
	for _, line := range strings.Split(out, "\n") {
		m := nginxErrRe.FindStringSubmatch(strings.TrimSpace(line))
		if m == nil {
			continue
		}
		msg := m[2]
		if m[3] != "" {
			where := m[3]
			if where == path.Join(nginxConfD, installed) {
				where = file
			}
			msg = fmt.Sprintf("%s:%s: %s", where, m[4], msg)
		}
		if strings.Contains(msg, `"http" directive is not allowed here`) || strings.Contains(msg, `"events" directive is not allowed here`) {
			msg += fmt.Sprintf(" (%s is included inside the http block of nginx.conf: write server and upstream blocks, not http or events)", file)
		}
		// With the error log on stderr, nginx can print a line twice.
		if !slices.Contains(msgs, msg) {
			msgs = append(msgs, msg)
		}
	}
	if len(msgs) == 0 {
		msg := fmt.Sprintf("%s: nginx -t failed: %s", file, strings.TrimSpace(out))
		if strings.Contains(out, "nginx -t crashed (signal 11)") {
			msg += " (an include that takes in the file itself, such as conf.d/*.conf, makes nginx recurse until it crashes)"
		}
		return msg
	}
	return strings.Join(msgs, "\n")
}

// logTail returns the last error lines nginx logged (to the container's
// stderr), as ": …" to end a message, or "".
func (st *nginxState) logTail(ctx context.Context, svc service) string {
	rc, err := svc.Logs(ctx, "20")
	if err != nil {
		return ""
	}
	defer rc.Close()
	b, _ := io.ReadAll(io.LimitReader(rc, 64<<10))
	var errs []string
	for _, line := range strings.Split(string(b), "\n") {
		for _, lvl := range []string{"[emerg]", "[alert]", "[crit]"} {
			if i := strings.Index(line, lvl); i >= 0 {
				errs = append(errs, strings.TrimSpace(line[i:]))
			}
		}
	}
	if len(errs) == 0 {
		return ""
	}
	return ": " + errs[len(errs)-1]
}

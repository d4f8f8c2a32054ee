package engine

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
)

// Requirements is what the runner relies on inside a kind's image, beyond
// what its Contract gives the engine: the commands it runs, the users it
// runs them as and the paths it uses. An image labrunner did not build is
// checked against them before its kind starts (Driver.CheckImage).
//
// The check itself runs /bin/sh, so an image without one fails it.
type Requirements struct {
	// Commands are found on the image's PATH as executable files (or,
	// with a slash, at that path). Shell builtins such as kill, ulimit or
	// printf are not listed.
	Commands []string
	// Users are names in the image's /etc/passwd, which Docker resolves
	// an exec's user from.
	Users []string
	// Paths exist in the image.
	Paths []string
}

// Empty reports whether r requires nothing, so that no check is needed.
func (r Requirements) Empty() bool {
	return len(r.Commands)+len(r.Users)+len(r.Paths) == 0
}

// args are r as the check script's arguments: c:<command>, u:<user>,
// p:<path>.
func (r Requirements) args() []string {
	var out []string
	for _, c := range r.Commands {
		out = append(out, "c:"+c)
	}
	for _, u := range r.Users {
		out = append(out, "u:"+u)
	}
	for _, p := range r.Paths {
		out = append(out, "p:"+p)
	}
	return out
}

// Lacks is what an image lacks of its kind's Requirements.
type Lacks struct {
	// NoShell is set when the image has no /bin/sh: nothing in it could
	// be checked, and Missing is empty.
	NoShell bool
	// Missing names each missing requirement: "command nginx", "user
	// nginx", "path /etc/nginx/conf.d", in the order of Requirements.
	Missing []string
}

// OK reports whether the image has everything.
func (l Lacks) OK() bool { return !l.NoShell && len(l.Missing) == 0 }

// String is what the image lacks as one phrase: "command nginx, user
// nginx", or "/bin/sh".
func (l Lacks) String() string {
	if l.NoShell {
		return "/bin/sh"
	}
	return strings.Join(l.Missing, ", ")
}

// contractScript checks its arguments (Requirements.args) and prints one
// "missing <what> <name>" line for each that the image lacks, then
// contractDone. It is plain POSIX sh, for dash, bash and busybox alike,
// and runs nothing but the shell: a command is an executable file on
// $PATH, a user a name in /etc/passwd.
const contractScript = `have() (
  case $1 in */*) [ -f "$1" ] && [ -x "$1" ]; exit ;; esac
  set -f; IFS=:
  for d in $PATH; do
    [ -n "$d" ] && [ -f "$d/$1" ] && [ -x "$d/$1" ] && exit 0
  done
  exit 1
)
user() {
  while IFS=: read -r n _ || [ -n "$n" ]; do
    [ "$n" = "$1" ] && return 0
    n=
  done </etc/passwd
  return 1
}
for a in "$@"; do
  v=${a#??}
  case $a in
  c:*) have "$v" || echo "missing command $v" ;;
  u:*) user "$v" 2>/dev/null || echo "missing user $v" ;;
  p:*) [ -e "$v" ] || [ -L "$v" ] || echo "missing path $v" ;;
  esac
done
echo ` + contractDone + `
`

// contractDone ends the script's output: without it, the script did not
// run to its end.
const contractDone = "labrunner-contract-checked"

// parseContract reads contractScript's output.
func parseContract(out string) ([]string, error) {
	var missing []string
	done := false
	for _, line := range strings.Split(out, "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == contractDone:
			done = true
		case strings.HasPrefix(line, "missing "):
			missing = append(missing, strings.TrimPrefix(line, "missing "))
		}
	}
	if !done {
		return nil, fmt.Errorf("the check did not finish: %q", strings.TrimSpace(out))
	}
	return missing, nil
}

// ContractCheckTimeout bounds one check of an image: a container start
// and a shell script.
const ContractCheckTimeout = 30 * time.Second

// CheckImage checks that image, which must be present, has what req
// names, and returns what it lacks. It runs the check in a throwaway
// container (entrypoint /bin/sh, no network, labelled as labrunner's so
// that `lab gc` finds one a crash left, removed afterwards). A pass is
// remembered by image id, in this process and in a file under the user's
// cache folder (see contractCache), so that each image pays once; a
// failure is never remembered. Its errors are EnvErrors: the engine failed,
// not the image.
func (d *Driver) CheckImage(ctx context.Context, image string, req Requirements) (Lacks, error) {
	if req.Empty() {
		return Lacks{}, nil
	}
	ctx, cancel := context.WithTimeout(ctx, ContractCheckTimeout)
	defer cancel()
	insp, err := d.cli.ImageInspect(ctx, image)
	if err != nil {
		return Lacks{}, envErr(fmt.Errorf("check image %q: inspect: %w", image, err))
	}
	key := contractKey(insp.ID, req)
	if contracts.passed(key) {
		return Lacks{}, nil
	}
	lacks, err := d.runContract(ctx, image, req)
	if err != nil {
		return Lacks{}, envErr(fmt.Errorf("check image %q: %w", image, err))
	}
	if lacks.OK() {
		contracts.store(key, fmt.Sprintf("%s %s\n%q\n", insp.ID, image, req.args()))
	}
	return lacks, nil
}

// runContract runs contractScript in a container of image.
func (d *Driver) runContract(ctx context.Context, image string, req Requirements) (Lacks, error) {
	cli := d.cli.Client
	host, _ := os.Hostname()
	pids := int64(32)
	created, err := cli.ContainerCreate(ctx, client.ContainerCreateOptions{
		Name: "labrunner-check-" + newSessionID(),
		Config: &container.Config{
			Image:      image,
			User:       "0",
			Entrypoint: []string{"/bin/sh", "-c"},
			Cmd:        append([]string{contractScript, "labrunner-check"}, req.args()...),
			Labels: map[string]string{
				LabelManaged: "true",
				// A session of its own, so that `lab gc --stale` tells one
				// a crash left from a lab's.
				LabelSession: "check-" + newSessionID(),
				LabelLab:     "image check",
				LabelCreated: time.Now().UTC().Format(time.RFC3339),
				LabelPID:     strconv.Itoa(os.Getpid()),
				LabelHost:    host,
			},
		},
		HostConfig: &container.HostConfig{
			NetworkMode: "none",
			Resources:   container.Resources{Memory: 64 << 20, MemorySwap: 64 << 20, PidsLimit: &pids},
		},
	})
	if err != nil {
		return Lacks{}, fmt.Errorf("create container: %w", err)
	}
	// Removed whatever happens next, even past the deadline.
	defer func() {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		cli.ContainerRemove(rctx, created.ID, client.ContainerRemoveOptions{Force: true})
	}()
	if _, err := cli.ContainerStatPath(ctx, created.ID, client.ContainerStatPathOptions{Path: "/bin/sh"}); err != nil {
		if isNotFound(err) {
			return Lacks{NoShell: true}, nil
		}
		return Lacks{}, fmt.Errorf("look for /bin/sh: %w", err)
	}
	wait := cli.ContainerWait(ctx, created.ID, client.ContainerWaitOptions{Condition: container.WaitConditionNextExit})
	if _, err := cli.ContainerStart(ctx, created.ID, client.ContainerStartOptions{}); err != nil {
		if strings.Contains(err.Error(), "/bin/sh") {
			// A /bin/sh that cannot run (a link to nothing, another
			// architecture's binary).
			return Lacks{NoShell: true}, nil
		}
		return Lacks{}, fmt.Errorf("start container: %w", err)
	}
	select {
	case res := <-wait.Result:
		if res.Error != nil {
			return Lacks{}, fmt.Errorf("wait: %s", res.Error.Message)
		}
	case err := <-wait.Error:
		return Lacks{}, fmt.Errorf("wait: %w", err)
	}
	logs, err := cli.ContainerLogs(ctx, created.ID, client.ContainerLogsOptions{ShowStdout: true, ShowStderr: true})
	if err != nil {
		return Lacks{}, fmt.Errorf("read output: %w", err)
	}
	defer logs.Close()
	var stdout, stderr bytes.Buffer
	if _, err := stdcopy.StdCopy(&stdout, &stderr, logs); err != nil {
		return Lacks{}, fmt.Errorf("read output: %w", err)
	}
	missing, err := parseContract(stdout.String())
	if err != nil {
		return Lacks{}, fmt.Errorf("%w %s", err, strings.TrimSpace(stderr.String()))
	}
	return Lacks{Missing: missing}, nil
}

// contractKey names a pass of image id against req: a new image, or
// requirements a new labrunner adds, are checked again.
func contractKey(id string, req Requirements) string {
	sum := sha256.Sum256(fmt.Appendf(nil, "%s\x00%q", id, req.args()))
	return hex.EncodeToString(sum[:])
}

// contractCache remembers passed checks, by contractKey: in memory, and
// as files named by the key (holding the image id and the requirements,
// for a reader) in dir, os.UserCacheDir()/labrunner/contracts
// ($XDG_CACHE_HOME on Linux) unless set, so that later processes skip the
// container too. A file that cannot be written only costs a check later.
type contractCache struct {
	dir string // "" is the user's cache folder, looked up on use

	mu   sync.Mutex
	seen map[string]bool
}

var contracts = &contractCache{}

func (c *contractCache) folder() string {
	if c.dir != "" {
		return c.dir
	}
	base, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(base, "labrunner", "contracts")
}

func (c *contractCache) passed(key string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.seen[key] {
		return true
	}
	dir := c.folder()
	if dir == "" {
		return false
	}
	if _, err := os.Stat(filepath.Join(dir, key)); err != nil {
		return false
	}
	c.remember(key)
	return true
}

// store records a pass; note is the file's content, for a reader.
func (c *contractCache) store(key, note string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.remember(key)
	dir := c.folder()
	if dir == "" || os.MkdirAll(dir, 0o755) != nil {
		return
	}
	tmp, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return
	}
	_, werr := tmp.WriteString(note)
	if cerr := tmp.Close(); werr != nil || cerr != nil {
		os.Remove(tmp.Name())
		return
	}
	if os.Rename(tmp.Name(), filepath.Join(dir, key)) != nil {
		os.Remove(tmp.Name())
	}
}

func (c *contractCache) remember(key string) {
	if c.seen == nil {
		c.seen = map[string]bool{}
	}
	c.seen[key] = true
}

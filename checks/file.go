package checks

import (
	"context"
	"errors"
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"
)

// File is the `file` check: a path in the service exists (or not) with the
// expected type, permission bits, owner, group, link target and content.
// It reads them as root with `stat -c` (GNU coreutils and busybox both
// have it), falling back to `ls -ld` where stat has no -c.
//
//	checks:
//	- name: secret-locked
//	  type: file
//	  service: box
//	  path: /srv/secret/key
//	  file_type: file          # file, dir or symlink
//	  owner: alice             # a user name or a uid
//	  group: alice             # a group name or a gid
//	  mode: "0600"             # exactly these bits (octal, with setuid/setgid/sticky)
//	  mode_has: "2000"         # these bits must be set (here: setgid)
//	  mode_lacks: "0007"       # these bits must be clear (here: nothing for others)
//	  content: {contains: "-----BEGIN"}   # equals, contains or matches
//	  # exists: false          # the path must not exist (no other fields then)
//	  # target: /srv/releases/v2          # a symlink's target
type File struct {
	// Path is the absolute path in the service's container.
	Path string `yaml:"path" json:"path"`
	// Exists is whether the path must exist; default true.
	Exists *bool `yaml:"exists,omitempty" json:"exists,omitempty"`
	// FileType is file, dir or symlink. A symlink is not followed.
	FileType string `yaml:"file_type,omitempty" json:"file_type,omitempty"`
	// Mode is the exact permission bits, octal ("0640", "2770").
	Mode string `yaml:"mode,omitempty" json:"mode,omitempty"`
	// ModeHas are bits that must be set, octal.
	ModeHas string `yaml:"mode_has,omitempty" json:"mode_has,omitempty"`
	// ModeLacks are bits that must be clear, octal.
	ModeLacks string `yaml:"mode_lacks,omitempty" json:"mode_lacks,omitempty"`
	// Owner is the owning user, by name or uid.
	Owner string `yaml:"owner,omitempty" json:"owner,omitempty"`
	// Group is the owning group, by name or gid.
	Group string `yaml:"group,omitempty" json:"group,omitempty"`
	// Target is a symlink's target, as readlink prints it.
	Target string `yaml:"target,omitempty" json:"target,omitempty"`
	// Content is an expectation on a regular file's content.
	Content *Match `yaml:"content,omitempty" json:"content,omitempty"`
}

var _ Check = (*File)(nil)

// fileTypes are the values of file_type.
var fileTypes = []string{"file", "dir", "symlink"}

// Validate implements Check.
func (c *File) Validate() error {
	var errs []error
	if !path.IsAbs(c.Path) {
		errs = append(errs, fmt.Errorf("path: %q must be an absolute path", c.Path))
	}
	if c.Exists != nil && !*c.Exists {
		if c.FileType != "" || c.Mode != "" || c.ModeHas != "" || c.ModeLacks != "" || c.Owner != "" || c.Group != "" || c.Target != "" || c.Content != nil {
			errs = append(errs, errors.New("exists: a path that must not exist has no type, mode, owner, group, target or content to check"))
		}
	}
	if c.FileType != "" && !slices.Contains(fileTypes, c.FileType) {
		errs = append(errs, fmt.Errorf("file_type: %q is not one of %s", c.FileType, strings.Join(fileTypes, ", ")))
	}
	for _, m := range []struct{ name, v string }{{"mode", c.Mode}, {"mode_has", c.ModeHas}, {"mode_lacks", c.ModeLacks}} {
		if _, err := parseModeBits(m.v); m.v != "" && err != nil {
			errs = append(errs, fmt.Errorf("%s: %v", m.name, err))
		}
	}
	if c.Target != "" && c.FileType != "" && c.FileType != "symlink" {
		errs = append(errs, errors.New("target: only a symlink has a target"))
	}
	if c.Content != nil {
		if err := c.Content.validate("content"); err != nil {
			errs = append(errs, err)
		}
		if c.FileType != "" && c.FileType != "file" {
			errs = append(errs, errors.New("content: only a file has content"))
		}
	}
	return errors.Join(errs...)
}

// parseModeBits parses octal permission bits such as "0640" or "2770".
func parseModeBits(s string) (uint32, error) {
	m, err := strconv.ParseUint(s, 8, 32)
	if err != nil || m > 0o7777 {
		return 0, fmt.Errorf("%q is not octal permission bits such as \"0640\"", s)
	}
	return uint32(m), nil
}

// fileScript prints, for the path $1: "missing"; or a stat line
// ("stat|<%F>|<%a>|<uid>|<user>|<gid>|<group>") or, without stat -c, two ls
// lines ("ls|<ls -ld>", "lsn|<ls -ldn>"); then a line with the link target
// (empty when not a link); then, when $2 is 1 and the path is a regular
// file, its content.
const fileScript = `p=$1
if [ ! -e "$p" ] && [ ! -L "$p" ]; then echo missing; exit 0; fi
if s=$(stat -c '%F|%a|%u|%U|%g|%G' "$p" 2>/dev/null); then
  echo "stat|$s"
else
  echo "ls|$(ls -ld "$p")"
  echo "lsn|$(ls -ldn "$p")"
fi
if [ -L "$p" ]; then readlink "$p"; else echo; fi
if [ "$2" = 1 ] && [ -f "$p" ] && [ ! -L "$p" ]; then cat "$p"; fi
`

// fileInfo is what fileScript reports of a path.
type fileInfo struct {
	missing      bool
	typ          string // file, dir, symlink or what stat calls it
	mode         uint32
	uid, user    string
	gid, group   string
	target       string
	content      string
	contentKnown bool
}

// Run implements Check.
func (c *File) Run(ctx context.Context, env Env) Outcome {
	wantContent := "0"
	if c.Content != nil {
		wantContent = "1"
	}
	var res ExecResult
	var err error
	if p, ok := env.(Prober); ok {
		pc := c.PlannedProbe()
		res, err = p.Probe(ctx, pc.User, pc.Args)
	}
	if _, ok := env.(Prober); !ok || errors.Is(err, ErrNoProbe) {
		res, err = env.Exec(ctx, []string{"/bin/sh", "-c", fileScript, "file", c.Path, wantContent}, ExecOptions{User: "0"})
	}
	if err != nil {
		return execError(ctx, err)
	}
	if res.ExitCode != 0 {
		return Errored(fmt.Sprintf("could not read %s: exit %d: %s", c.Path, res.ExitCode, strings.TrimSpace(res.Stderr)))
	}
	info, err := parseFileInfo(res.Stdout)
	if err != nil {
		return Errored(fmt.Sprintf("could not read %s: %v", c.Path, err))
	}
	info.contentKnown = c.Content != nil && info.typ == "file"
	if msg := c.check(info, env.Reveal()); msg != "" {
		return Failed(msg)
	}
	return Passed()
}

func parseFileInfo(out string) (fileInfo, error) {
	var fi fileInfo
	first, rest, _ := strings.Cut(out, "\n")
	switch {
	case first == "missing":
		fi.missing = true
		return fi, nil
	case strings.HasPrefix(first, "stat|"):
		f := strings.Split(strings.TrimPrefix(first, "stat|"), "|")
		if len(f) != 6 {
			return fi, fmt.Errorf("unexpected stat output %q", first)
		}
		m, err := strconv.ParseUint(f[1], 8, 32)
		if err != nil {
			return fi, fmt.Errorf("unexpected mode %q from stat", f[1])
		}
		fi.typ, fi.mode = statType(f[0]), uint32(m)
		fi.uid, fi.user, fi.gid, fi.group = f[2], f[3], f[4], f[5]
	case strings.HasPrefix(first, "ls|"):
		second, r, _ := strings.Cut(rest, "\n")
		rest = r
		names := strings.Fields(strings.TrimPrefix(first, "ls|"))
		ids := strings.Fields(strings.TrimPrefix(second, "lsn|"))
		if len(names) < 4 || len(ids) < 4 || len(names[0]) < 10 {
			return fi, fmt.Errorf("unexpected ls output %q", first)
		}
		var ok bool
		fi.typ, fi.mode, ok = parseSymbolicMode(names[0])
		if !ok {
			return fi, fmt.Errorf("unexpected mode %q from ls", names[0])
		}
		fi.user, fi.group, fi.uid, fi.gid = names[2], names[3], ids[2], ids[3]
	default:
		return fi, fmt.Errorf("unexpected output %q", first)
	}
	fi.target, fi.content, _ = strings.Cut(rest, "\n")
	return fi, nil
}

// statType names stat's %F in file_type's words.
func statType(f string) string {
	switch f {
	case "regular file", "regular empty file":
		return "file"
	case "directory":
		return "dir"
	case "symbolic link":
		return "symlink"
	}
	return f
}

// parseSymbolicMode parses ls's "drwxr-sr-x" into a type and octal bits.
func parseSymbolicMode(s string) (typ string, mode uint32, ok bool) {
	switch s[0] {
	case '-':
		typ = "file"
	case 'd':
		typ = "dir"
	case 'l':
		typ = "symlink"
	default:
		typ = string(s[0])
	}
	special := [3]uint32{0o4000, 0o2000, 0o1000}
	for i := 0; i < 3; i++ {
		r, w, x := s[1+3*i], s[2+3*i], s[3+3*i]
		shift := uint32(3 * (2 - i))
		if r == 'r' {
			mode |= 4 << shift
		}
		if w == 'w' {
			mode |= 2 << shift
		}
		switch x {
		case 'x':
			mode |= 1 << shift
		case 's', 't':
			mode |= 1<<shift | special[i]
		case 'S', 'T':
			mode |= special[i]
		case '-':
		default:
			return "", 0, false
		}
	}
	return typ, mode, true
}

// check returns "" when info is as expected, else the learner's sentence.
func (c *File) check(fi fileInfo, reveal bool) string {
	p := c.Path
	if c.Exists != nil && !*c.Exists {
		if !fi.missing {
			return fmt.Sprintf("%s exists, but must not", p)
		}
		return ""
	}
	if fi.missing {
		return fmt.Sprintf("%s does not exist", p)
	}
	want := func(what, got, expected string) string {
		if reveal {
			return fmt.Sprintf("%s: %s is %s, expected %s", p, what, got, expected)
		}
		return fmt.Sprintf("%s: %s is %s, which is not the expected one", p, what, got)
	}
	if c.FileType != "" && fi.typ != c.FileType {
		return want("the type", typeWords(fi.typ), typeWords(c.FileType))
	}
	if c.Mode != "" {
		m, _ := parseModeBits(c.Mode)
		if fi.mode != m {
			return want("the mode", fmt.Sprintf("%04o", fi.mode), fmt.Sprintf("%04o", m))
		}
	}
	if c.ModeHas != "" {
		m, _ := parseModeBits(c.ModeHas)
		if missing := m &^ fi.mode; missing != 0 {
			return fmt.Sprintf("%s: the mode is %04o; it lacks %s", p, fi.mode, describeBits(missing))
		}
	}
	if c.ModeLacks != "" {
		m, _ := parseModeBits(c.ModeLacks)
		if extra := m & fi.mode; extra != 0 {
			return fmt.Sprintf("%s: the mode is %04o; it must not allow %s", p, fi.mode, describeBits(extra))
		}
	}
	if c.Owner != "" && c.Owner != fi.user && c.Owner != fi.uid {
		return want("the owner", fi.user, c.Owner)
	}
	if c.Group != "" && c.Group != fi.group && c.Group != fi.gid {
		return want("the group", fi.group, c.Group)
	}
	if c.Target != "" && fi.target != c.Target {
		if fi.typ != "symlink" {
			return fmt.Sprintf("%s is %s, not a symbolic link", p, typeWords(fi.typ))
		}
		return want("the link target", fi.target, c.Target)
	}
	if c.Content != nil {
		if fi.typ != "file" {
			return fmt.Sprintf("%s is %s, not a regular file with content", p, typeWords(fi.typ))
		}
		if msg := c.Content.check(fi.content, true, reveal); msg != "" {
			return fmt.Sprintf("%s: the content %s", p, msg)
		}
	}
	return ""
}

// typeWords names a file type in a sentence.
func typeWords(t string) string {
	switch t {
	case "file":
		return "a regular file"
	case "dir":
		return "a directory"
	case "symlink":
		return "a symbolic link"
	}
	return "a " + t
}

// describeBits names permission bits: "setgid, write for others".
func describeBits(m uint32) string {
	names := []struct {
		bit  uint32
		name string
	}{
		{0o4000, "setuid"}, {0o2000, "setgid"}, {0o1000, "sticky"},
		{0o400, "read for the owner"}, {0o200, "write for the owner"}, {0o100, "execute for the owner"},
		{0o040, "read for the group"}, {0o020, "write for the group"}, {0o010, "execute for the group"},
		{0o004, "read for others"}, {0o002, "write for others"}, {0o001, "execute for others"},
	}
	var out []string
	for _, n := range names {
		if m&n.bit != 0 {
			out = append(out, n.name)
		}
	}
	return fmt.Sprintf("%04o (%s)", m, strings.Join(out, ", "))
}

// PlannedProbe implements ProbePlanner: the probe's stat as root.
func (c *File) PlannedProbe() ProbeCall {
	wantContent := "0"
	if c.Content != nil {
		wantContent = "1"
	}
	return ProbeCall{User: "0", Args: []string{"stat", c.Path, wantContent}}
}

var _ ProbePlanner = (*File)(nil)

// Command probe is the grader's own tool in a box: the access and file
// checks run it instead of the box's shell and coreutils, which a
// learner's script, run as root, can replace (a fake /bin/sh that says
// yes to everything, a /usr/bin/stat that prints the expected mode). It
// is a static binary (no dynamic loader, no libc of the box), copied into
// the box by the runner for each grading run (and again after anything
// else ran there) from what it read of the pristine image, after the
// learner's script and everything it started have ended.
//
//	probe access PATH OP…   as the user: "type dir|file|unknown", then
//	                        "OP 0|1" per operation (0: allowed); a
//	                        directory write adds the new file's group
//	probe stat PATH 0|1     as root: "missing", or "stat|TYPE|MODE|UID|
//	                        USER|GID|GROUP", the link target line, and
//	                        (1) a regular file's content
//	probe remove DIR        as root: remove the probe's folder
//	probe batch             as the user: each request of a JSON list of
//	                        argument lists on stdin ([["access", PATH,
//	                        OP…], ["stat", PATH, "0"]]), in order, each
//	                        answered by "labrunner-probe-result EXIT
//	                        NOUT NERR\n" and then its stdout and stderr,
//	                        NOUT and NERR bytes: one exec for many checks
//
// It uses only the standard library of Go 1.19 (Debian bookworm's), as
// images/backend does. It is not part of the lab CLI.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/user"
	"strconv"
	"syscall"
)

func main() {
	if len(os.Args) == 2 && os.Args[1] == "batch" {
		os.Exit(batch(os.Stdin, os.Stdout))
	}
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: probe access PATH OP… | probe stat PATH 0|1 | probe batch")
		os.Exit(2)
	}
	if os.Args[1] == "remove" {
		os.RemoveAll(os.Args[2])
		return
	}
	os.Exit(run(os.Args[1:], 0, os.Stdout, os.Stderr))
}

// run answers one request; seq numbers it in a batch.
func run(args []string, seq int, out, errw io.Writer) int {
	if len(args) < 2 {
		fmt.Fprintln(errw, "usage: probe access PATH OP… | probe stat PATH 0|1")
		return 2
	}
	switch args[0] {
	case "access":
		access(out, args[1], args[2:], seq)
		return 0
	case "stat":
		return stat(out, errw, args[1], len(args) > 2 && args[2] == "1")
	}
	fmt.Fprintf(errw, "probe: unknown command %q\n", args[0])
	return 2
}

// batch answers each request read from in, in order, framed on out.
func batch(in io.Reader, out io.Writer) int {
	var reqs [][]string
	if err := json.NewDecoder(io.LimitReader(in, 1<<20)).Decode(&reqs); err != nil {
		fmt.Fprintln(os.Stderr, "probe: batch:", err)
		return 2
	}
	for i, args := range reqs {
		var o, e bytes.Buffer
		code := run(args, i, &o, &e)
		// A request may enter a folder; the next starts from /.
		syscall.Chdir("/")
		fmt.Fprintf(out, "labrunner-probe-result %d %d %d\n", code, o.Len(), e.Len())
		out.Write(o.Bytes())
		out.Write(e.Bytes())
	}
	return 0
}

func status(err error) int {
	if err != nil {
		return 1
	}
	return 0
}

func access(w io.Writer, p string, ops []string, seq int) {
	typ := ""
	if fi, err := os.Stat(p); err == nil {
		typ = "file"
		if fi.IsDir() {
			typ = "dir"
		}
	} else if _, err := os.Lstat(p); err == nil {
		typ = "file"
	} else {
		fmt.Fprintln(w, "type unknown")
		return
	}
	fmt.Fprintln(w, "type "+typ)
	for _, op := range ops {
		switch op {
		case "read":
			var err error
			if typ == "dir" {
				_, err = os.ReadDir(p)
			} else {
				var f *os.File
				if f, err = os.OpenFile(p, os.O_RDONLY|syscall.O_NONBLOCK, 0); err == nil {
					f.Close()
				}
			}
			fmt.Fprintf(w, "read %d\n", status(err))
		case "write":
			if typ == "dir" {
				name := fmt.Sprintf("%s/.labrunner-access-%d", p, os.Getpid())
				if seq > 0 {
					// Requests of a batch share a pid.
					name += "." + strconv.Itoa(seq)
				}
				f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
				if err != nil {
					fmt.Fprintln(w, "write 1")
					continue
				}
				group := "?"
				var st syscall.Stat_t
				if syscall.Fstat(int(f.Fd()), &st) == nil {
					gid := strconv.Itoa(int(st.Gid))
					group = gid
					if g, err := user.LookupGroupId(gid); err == nil {
						group = g.Name
					}
				}
				f.Close()
				os.Remove(name)
				fmt.Fprintf(w, "write 0 %s\n", group)
			} else {
				f, err := os.OpenFile(p, os.O_WRONLY|os.O_APPEND|syscall.O_NONBLOCK, 0)
				if err == nil {
					f.Close()
				}
				fmt.Fprintf(w, "write %d\n", status(err))
			}
		case "execute":
			var err error
			if typ == "dir" {
				err = syscall.Chdir(p)
			} else {
				err = syscall.Access(p, 1)
			}
			fmt.Fprintf(w, "execute %d\n", status(err))
		default:
			fmt.Fprintf(w, "%s 1\n", op)
		}
	}
}

func stat(w, errw io.Writer, p string, content bool) int {
	fi, err := os.Lstat(p)
	if err != nil {
		if os.IsNotExist(err) {
			fmt.Fprintln(w, "missing")
			return 0
		}
		fmt.Fprintln(errw, err)
		return 1
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		fmt.Fprintln(errw, "probe: no stat")
		return 1
	}
	typ := "other"
	switch m := fi.Mode(); {
	case m.IsRegular():
		typ = "regular file"
	case m.IsDir():
		typ = "directory"
	case m&os.ModeSymlink != 0:
		typ = "symbolic link"
	}
	uid, gid := strconv.Itoa(int(st.Uid)), strconv.Itoa(int(st.Gid))
	uname, gname := "UNKNOWN", "UNKNOWN"
	if u, err := user.LookupId(uid); err == nil {
		uname = u.Username
	}
	if g, err := user.LookupGroupId(gid); err == nil {
		gname = g.Name
	}
	fmt.Fprintf(w, "stat|%s|%o|%s|%s|%s|%s\n", typ, st.Mode&0o7777, uid, uname, gid, gname)
	target := ""
	if typ == "symbolic link" {
		target, _ = os.Readlink(p)
	}
	fmt.Fprintln(w, target)
	if content && typ == "regular file" {
		if f, err := os.Open(p); err == nil {
			io.Copy(w, io.LimitReader(f, 1<<20))
			f.Close()
		}
	}
	return 0
}

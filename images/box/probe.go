// Command probe is the grader's own tool in a box: the access and file
// checks run it instead of the box's shell and coreutils, which a
// learner's script, run as root, can replace (a fake /bin/sh that says
// yes to everything, a /usr/bin/stat that prints the expected mode). It
// is a static binary (no dynamic loader, no libc of the box), copied into
// the box by the runner for each check from what it read of the pristine
// image, after the learner's script and everything it started have ended.
//
//	probe access PATH OP…   as the user: "type dir|file|unknown", then
//	                        "OP 0|1" per operation (0: allowed); a
//	                        directory write adds the new file's group
//	probe stat PATH 0|1     as root: "missing", or "stat|TYPE|MODE|UID|
//	                        USER|GID|GROUP", the link target line, and
//	                        (1) a regular file's content
//	probe remove DIR        as root: remove the probe's folder
//
// It uses only the standard library of Go 1.19 (Debian bookworm's), as
// images/backend does. It is not part of the lab CLI.
package main

import (
	"fmt"
	"io"
	"os"
	"os/user"
	"strconv"
	"syscall"
)

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: probe access PATH OP… | probe stat PATH 0|1")
		os.Exit(2)
	}
	switch os.Args[1] {
	case "access":
		access(os.Args[2], os.Args[3:])
	case "stat":
		stat(os.Args[2], len(os.Args) > 3 && os.Args[3] == "1")
	case "remove":
		os.RemoveAll(os.Args[2])
	default:
		fmt.Fprintf(os.Stderr, "probe: unknown command %q\n", os.Args[1])
		os.Exit(2)
	}
}

func status(err error) int {
	if err != nil {
		return 1
	}
	return 0
}

func access(p string, ops []string) {
	typ := ""
	if fi, err := os.Stat(p); err == nil {
		typ = "file"
		if fi.IsDir() {
			typ = "dir"
		}
	} else if _, err := os.Lstat(p); err == nil {
		typ = "file"
	} else {
		fmt.Println("type unknown")
		return
	}
	fmt.Println("type " + typ)
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
			fmt.Printf("read %d\n", status(err))
		case "write":
			if typ == "dir" {
				name := fmt.Sprintf("%s/.labrunner-access-%d", p, os.Getpid())
				f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
				if err != nil {
					fmt.Println("write 1")
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
				fmt.Printf("write 0 %s\n", group)
			} else {
				f, err := os.OpenFile(p, os.O_WRONLY|os.O_APPEND|syscall.O_NONBLOCK, 0)
				if err == nil {
					f.Close()
				}
				fmt.Printf("write %d\n", status(err))
			}
		case "execute":
			var err error
			if typ == "dir" {
				err = syscall.Chdir(p)
			} else {
				err = syscall.Access(p, 1)
			}
			fmt.Printf("execute %d\n", status(err))
		default:
			fmt.Printf("%s 1\n", op)
		}
	}
}

func stat(p string, content bool) {
	fi, err := os.Lstat(p)
	if err != nil {
		if os.IsNotExist(err) {
			fmt.Println("missing")
			return
		}
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		fmt.Fprintln(os.Stderr, "probe: no stat")
		os.Exit(1)
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
	fmt.Printf("stat|%s|%o|%s|%s|%s|%s\n", typ, st.Mode&0o7777, uid, uname, gid, gname)
	target := ""
	if typ == "symbolic link" {
		target, _ = os.Readlink(p)
	}
	fmt.Println(target)
	if content && typ == "regular file" {
		if f, err := os.Open(p); err == nil {
			io.Copy(os.Stdout, io.LimitReader(f, 1<<20))
			f.Close()
		}
	}
}

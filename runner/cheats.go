package runner

import (
	"fmt"
	"maps"
	"strings"

	"github.com/labrunner/labrunner/labs"
)

// cheat is a generic trick a submission can play on a grader, which `lab
// test` plays against every lab whose submission files it applies to, so
// that an author learns a lab can be fooled before learners do.
//
// A neutral cheat changes only what the grader might see (planner
// settings, role defaults, the box's tools): added to a solution that
// fails some checks, it must not make any of them pass. A cheat that is
// not neutral replaces the work (canned answers): it must not pass every
// check.
type cheat struct {
	name  string
	about string
	// apply is the apply mode of the files it changes.
	apply   string
	neutral bool
	// change returns the cheating file from the honest one.
	change func(content string) string
	// serve, when set, makes it a cheat on a program that is a server
	// (labs.Serve): it replaces the entry file of each serving runtime,
	// returning the cheating program for the port it must listen on.
	serve func(port int) string
}

// cheats is the kit, by apply mode.
var cheats = []cheat{
	{
		name: "planner-settings", apply: labs.ApplySQL, neutral: true,
		about: "planner settings that make any index look used",
		change: func(s string) string {
			return "SET enable_seqscan = off;\nSET random_page_cost = 0;\nSET seq_page_cost = 1000;\n" +
				"SET cpu_tuple_cost = 0;\nSET cpu_index_tuple_cost = 0;\nSET cpu_operator_cost = 0;\n" + s
		},
	},
	{
		name: "role-defaults", apply: labs.ApplySQL, neutral: true,
		about: "planner settings and a search_path stored on the learner's role and database",
		change: func(s string) string {
			return s + "\n;\nCREATE SCHEMA IF NOT EXISTS lab_cheat;\n" +
				"ALTER ROLE CURRENT_USER SET enable_seqscan = off;\n" +
				"ALTER ROLE CURRENT_USER SET search_path = lab_cheat, public;\n" +
				"DO $lab_cheat$ BEGIN EXECUTE format('ALTER DATABASE %I SET enable_seqscan = off', current_database()); END $lab_cheat$;\n"
		},
	},
	{
		name: "fake-tools", apply: labs.ApplyShell, neutral: true,
		about: "the box's inspection tools and /bin/sh replaced by programs that succeed",
		change: func(s string) string {
			return s + "\n# lab test cheat: fake tools\n" +
				"for t in /usr/bin/stat /bin/ls /usr/bin/ls /usr/bin/getfacl /usr/bin/id /usr/bin/test /usr/bin/find; do\n" +
				"  [ -e \"$t\" ] && cp /bin/true \"$t\" 2>/dev/null\n" +
				"done\n" +
				"ln -sf /bin/true /bin/sh 2>/dev/null\n" +
				"exit 0\n"
		},
	},
	{
		name: "world-writable", apply: labs.ApplyShell,
		about: "everything a task might be about made readable and writable by all",
		change: func(s string) string {
			return s + "\n# lab test cheat: chmod everything\nchmod -R 777 /srv /home /opt /var/www /var/log /etc/app 2>/dev/null\nexit 0\n"
		},
	},
	{
		// A script checks run: should a check run it as root, it swaps
		// the tools of the checks after it (git, the inspection tools,
		// /bin/sh) for programs that succeed, before doing its work.
		name: "tool-swap", apply: labs.ApplyScript, neutral: true,
		about: "a script that, where it may, replaces git, the box's inspection tools and /bin/sh with programs that succeed",
		change: func(s string) string {
			return afterShebang(s, "# lab test cheat: swap the tools\n"+
				"for t in /usr/bin/git /usr/bin/stat /bin/ls /usr/bin/ls /usr/bin/id /usr/bin/test /usr/bin/find; do\n"+
				"  [ -e \"$t\" ] && cp /bin/true \"$t\" 2>/dev/null\n"+
				"done\n"+
				"ln -sf /bin/true /bin/sh 2>/dev/null\n")
		},
	},
	{
		name: "data-reader", apply: labs.ApplyScript,
		about: "a script that prints where it runs, its environment and everything it can read there instead of doing the task",
		change: func(string) string {
			return "#!/bin/sh\n# lab test cheat: print everything\npwd\nenv\nls -la\ncat ./* 2>/dev/null\n" +
				"git log --all --format=%H 2>/dev/null\nexit 0\n"
		},
	},
	{
		name: "canned-answers", apply: labs.ApplyNginxConfig,
		about: "a server that answers every request with 200 and a canned body",
		change: func(string) string {
			return "server {\n    listen 80 default_server;\n    server_name _;\n" +
				"    location / {\n        default_type text/html;\n        add_header Cache-Control \"public, max-age=2592000\";\n" +
				"        add_header X-Backend app1;\n        return 200 \"ok\\n\";\n    }\n}\n"
		},
	},
	{
		name: "canned-server", apply: labs.ApplyProgram,
		about: "a server that answers every request with 200, JSON and the headers an API check looks for",
		serve: func(port int) string {
			return fmt.Sprintf(`import http.server
class H(http.server.BaseHTTPRequestHandler):
    def answer(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = b'{"id": 1, "items": [], "error": "x", "ok": true}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Location", "/items/1")
        self.send_header("Allow", "GET, POST, PUT, PATCH, DELETE")
        self.send_header("Cache-Control", "public, max-age=60")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = answer
http.server.ThreadingHTTPServer(("0.0.0.0", %d), H).serve_forever()
`, port)
		},
	},
	{
		name: "harness-reader", apply: labs.ApplyProgram,
		about: "a program that prints what the harness passes it instead of doing the task",
		change: func(string) string {
			return "import os, sys\nprint(sys.argv)\nprint(dict(os.environ))\nsys.stdout.flush()\n"
		},
	},
}

// afterShebang returns script with code inserted after its #! line, or
// at its start when it has none, so that the interpreter stays the one
// the script names.
func afterShebang(script, code string) string {
	if !strings.HasPrefix(script, "#!") {
		return code + script
	}
	line, rest, _ := strings.Cut(script, "\n")
	return line + "\n" + code + rest
}

// cheatsFor returns the cheats that apply to lab's submission files, each
// with the files it changes.
func cheatsFor(lab *labs.Lab) []cheat {
	var out []cheat
	for _, c := range cheats {
		if c.serve != nil {
			if len(serveEntries(lab)) > 0 {
				out = append(out, c)
			}
			continue
		}
		for _, f := range lab.Submission {
			if f.Apply == c.apply {
				out = append(out, c)
				break
			}
		}
	}
	return out
}

// cheated returns sub with c applied to every file of c's apply mode.
func cheated(lab *labs.Lab, c cheat, sub Submission) Submission {
	out := maps.Clone(sub)
	if c.serve != nil {
		for file, port := range serveEntries(lab) {
			out[file] = c.serve(port)
		}
		return out
	}
	for _, f := range lab.Submission {
		if f.Apply == c.apply {
			out[f.File] = c.change(sub[f.File])
		}
	}
	return out
}

// serveEntries maps the entry file of each serving runtime of lab to the
// port it listens on.
func serveEntries(lab *labs.Lab) map[string]int {
	out := map[string]int{}
	for _, s := range lab.Services {
		if s.Serve != nil {
			out[s.Serve.Entry] = s.Serve.Port
		}
	}
	return out
}

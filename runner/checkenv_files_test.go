package runner

import (
	"archive/tar"
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/labrunner/labrunner/checks"
	"github.com/labrunner/labrunner/labs"

	"github.com/labrunner/labrunner/runner/engine"
)

// siteTar is a tar of /srv/site as the engine sends it: entries named
// from the folder's own name.
func siteTar(t *testing.T) string {
	t.Helper()
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	add := func(h *tar.Header, body string) {
		h.Size = int64(len(body))
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		tw.Write([]byte(body))
	}
	add(&tar.Header{Name: "site/", Typeflag: tar.TypeDir, Mode: 0o755}, "")
	add(&tar.Header{Name: "site/index.html", Typeflag: tar.TypeReg, Mode: 0o644}, "<h1>home</h1>\n")
	add(&tar.Header{Name: "site/a/b.css", Typeflag: tar.TypeReg, Mode: 0o644}, "b{}")
	add(&tar.Header{Name: "site/big.bin", Typeflag: tar.TypeReg, Mode: 0o644}, strings.Repeat("x", engine.DefaultOutputCap+1))
	add(&tar.Header{Name: "site/link.html", Typeflag: tar.TypeSymlink, Linkname: "index.html"}, "")
	tw.Close()
	return b.String()
}

func TestCheckEnvReadFile(t *testing.T) {
	cat := func(p string) []string { return []string{"cat", "--", p} }
	for _, tc := range []struct {
		name  string
		kind  string
		reads []string
		// between runs a command in the service after the first read.
		between bool
		want    []string // the file's content, or "error: …"
		copies  int      // tars read from the engine
		execs   [][]string
	}{
		{name: "files of one folder: one tar for all", kind: labs.KindNginx,
			reads: []string{"/srv/site/index.html", "/srv/site/a/b.css", "/srv/site/index.html"},
			want:  []string{"<h1>home</h1>\n", "b{}", "<h1>home</h1>\n"}, copies: 1},
		{name: "a file too big for a cat is an error", kind: labs.KindNginx,
			reads: []string{"/srv/site/big.bin"},
			want:  []string{"error: /srv/site/big.bin is larger than 64 KiB"}, copies: 1},
		{name: "a symlink and a missing file are read with cat", kind: labs.KindNginx,
			reads: []string{"/srv/site/link.html", "/srv/site/none"},
			want:  []string{"cat:/srv/site/link.html", "cat:/srv/site/none"}, copies: 1,
			execs: [][]string{cat("/srv/site/link.html"), cat("/srv/site/none")}},
		{name: "outside the lab's folders: cat", kind: labs.KindNginx,
			reads: []string{"/etc/nginx/nginx.conf"},
			want:  []string{"cat:/etc/nginx/nginx.conf"}, execs: [][]string{cat("/etc/nginx/nginx.conf")}},
		{name: "a command in the service drops the copy", kind: labs.KindNginx, between: true,
			reads: []string{"/srv/site/index.html", "/srv/site/index.html"},
			want:  []string{"<h1>home</h1>\n", "<h1>home</h1>\n"}, copies: 2, execs: [][]string{{"touch", "x"}}},
		{name: "a kind where learners' code runs: cat every time", kind: labs.KindBox,
			reads: []string{"/srv/site/index.html", "/srv/site/index.html"},
			want:  []string{"cat:/srv/site/index.html", "cat:/srv/site/index.html"},
			execs: [][]string{cat("/srv/site/index.html"), cat("/srv/site/index.html")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defs := map[string]*labs.Service{"web": {Kind: tc.kind, Files: []*labs.FileCopy{{Src: "site", Dst: "/srv/site/"}}}}
			e, sess := fakeCheckEnv(t, "web", defs, map[string]serviceRun{})
			svc := sess.services["web"]
			svc.copyData = siteTar(t)
			svc.exec = append(svc.exec, func(c execCall) (engine.ExecResult, error) {
				return engine.ExecResult{Stdout: "cat:" + c.Cmd[len(c.Cmd)-1]}, nil
			})
			var got []string
			for i, p := range tc.reads {
				if i == 1 && tc.between {
					e.Exec(context.Background(), []string{"touch", "x"}, checks.ExecOptions{})
				}
				c, err := e.ReadFile(context.Background(), p)
				if err != nil {
					c = "error: " + err.Error()
				}
				got = append(got, c)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("read %q\nwant %q", got, tc.want)
			}
			if len(svc.copied) != tc.copies {
				t.Errorf("%d tars read (%q), want %d", len(svc.copied), svc.copied, tc.copies)
			}
			var execs [][]string
			for _, c := range svc.calls {
				execs = append(execs, c.Cmd)
			}
			if !slices.EqualFunc(execs, tc.execs, slices.Equal) {
				t.Errorf("execs %q\nwant %q", execs, tc.execs)
			}
		})
	}
}

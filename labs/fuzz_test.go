package labs

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
)

// FuzzLoad feeds arbitrary bytes as the demo lab's lab.yaml: Load must
// return a lab or an Errors of messages with a place, never panic or hang.
// Its seeds (the testdata files, the hostile documents, and
// testdata/fuzz/FuzzLoad) run in plain `go test`.
func FuzzLoad(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.yaml")
	files = append(files, "testdata/demo/lab.yaml", "sql-join/lab.yaml")
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range []string{aliasBomb(), mergeBomb(), "", "{", "- - -", "\x00", "id: [", "<<: *x", "&a [*a]", strings.Repeat("{", 100)} {
		f.Add([]byte(s))
	}
	base := demoFS(f, nil)
	f.Fuzz(func(t *testing.T, data []byte) {
		fsys := fstest.MapFS{}
		for k, v := range base {
			fsys[k] = v
		}
		fsys["demo/lab.yaml"] = &fstest.MapFile{Data: data, Mode: 0o644}
		l, err := Load(fsys, "demo")
		if err == nil {
			if l == nil || l.ID != "demo" {
				t.Fatalf("no error, lab %+v", l)
			}
			return
		}
		var es Errors
		if !errors.As(err, &es) || len(es) == 0 {
			t.Fatalf("error %T is not a non-empty labs.Errors: %v", err, err)
		}
		for _, e := range es {
			if e.Msg == "" || !strings.HasPrefix(e.Path, "demo/") {
				t.Fatalf("error without a place or message: %+v", e)
			}
		}
	})
}

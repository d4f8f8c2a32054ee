package labs

import (
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/labrunner/labrunner/checks"
)

// TestBundled: every bundled lab loads, and every lab folder of the source
// tree is embedded.
func TestBundled(t *testing.T) {
	all, err := Bundled()
	if err != nil {
		t.Fatalf("bundled labs do not validate:\n%v", err)
	}
	var ids []string
	for _, l := range all {
		ids = append(ids, l.ID)
		if _, err := l.Task(); err != nil {
			t.Error(err)
		}
	}
	if !slices.Contains(ids, "sql-join") {
		t.Errorf("bundled labs %v lack sql-join", ids)
	}
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	var onDisk []string
	for _, e := range entries {
		if _, err := os.Stat(e.Name() + "/" + FileName); e.IsDir() && e.Name() != "testdata" && err == nil {
			onDisk = append(onDisk, e.Name())
		}
	}
	if !slices.Equal(ids, onDisk) {
		t.Errorf("embedded labs %v, lab folders on disk %v", ids, onDisk)
	}
}

// catalogFS returns a catalog holding the demo lab under each of names,
// with its id set to the folder name.
func catalogFS(t *testing.T, names ...string) fstest.MapFS {
	t.Helper()
	demo := demoFS(t, nil)
	fsys := fstest.MapFS{}
	for _, name := range names {
		for p, f := range demo {
			data := f.Data
			if p == "demo/lab.yaml" {
				data = []byte(strings.Replace(string(data), "id: demo", "id: "+name, 1))
			}
			fsys["cat/"+name+strings.TrimPrefix(p, "demo")] = &fstest.MapFile{Data: data, Mode: f.Mode}
		}
	}
	return fsys
}

func TestLoadCatalog(t *testing.T) {
	t.Run("sorted, testdata and dot folders skipped", func(t *testing.T) {
		fsys := catalogFS(t, "zeta", "alpha")
		fsys["cat/testdata/x.yaml"] = &fstest.MapFile{Data: []byte("garbage: [")}
		fsys["cat/.git/config"] = &fstest.MapFile{Data: []byte("x")}
		fsys["cat/notes.md"] = &fstest.MapFile{Data: []byte("x")}
		all, err := LoadCatalog(fsys, "cat")
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != 2 || all[0].ID != "alpha" || all[1].ID != "zeta" {
			t.Errorf("labs = %v", all)
		}
	})
	t.Run("errors of every lab, and the labs that loaded", func(t *testing.T) {
		fsys := catalogFS(t, "good", "bad1", "bad2")
		fsys["cat/bad1/lab.yaml"] = &fstest.MapFile{Data: []byte("id: bad1\ntitel: x\n")}
		delete(fsys, "cat/bad2/README.md")
		fsys["cat/empty/.keep"] = &fstest.MapFile{}
		all, err := LoadCatalog(fsys, "cat")
		got := errorLines(t, err)
		want := []string{
			`cat/bad1/lab.yaml:1:1: missing field "difficulty" (one of: beginner, intermediate, advanced)`,
			`cat/bad1/lab.yaml:1:1: missing field "services" (the lab's containers by name, e.g. db: {kind: postgres})`,
			`cat/bad1/lab.yaml:1:1: missing field "submission" (the files the learner edits, e.g. - {file: solution.sql, apply: query, service: db})`,
			`cat/bad1/lab.yaml:1:1: missing field "checks" (the checks that grade the submission)`,
			`cat/bad1/lab.yaml:1:1: folder wrong/empty/ is not listed under wrong: (lab test proves only the listed ones)`,
			`cat/bad1/lab.yaml:2:1: unknown field "titel" in the lab, did you mean "title"? (allowed: id, title, summary, difficulty, tags, estimate, services, submission, hints, checks, variants, solution, wrong, languages, and x-… fields for anchors)`,
			`cat/bad2/README.md: missing (every lab has a README.md with the task)`,
			`cat/empty/lab.yaml: no such file (every lab folder holds a lab.yaml)`,
		}
		if !slices.Equal(got, want) {
			t.Errorf("errors:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
		}
		if len(all) != 1 || all[0].ID != "good" {
			t.Errorf("labs = %v, want the good one", all)
		}
	})
	t.Run("alternatives", func(t *testing.T) {
		fsys := catalogFS(t, "fair", "bad")
		for p, f := range fsys {
			if file, ok := strings.CutPrefix(p, "cat/fair/starter/"); ok {
				fsys["cat/fair/alternatives/b-style/"+file] = f
				fsys["cat/fair/alternatives/a-style/"+file] = f
				fsys["cat/bad/alternatives/No_Slug/"+file] = f
			}
		}
		fsys["cat/bad/alternatives/empty/notes.txt"] = &fstest.MapFile{Data: []byte("x")}
		all, err := LoadCatalog(fsys, "cat")
		got := errorLines(t, err)
		want := []string{
			`cat/bad/alternatives/No_Slug: invalid folder name "No_Slug" (lower-case letters, digits and dashes)`,
			`cat/bad/lab.yaml: alternatives/empty/notes.txt is not in starter/ (a solution holds the same files as starter/)`,
			`cat/bad/lab.yaml:26:11: submission file "query.sql" is missing from alternatives/empty/`,
			`cat/bad/lab.yaml:29:11: submission file "site.conf" is missing from alternatives/empty/`,
		}
		if !slices.Equal(got, want) {
			t.Errorf("errors:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
		}
		if len(all) != 1 || !slices.Equal(all[0].Alternatives(), []string{"a-style", "b-style"}) {
			t.Errorf("labs = %v, want fair with its alternatives sorted", all)
		}
	})
	t.Run("empty catalog", func(t *testing.T) {
		_, err := LoadCatalog(fstest.MapFS{"cat/README.md": &fstest.MapFile{}}, "cat")
		if got := errorLines(t, err); len(got) != 1 || got[0] != "cat: no labs here (a catalog holds one folder per lab, each with a lab.yaml)" {
			t.Errorf("errors = %q", got)
		}
	})
	t.Run("missing catalog", func(t *testing.T) {
		_, err := LoadCatalog(fstest.MapFS{}, "cat")
		if got := errorLines(t, err); len(got) != 1 || got[0] != "cat: cannot read the catalog: file does not exist" {
			t.Errorf("errors = %q", got)
		}
	})
}

// TestDuplicateIDs: the same id in two catalogs.
func TestDuplicateIDs(t *testing.T) {
	a, err := Load(catalogFS(t, "same"), "cat/same")
	if err != nil {
		t.Fatal(err)
	}
	b, err := LoadCatalog(catalogFS(t, "same"), "cat")
	if err != nil {
		t.Fatal(err)
	}
	got := errorLines(t, DuplicateIDs(append([]*Lab{a}, b...)))
	want := `cat/same/lab.yaml:3:5: duplicate lab id "same" (also in cat/same/lab.yaml)`
	if len(got) != 1 || got[0] != want {
		t.Errorf("errors = %q, want %q", got, want)
	}
}

// TestCheckTypesKeepCommonFieldsFree: a check type's field named like a
// common field (name, service, …) could never be set; the registry must
// not have one.
func TestCheckTypesKeepCommonFieldsFree(t *testing.T) {
	common := fieldsOf(reflect.TypeOf(CheckDef{}))
	for _, ct := range checks.Types() {
		st := reflect.TypeOf(ct.New()).Elem()
		for _, f := range fieldsOf(st) {
			if _, clash := lookupField(common, f.name); clash {
				t.Errorf("check type %s has field %q, which is a common check field", ct.Name, f.name)
			}
		}
		for _, k := range ct.Kinds {
			if !knownKind(k) {
				t.Errorf("check type %s fits unknown service kind %q", ct.Name, k)
			}
		}
	}
}

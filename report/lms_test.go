package report

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// fixtureRoster knows every submission of formatsFixture but bob, and
// frank, who handed nothing in; carol's name is a formula.
const fixtureRoster = "\ufeffSubmission,Name,ID,Email,Section,Login\n" +
	`alice,"Liddell, Alice",s001,alice@uni.example,Section A,aliddell` + "\n" +
	`"=Carol ""C.J."" O'Neil, 100%","=O'Neil, Carol",s003,carol@uni.example,Section B,` + "\n" +
	"dave,\"Jones, Dave\",s004,dave@uni.example,Section A,\n" +
	"erin,\"Brock, Erin\",s005,erin@uni.example,Section B,ebrock\n" +
	"frank,\"Ocean, Frank\",s006,frank@uni.example,Section A,\n"

func readFixtureRoster(t *testing.T) *Roster {
	t.Helper()
	ro, err := ReadRoster(strings.NewReader(fixtureRoster), "roster.csv")
	if err != nil {
		t.Fatal(err)
	}
	return ro
}

func TestLMSGolden(t *testing.T) {
	for name, render := range map[string]func(*bytes.Buffer) error{
		"canvas": func(b *bytes.Buffer) error { return Canvas(b, formatsFixture(), readFixtureRoster(t)) },
		"moodle": func(b *bytes.Buffer) error { return Moodle(b, formatsFixture(), readFixtureRoster(t)) },
	} {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := render(&buf); err != nil {
				t.Fatal(err)
			}
			golden(t, name, buf.Bytes())
		})
	}
}

// TestLMSCells: a column per check that carries points (not the apply
// row), the points possible, points scored, 0 for a failed or skipped
// check, and no grade for an errored check or a run that errored.
func TestLMSCells(t *testing.T) {
	var buf bytes.Buffer
	if err := Canvas(&buf, formatsFixture(), readFixtureRoster(t)); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"Student", "ID", "SIS User ID", "SIS Login ID", "Section", "sql-join: result: orders, customers", "sql-join: uses index", "sql-join: cache hit", "sql-join: second query"},
		{"    Points Possible", "", "", "", "", "1", "2", "1", "1"},
		{"'=O'Neil, Carol", "", "s003", "", "Section B", "0", "2", "1", "1"},
		{"Liddell, Alice", "", "s001", "aliddell", "Section A", "1", "2", "1", "1"},
		{"Jones, Dave", "", "s004", "", "Section A", "", "", "", ""},
		{"Brock, Erin", "", "s005", "ebrock", "Section B", "0", "0", "0", "0"},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("canvas:\n%q\nwant\n%q", rows, want)
	}

	// bob's cache hit errored: with bob on the roster, that cell is no
	// grade, and so is his skipped check (a skip may wait on the error);
	// his others are numbers.
	ro, err := ReadRoster(strings.NewReader("submission,id\nbob,s002\n"), "r.csv")
	if err != nil {
		t.Fatal(err)
	}
	buf.Reset()
	if err := Moodle(&buf, formatsFixture(), ro); err != nil {
		t.Fatal(err)
	}
	if got, want := buf.String(), "Full name,ID number,Email address,\"sql-join: result: orders, customers\",sql-join: uses index,sql-join: cache hit,sql-join: second query\n,s002,,1,0,-,-\n"; got != want {
		t.Errorf("moodle:\n%s\nwant\n%s", got, want)
	}
}

func TestLMSUnmatchable(t *testing.T) {
	tests := []struct {
		name, roster string
		render       func(*bytes.Buffer, *Roster) error
		wantErr      string
	}{
		{"canvas without id or login", "submission,email\nalice,a@x\nbob,b@x\n",
			func(b *bytes.Buffer, ro *Roster) error { return Canvas(b, formatsFixture(), ro) },
			"canvas: 2 students have no id and no login in the roster: Canvas matches a student by SIS User ID or SIS Login ID\n  r.csv:2: alice\n  r.csv:3: bob"},
		{"moodle with neither column full", "submission,id,email\nalice,s1,\nbob,,b@x\n",
			func(b *bytes.Buffer, ro *Roster) error { return Moodle(b, formatsFixture(), ro) },
			"moodle: Moodle matches every row by one column, email or id, and the roster fills neither on every row: give every student an email (or every one an id); 1 student has no email\n  r.csv:2: alice"},
		{"moodle with logins only", "submission,login\nalice,al\n",
			func(b *bytes.Buffer, ro *Roster) error { return Moodle(b, formatsFixture(), ro) },
			"moodle: Moodle matches every row by one column, email or id, and the roster fills neither on every row: give every student an email (or every one an id); 1 student has no email\n  r.csv:2: alice"},
		{"no roster", "",
			func(b *bytes.Buffer, _ *Roster) error { return Canvas(b, formatsFixture(), nil) },
			"canvas: no roster: an LMS file needs one to name the students (--roster FILE)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ro *Roster
			if tt.roster != "" {
				var err error
				if ro, err = ReadRoster(strings.NewReader(tt.roster), "r.csv"); err != nil {
					t.Fatal(err)
				}
			}
			var buf bytes.Buffer
			err := tt.render(&buf, ro)
			if err == nil || err.Error() != tt.wantErr {
				t.Errorf("error:\n%v\nwant\n%s", err, tt.wantErr)
			}
			if buf.Len() != 0 {
				t.Errorf("wrote %q despite the error", buf.String())
			}
		})
	}
}

func TestReadRoster(t *testing.T) {
	tests := []struct {
		name, in, wantErr string
	}{
		{"empty", "", "r.csv:1: empty roster: the first line names the columns (submission,name,id,email,section,login)"},
		{"unknown column", "submission,emial\n", "r.csv:1: unknown column \"emial\" (known: submission, name, id, email, section, login)\nr.csv:1: no id, email or login column: the LMS matches students by one of them"},
		{"no submission column", "name,id\n", "r.csv:1: no submission column: it names each student's submission folder"},
		{"column twice", "submission,id,ID\n", "r.csv:1: column \"id\" is given twice"},
		{"duplicates", "submission,id,email\nann,1,a@x\nann,2,b@x\nbob,1,A@X\n",
			"r.csv:3: submission ann is already on line 2\nr.csv:4: id 1 is already ann's, on line 2\nr.csv:4: email A@X is already ann's, on line 2"},
		{"no identity", "submission,id,email\nann,,\n,1,\n", "r.csv:2: ann has no id, email or login: no LMS could match the grade to a student\nr.csv:3: no submission folder"},
		{"login alone is enough to read", "submission,login\nann,ann1\n", ""},
		{"field count", "submission,id\nann,1\nbob,2,extra\ncid,3\n", "r.csv:3: wrong number of fields"},
		{"bad quote", "submission,id\nann,\"1\n", "r.csv:2: extraneous or missing \" in quoted-field"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadRoster(strings.NewReader(tt.in), "r.csv")
			if tt.wantErr == "" && err != nil {
				t.Errorf("error: %v, want none", err)
			}
			if tt.wantErr != "" && (err == nil || err.Error() != tt.wantErr) {
				t.Errorf("error:\n%v\nwant\n%s", err, tt.wantErr)
			}
		})
	}

	ro := readFixtureRoster(t)
	unknown, missing := ro.Unmatched(formatsFixture())
	if !reflect.DeepEqual(unknown, []string{"bob"}) {
		t.Errorf("unknown = %q, want [bob]", unknown)
	}
	if len(missing) != 1 || missing[0].Submission != "frank" || missing[0].Line != 6 {
		t.Errorf("missing = %+v, want frank on line 6", missing)
	}
	if s, _ := ro.Lookup("alice"); s != (Student{Submission: "alice", Name: "Liddell, Alice", ID: "s001", Email: "alice@uni.example", Section: "Section A", Login: "aliddell", Line: 2}) {
		t.Errorf("alice = %+v", s)
	}
}

// TestLMSReadByTheirParsers: Canvas's gradebook import parses CSV with
// Ruby's CSV library, Moodle's csv_import_reader with PHP's fgetcsv; each
// reads the files, strictly, into the rows and cells meant, and the
// formula-looking name stays text.
func TestLMSReadByTheirParsers(t *testing.T) {
	ro := readFixtureRoster(t)
	dir := t.TempDir()
	files := map[string]func(*bytes.Buffer) error{
		"canvas.csv": func(b *bytes.Buffer) error { return Canvas(b, formatsFixture(), ro) },
		"moodle.csv": func(b *bytes.Buffer) error { return Moodle(b, formatsFixture(), ro) },
	}
	want := map[string][][]string{}
	for name, render := range files {
		var buf bytes.Buffer
		if err := render(&buf); err != nil {
			t.Fatal(err)
		}
		rows, err := csv.NewReader(bytes.NewReader(buf.Bytes())).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		want[name] = rows
		if err := os.WriteFile(filepath.Join(dir, name), buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	parse := func(out string, err error) [][]string {
		t.Helper()
		if err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		var rows [][]string
		if err := json.Unmarshal([]byte(out), &rows); err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		return rows
	}
	ruby := consumer(t, "ruby")
	canvas := filepath.Join(dir, "canvas.csv")
	got := parse(runConsumer(t, ruby, "-rcsv", "-rjson", "-e",
		`rows = CSV.read(ARGV[0], encoding: "bom|utf-8", liberal_parsing: false); puts JSON.generate(rows.map { |r| r.map { |c| c.to_s } })`, canvas))
	if !reflect.DeepEqual(got, want["canvas.csv"]) {
		t.Errorf("Ruby's CSV reads canvas.csv as\n%q\nwant\n%q", got, want["canvas.csv"])
	}
	// Ruby's CSV is strict: it is not reading anything at all.
	bad := filepath.Join(dir, "bad.csv")
	if err := os.WriteFile(bad, []byte("Student,ID\n\"Doe\" Jane,1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := runConsumer(t, ruby, "-rcsv", "-e", `CSV.read(ARGV[0])`, bad); err == nil {
		t.Errorf("Ruby's CSV reads a stray quote without complaint:\n%s", out)
	}
	php := consumer(t, "php")
	moodle := filepath.Join(dir, "moodle.csv")
	got = parse(runConsumer(t, php, "-r",
		`$f = fopen($argv[1], "r"); $rows = []; while (($r = fgetcsv($f, 0, ",", '"', "\\")) !== false) { $rows[] = $r; } echo json_encode($rows);`, moodle))
	if !reflect.DeepEqual(got, want["moodle.csv"]) {
		t.Errorf("PHP's fgetcsv reads moodle.csv as\n%q\nwant\n%q", got, want["moodle.csv"])
	}
}

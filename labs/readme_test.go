package labs

import (
	"os"
	"strings"
	"testing"
	"testing/fstest"
)

// TestReadmeExample: the annotated lab.yaml of README.md loads and
// validates against the schema, so the documentation cannot drift.
func TestReadmeExample(t *testing.T) {
	doc, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(doc), "## lab.yaml, annotated")
	if !ok {
		t.Fatal("README.md has no annotated example")
	}
	_, rest, _ = strings.Cut(rest, "```yaml\n")
	example, _, ok := strings.Cut(rest, "```")
	if !ok {
		t.Fatal("the example's code block does not end")
	}
	file := func(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s), Mode: 0o644} }
	fsys := fstest.MapFS{
		"sql-join/lab.yaml":                      file(example),
		"sql-join/README.md":                     file("# Task\n"),
		"sql-join/fixtures/schema.sql":           file("CREATE TABLE customers (id int);\n"),
		"sql-join/fixtures/seed.sql":             file("INSERT INTO customers VALUES (1);\n"),
		"sql-join/fixtures/variant-seed.sql":     file("INSERT INTO customers VALUES (2);\n"),
		"sql-join/fixtures/site/index.html":      file("<h1>shop</h1>\n"),
		"sql-join/starter/solution.sql":          file("SELECT 1;\n"),
		"sql-join/solution/solution.sql":         file("SELECT 2;\n"),
		"sql-join/wrong/inner-join/solution.sql": file("SELECT 3;\n"),
	}
	if _, err := Load(fsys, "sql-join"); err != nil {
		t.Errorf("the README example does not load:\n%v", err)
	}
	if err := compileSchema(t).Validate(yamlInstance(t, []byte(example))); err != nil {
		t.Errorf("the README example does not validate against the schema:\n%v", err)
	}
}

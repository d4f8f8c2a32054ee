package cli

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/labrunner/labrunner/labs"
)

func TestSchemaCommand(t *testing.T) {
	c := newCatalogTest(t)
	out, _, code := c.run(false, "schema")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	if doc["$schema"] != "https://json-schema.org/draft/2020-12/schema" {
		t.Errorf("$schema = %v", doc["$schema"])
	}
	if !bytes.Equal([]byte(out), labs.Schema()) {
		t.Error("output differs from labs.Schema()")
	}
	if _, _, code := c.run(false, "schema", "extra"); code != ExitUsage {
		t.Errorf("an argument: exit %d, want 2", code)
	}
}

// TestSchemaCommandTracks: --tracks prints the schema of tracks.yaml.
func TestSchemaCommandTracks(t *testing.T) {
	c := newCatalogTest(t)
	out, errOut, code := c.run(false, "schema", "--tracks")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	if doc["title"] != "labrunner tracks.yaml" {
		t.Errorf("title = %v", doc["title"])
	}
	if !bytes.Equal([]byte(out), labs.TracksSchema()) {
		t.Error("output differs from labs.TracksSchema()")
	}
}

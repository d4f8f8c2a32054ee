package labs

import (
	"bytes"
	"os"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// compileTracksSchema compiles TracksSchema with a draft 2020-12
// validator, as yaml-language-server reads it.
func compileTracksSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(TracksSchema()))
	if err != nil {
		t.Fatalf("schema is not JSON: %v", err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	if err := c.AddResource(TracksSchemaFile, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(TracksSchemaFile)
	if err != nil {
		t.Fatalf("schema does not compile: %v", err)
	}
	return s
}

// TestTracksSchema: the bundled tracks.yaml validates against the schema
// its first line names; what the loader refuses for its shape, the schema
// refuses too.
func TestTracksSchema(t *testing.T) {
	s := compileTracksSchema(t)
	b, err := os.ReadFile(TracksFile)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte("# yaml-language-server: $schema="+TracksSchemaFile+"\n")) {
		t.Errorf("%s does not start with its yaml-language-server schema line", TracksFile)
	}
	if err := s.Validate(yamlInstance(t, b)); err != nil {
		t.Errorf("%s does not validate: %v", TracksFile, err)
	}
	for _, ok := range []string{
		"tracks: [{id: a, title: A, labs: [b]}]\n",
		"tracks: [{id: a, title: A, description: D, labs: [b, c]}]\nrequires: {y: [b]}\nx-note: 1\n",
	} {
		if err := s.Validate(yamlInstance(t, []byte(ok))); err != nil {
			t.Errorf("schema refuses %q: %v", ok, err)
		}
	}
	for _, bad := range []string{
		"requires: {}\n",
		"tracks: []\n",
		"tracks: [{id: a, title: A, labs: []}]\n",
		"tracks: [{id: a, labs: [b]}]\n",
		"tracks: [{id: Not Slug, title: A, labs: [b]}]\n",
		"tracks: [{id: a, title: A, labs: [b, b]}]\n",
		"tracks: [{id: a, title: A, labs: [b], titel: B}]\n",
		"tracks: [{id: a, title: A, labs: [b]}]\nrequires: {b: c}\n",
		"tracks: [{id: a, title: A, labs: [b]}]\nextra: 1\n",
	} {
		if err := s.Validate(yamlInstance(t, []byte(bad))); err == nil {
			t.Errorf("schema accepts %q", bad)
		}
		if _, err := LoadTracks(tracksFS(bad), ".", nil); err == nil {
			t.Errorf("loader accepts %q", bad)
		}
	}
}

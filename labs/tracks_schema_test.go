package labs

import (
	"bytes"
	"os"
	"reflect"
	"slices"
	"strings"
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

// TestTracksSchemaFile keeps tracks.schema.json, which editors read, equal
// to TracksSchema; refresh it with -update.
func TestTracksSchemaFile(t *testing.T) {
	if *update {
		if err := os.WriteFile(TracksSchemaFile, TracksSchema(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	b, err := os.ReadFile(TracksSchemaFile)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b, TracksSchema()) {
		t.Errorf("%s is stale; run go test ./labs -run TestTracksSchemaFile -update", TracksSchemaFile)
	}
}

// TestTracksSchemaDescribesEveryField keeps tracksSchemaFields in step with
// the fields of tracks.yaml, and the decoder's allowed fields with them.
func TestTracksSchemaDescribesEveryField(t *testing.T) {
	for _, typ := range []reflect.Type{reflect.TypeOf(tracksFile{}), reflect.TypeOf(Track{})} {
		for _, f := range fieldsOf(typ) {
			key := typ.Name() + "." + f.name
			if d, _ := tracksSchemaFields[key]["description"].(string); d == "" {
				t.Errorf("tracksSchemaFields[%q] has no description", key)
			}
		}
	}
	for key := range tracksSchemaFields {
		typ, name, _ := strings.Cut(key, ".")
		allowed := map[string][]string{"tracksFile": tracksFileFields, "Track": trackFields}[typ]
		if !slices.Contains(allowed, name) {
			t.Errorf("tracksSchemaFields[%q] names no field", key)
		}
	}
	if want := []string{"tracks", "requires"}; !slices.Equal(tracksFileFields, want) {
		t.Errorf("tracks.yaml fields = %q, want %q", tracksFileFields, want)
	}
	if want := []string{"id", "title", "description", "labs"}; !slices.Equal(trackFields, want) {
		t.Errorf("track fields = %q, want %q", trackFields, want)
	}
}

package labs

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v3"

	"github.com/labrunner/labrunner/checks"
)

// compileSchema compiles Schema with a draft 2020-12 validator.
func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(Schema()))
	if err != nil {
		t.Fatalf("schema is not JSON: %v", err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	if err := c.AddResource("lab.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("lab.schema.json")
	if err != nil {
		t.Fatalf("schema does not compile: %v", err)
	}
	return s
}

// yamlInstance converts a lab.yaml into the JSON value a validator reads.
func yamlInstance(t *testing.T, data []byte) any {
	t.Helper()
	var v any
	if err := yaml.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return inst
}

// TestSchemaFile keeps lab.schema.json, which editors read, equal to
// Schema; refresh it with -update.
func TestSchemaFile(t *testing.T) {
	if *update {
		if err := os.WriteFile(SchemaFile, Schema(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	b, err := os.ReadFile(SchemaFile)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b, Schema()) {
		t.Errorf("%s is stale; run go test ./labs -run TestSchemaFile -update", SchemaFile)
	}
}

// TestSchemaAcceptsLabs: every bundled lab and every valid testdata lab
// validates against the schema.
func TestSchemaAcceptsLabs(t *testing.T) {
	s := compileSchema(t)
	files, _ := filepath.Glob("*/" + FileName)
	valid, _ := filepath.Glob("testdata/valid-*.yaml")
	files = append(files, valid...)
	files = append(files, "testdata/demo/"+FileName)
	if len(files) < 4 {
		t.Fatalf("too few labs found: %v", files)
	}
	for _, file := range files {
		t.Run(file, func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Validate(yamlInstance(t, data)); err != nil {
				t.Errorf("%s does not validate:\n%v", file, err)
			}
		})
	}
}

// TestSchemaRejects: what the loader rejects as unknown or out of range,
// the schema rejects too.
func TestSchemaRejects(t *testing.T) {
	s := compileSchema(t)
	demo, err := os.ReadFile("testdata/demo/" + FileName)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		// mention is what the validator's message must name: the unknown
		// field, or the place of the bad value.
		name, old, new, mention string
	}{
		{"unknown top-level field", "title: Demo lab", "titel: Demo lab", "titel"},
		{"unknown field in a check", "    ordered: true", "    orderd: true", "orderd"},
		{"unknown field in another check type", "    query: SELECT count(*) > 0 FROM items", "    query: SELECT 1\n    expectd: \"1\"", "expectd"},
		{"unknown check type", "type: sql.result", "type: sql.reslt", "/checks/1/type"},
		{"unknown field in a service", "    database: shop", "    databse: shop", "databse"},
		{"unknown difficulty", "difficulty: intermediate", "difficulty: expert", "/difficulty"},
		{"unknown service kind", "kind: nginx", "kind: nginks", "/services/web/kind"},
		{"unknown apply mode", "apply: query", "apply: run", "/submission/0/apply"},
		{"duration without unit", "estimate: 20m", "estimate: 20", "/estimate"},
		{"unsafe id", "id: demo", "id: ../demo", "/id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !bytes.Contains(demo, []byte(tt.old)) {
				t.Fatalf("demo lab.yaml has no %q", tt.old)
			}
			data := bytes.Replace(demo, []byte(tt.old), []byte(tt.new), 1)
			err := s.Validate(yamlInstance(t, data))
			if err == nil {
				t.Fatal("the schema accepts it")
			}
			if !strings.Contains(err.Error(), tt.mention) {
				t.Errorf("error does not mention %q:\n%v", tt.mention, err)
			}
			if _, lerr := Load(demoFS(t, data), "demo"); lerr == nil {
				t.Error("the loader accepts it")
			}
		})
	}
}

// TestSchemaHasEveryCheckType: each registered check type is in the
// schema with each of its fields.
func TestSchemaHasEveryCheckType(t *testing.T) {
	var doc struct {
		Defs map[string]struct {
			Properties map[string]struct {
				Enum []string `json:"enum"`
			} `json:"properties"`
			AdditionalProperties *bool `json:"additionalProperties"`
		} `json:"$defs"`
	}
	if err := json.Unmarshal(Schema(), &doc); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, ct := range checks.Types() {
		names = append(names, ct.Name)
		def, ok := doc.Defs["check."+ct.Name]
		if !ok {
			t.Errorf("no $defs/check.%s", ct.Name)
			continue
		}
		if def.AdditionalProperties == nil || *def.AdditionalProperties {
			t.Errorf("check.%s allows additional properties", ct.Name)
		}
		for _, f := range fieldsOf(reflect.TypeOf(ct.New()).Elem()) {
			if _, ok := def.Properties[f.name]; !ok {
				t.Errorf("check.%s lacks field %q", ct.Name, f.name)
			}
		}
	}
	if got := doc.Defs["check"].Properties["type"].Enum; !slices.Equal(got, names) {
		t.Errorf("type enum = %v, want %v", got, names)
	}
}

// TestSchemaDescribesEveryField keeps schemaFields in step with the
// structs of lab.yaml.
func TestSchemaDescribesEveryField(t *testing.T) {
	seen := map[string]bool{}
	for _, v := range []any{Lab{}, Service{}, Serve{}, FileCopy{}, SubmissionFile{}, Hint{}, CheckDef{}, Variant{}, WrongSolution{}} {
		rt := reflect.TypeOf(v)
		for _, f := range fieldsOf(rt) {
			key := rt.Name() + "." + f.name
			seen[key] = true
			if d, _ := schemaFields[key]["description"].(string); d == "" {
				t.Errorf("schemaFields[%q] has no description", key)
			}
		}
	}
	for key := range schemaFields {
		if !seen[key] {
			t.Errorf("schemaFields[%q] names no field", key)
		}
	}
}

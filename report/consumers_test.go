package report

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/labrunner/labrunner/checks"
)

// consumer returns the path of a program that reads one of the formats
// and that no one here wrote (ajv, xmllint), or skips the test loudly when
// it is missing — unless CI=true, where a missing consumer fails the test,
// so that CI can never pass without having run it. scripts/test-deps.sh
// installs them.
func consumer(t *testing.T, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err == nil {
		return path
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("CI=true and no %s: %v (run scripts/test-deps.sh)", name, err)
	}
	t.Skipf("\n*** SKIPPING: %s not found (%v).\n*** Run scripts/test-deps.sh, or set CI=true to make this a failure.", name, err)
	return ""
}

// runConsumer runs a consumer and returns its exit error and output.
func runConsumer(t *testing.T, bin string, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, args...).CombinedOutput()
	if ctx.Err() != nil {
		t.Fatalf("%s did not finish: %v", filepath.Base(bin), ctx.Err())
	}
	return string(out), err
}

// ajvValidate validates each document against the results.json schema
// with ajv and returns whether each was accepted, and ajv's output.
func ajvValidate(t *testing.T, docs map[string]string) (map[string]bool, string) {
	t.Helper()
	ajv := consumer(t, "ajv")
	dir := t.TempDir()
	schema, err := filepath.Abs(filepath.Join("testdata", "exercism-results-v3.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	args := []string{"validate", "--spec=draft7", "--strict=true", "--all-errors", "-s", schema}
	paths := map[string]string{}
	for name, doc := range docs {
		path := filepath.Join(dir, name+".json")
		if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
		paths[name] = path
		args = append(args, "-d", path)
	}
	out, err := runConsumer(t, ajv, args...)
	if _, exit := err.(*exec.ExitError); err != nil && !exit {
		t.Fatalf("ajv: %v\n%s", err, out)
	}
	if strings.Contains(out, "is invalid") && strings.Contains(out, "schema ") {
		t.Fatalf("ajv finds the schema itself invalid:\n%s", out)
	}
	ok := map[string]bool{}
	for name, path := range paths {
		switch {
		case strings.Contains(out, path+" valid"):
			ok[name] = true
		case strings.Contains(out, path+" invalid"):
			ok[name] = false
		default:
			t.Fatalf("ajv said nothing of %s:\n%s", name, out)
		}
	}
	return ok, out
}

// TestJSONAcceptedByAjv: every results.json that JSON writes, the one in
// each entry of the batch index included, is valid to Exercism's
// interface as a JSON Schema validator reads it; and the validator does
// reject what breaks the interface, so the test is not vacuous.
func TestJSONAcceptedByAjv(t *testing.T) {
	docs := map[string]string{}
	for i, r := range formatsFixture() {
		var buf bytes.Buffer
		if err := JSON(&buf, r); err != nil {
			t.Fatal(err)
		}
		docs[fmt.Sprintf("results-%d", i+1)] = buf.String()
	}
	long := strings.Repeat("x", 600)
	r := checks.Report{Lab: "l", Results: []checks.Result{{Name: "c", Status: checks.Fail, Output: long, Code: "name: c"}}}
	r.Summarize()
	var capped bytes.Buffer
	if err := JSON(&capped, r); err != nil {
		t.Fatal(err)
	}
	docs["capped"] = capped.String()

	bad := map[string]string{
		"bad-extra-key":        `{"version": 3, "status": "pass", "tests": [], "score": 3}`,
		"bad-error-no-message": `{"version": 3, "status": "error", "tests": []}`,
		"bad-long-output":      `{"version": 3, "status": "fail", "tests": [{"name": "c", "status": "fail", "output": "` + long + `"}]}`,
		"bad-pass-with-fail":   `{"version": 3, "status": "pass", "tests": [{"name": "c", "status": "fail"}]}`,
		"bad-skip-status":      `{"version": 3, "status": "fail", "tests": [{"name": "c", "status": "skip"}]}`,
		"bad-fail-message":     `{"version": 3, "status": "fail", "message": "why", "tests": [{"name": "c", "status": "fail"}]}`,
	}
	for k, v := range bad {
		docs[k] = v
	}
	ok, log := ajvValidate(t, docs)
	for name := range docs {
		if want := !strings.HasPrefix(name, "bad-"); ok[name] != want {
			t.Errorf("%s: ajv accepted %v, want %v:\n%s", name, ok[name], want, docs[name])
		}
	}
	t.Logf("ajv said:\n%s", log)
}

// TestJUnitAcceptedByXmllint: the JUnit XML is valid to the Jenkins
// junit-10 schema as xmllint reads it, and xmllint rejects the skipped
// attribute on <testsuites> that the schema forbids.
func TestJUnitAcceptedByXmllint(t *testing.T) {
	xmllint := consumer(t, "xmllint")
	dir := t.TempDir()
	var buf bytes.Buffer
	if err := JUnit(&buf, formatsFixture()); err != nil {
		t.Fatal(err)
	}
	good := filepath.Join(dir, "junit.xml")
	if err := os.WriteFile(good, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	xsd := filepath.Join("testdata", "junit-10.xsd")
	out, err := runConsumer(t, xmllint, "--noout", "--schema", xsd, good)
	if err != nil {
		t.Errorf("xmllint rejects the JUnit output: %v\n%s", err, out)
	}
	t.Logf("xmllint said: %s", out)

	bad := filepath.Join(dir, "bad.xml")
	old := strings.Replace(buf.String(), "<testsuites ", `<testsuites skipped="1" `, 1)
	if err := os.WriteFile(bad, []byte(old), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := runConsumer(t, xmllint, "--noout", "--schema", xsd, bad); err == nil || !strings.Contains(out, "skipped") {
		t.Errorf("xmllint accepts skipped on <testsuites>: %v\n%s", err, out)
	}
}

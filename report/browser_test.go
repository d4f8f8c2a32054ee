package report

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// chromium is where Debian's chromium package installs the browser;
// scripts/test-deps.sh installs it.
const chromium = "/usr/bin/chromium"

// browser returns the chromium binary, or skips the test loudly when it is
// missing — unless CI=true, where a missing browser fails the test, so
// that CI can never pass without having run it.
func browser(t *testing.T) string {
	t.Helper()
	ci := os.Getenv("CI") == "true"
	if testing.Short() && !ci {
		t.Skip("browser test: skipped with -short")
	}
	if _, err := os.Stat(chromium); err != nil {
		if ci {
			t.Fatalf("CI=true and no browser: %v (run scripts/test-deps.sh)", err)
		}
		t.Skipf("\n*** SKIPPING BROWSER TEST: %s not found (%v).\n*** Run scripts/test-deps.sh, or set CI=true to make this a failure.", chromium, err)
	}
	return chromium
}

// runChromium runs headless chromium with a throwaway profile and returns
// its standard output.
func runChromium(t *testing.T, bin string, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	base := []string{
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--hide-scrollbars", "--user-data-dir=" + t.TempDir(), "--window-size=1200,900",
	}
	cmd := exec.CommandContext(ctx, bin, append(base, args...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return stdout.Bytes()
}

// TestHTMLInBrowser loads the HTML report in headless Chromium: the page
// renders (a screenshot that is not blank) and its filter script runs
// (the DOM it leaves behind). Set REPORT_SCREENSHOT=<file.png> to keep
// the screenshot and look at it.
func TestHTMLInBrowser(t *testing.T) {
	bin := browser(t)
	dir := t.TempDir()
	page := filepath.Join(dir, "report.html")
	f, err := os.Create(page)
	if err != nil {
		t.Fatal(err)
	}
	if err := HTML(f, fixture(), HTMLOptions{Generated: time.Date(2025, 3, 14, 9, 26, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	url := "file://" + page

	t.Run("screenshot", func(t *testing.T) {
		shot := filepath.Join(dir, "report.png")
		runChromium(t, bin, "--screenshot="+shot, url)
		data, err := os.ReadFile(shot)
		if err != nil {
			t.Fatalf("no screenshot: %v", err)
		}
		img, err := png.Decode(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("screenshot is not a PNG: %v", err)
		}
		if b := img.Bounds(); b.Dx() != 1200 || b.Dy() != 900 {
			t.Errorf("screenshot is %v, want 1200×900", b)
		}
		// A rendered page has many colours; a blank or error page has few.
		colours := map[uint32]bool{}
		b := img.Bounds()
		for y := b.Min.Y; y < b.Max.Y; y += 3 {
			for x := b.Min.X; x < b.Max.X; x += 3 {
				r, g, bl, _ := img.At(x, y).RGBA()
				colours[r>>8<<16|g>>8<<8|bl>>8] = true
			}
		}
		if len(colours) < 20 {
			t.Errorf("screenshot looks blank: %d colours", len(colours))
		}
		if keep := os.Getenv("REPORT_SCREENSHOT"); keep != "" {
			if err := os.WriteFile(keep, data, 0o644); err != nil {
				t.Error(err)
			}
		}
	})

	row := regexp.MustCompile(`<tr data-name="[^"]*" data-status="\w+"( hidden="")?>`)
	tests := []struct {
		name, fragment, shown string
		hidden                []bool // per student row, sorted by name
	}{
		{"no filter", "", "4 of 4 shown", []bool{false, false, false, false}},
		{"by name", "#q=BO", "1 of 4 shown", []bool{true, true, false, true}},
		{"by status", "#status=fail", "2 of 4 shown", []bool{false, true, false, true}},
		{"no match", "#q=zed", "0 of 4 shown", []bool{true, true, true, true}},
	}
	for _, tt := range tests {
		t.Run("dom "+tt.name, func(t *testing.T) {
			dom := string(runChromium(t, bin, "--dump-dom", url+tt.fragment))
			if !strings.Contains(dom, `data-ready="true"`) {
				t.Fatalf("the page's script did not run to its end:\n%s", dom)
			}
			if !strings.Contains(dom, `<span id="shown" aria-live="polite">`+tt.shown+`</span>`) {
				t.Errorf("count %q not shown", tt.shown)
			}
			rows := row.FindAllStringSubmatch(dom, -1)
			if len(rows) != len(tt.hidden) {
				t.Fatalf("%d student rows in the DOM, want %d", len(rows), len(tt.hidden))
			}
			for i, r := range rows {
				if got := r[1] != ""; got != tt.hidden[i] {
					t.Errorf("row %d (%s): hidden %v, want %v", i, r[0], got, tt.hidden[i])
				}
			}
			if strings.Contains(dom, "<script>alert") {
				t.Errorf("the learner's script is in the DOM as an element")
			}
		})
	}
}

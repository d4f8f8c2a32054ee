package report

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"html"
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
	if err := HTML(f, formatsFixture(), HTMLOptions{Generated: time.Date(2025, 3, 14, 9, 26, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	url := "file://" + page
	carol := `=carol "c.j." o'neil, 100%`
	names := []string{carol, "alice", "bob", "dave", "erin"}

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
		keep := os.Getenv("REPORT_SCREENSHOT")
		if keep == "" {
			keep = filepath.Join(os.TempDir(), "labrunner-report.png")
		}
		if err := os.WriteFile(keep, data, 0o644); err != nil {
			t.Error(err)
		}
		t.Logf("screenshot of the report (%d colours): %s", len(colours), keep)
	})

	row := regexp.MustCompile(`<tr data-name="([^"]*)" data-status="\w+"([^>]*)>`)
	tests := []struct {
		name, fragment, shown string
		order                 []string // the student rows, in the DOM's order
		hidden                []bool   // per row, in that order
		sorted                string   // the header the DOM says is sorted, and how
	}{
		{"no filter", "", "5 of 5 shown", names, []bool{false, false, false, false, false}, `submission`},
		{"by name", "#q=BO", "1 of 5 shown", names, []bool{true, true, false, true, true}, `submission`},
		{"by status", "#status=fail", "3 of 5 shown", names, []bool{false, true, false, true, false}, `submission`},
		{"no match", "#q=zed", "0 of 5 shown", names, []bool{true, true, true, true, true}, `submission`},
		{"sorted by score, highest first", "#sort=score-desc", "5 of 5 shown",
			[]string{"alice", carol, "bob", "dave", "erin"}, []bool{false, false, false, false, false}, `score`},
		{"sorted by a check, passes first; ties by name", "#sort=c2-asc", "5 of 5 shown",
			[]string{carol, "alice", "bob", "erin", "dave"}, []bool{false, false, false, false, false}, `uses index`},
		{"sorted and filtered", "#status=fail&sort=name-desc", "3 of 5 shown",
			[]string{"erin", "dave", "bob", "alice", carol}, []bool{false, true, false, true, false}, `submission`},
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
				if got := html.UnescapeString(r[1]); got != tt.order[i] {
					t.Errorf("row %d is %q, want %q", i, got, tt.order[i])
				}
				if got := strings.Contains(r[2], `hidden=""`); got != tt.hidden[i] {
					t.Errorf("row %d (%s): hidden %v, want %v", i, r[0], got, tt.hidden[i])
				}
			}
			if n := len(regexp.MustCompile(`<th[^>]* aria-sort=`).FindAllString(dom, -1)); n != 1 {
				t.Errorf("%d headers say they are sorted, want 1", n)
			}
			sortedTh := regexp.MustCompile(`aria-sort="(ascending|descending)"[^>]*><button type="button" class="sort" data-key="[^"]*">([^<]*)</button>`).FindStringSubmatch(dom)
			if sortedTh == nil || sortedTh[2] != tt.sorted {
				t.Errorf("sorted header %v, want %q", sortedTh, tt.sorted)
			}
			if strings.Contains(dom, "<script>alert") {
				t.Errorf("the learner's script is in the DOM as an element")
			}
			// bob's file is in the page, as text.
			if !strings.Contains(dom, `<details class="file"><summary>solution.sql`) || !strings.Contains(dom, `-- &lt;/pre&gt;&lt;script&gt;alert(1)&lt;/script&gt;`) {
				t.Errorf("bob's submitted file is not in the DOM as text")
			}
		})
	}
}

// TestHTMLInBrowserOpensFiles: a click on a file's summary opens it in
// place, and a click on a header sorts by it, in a real browser: the
// test's page script clicks, as a user would, and the DOM after it is
// read back.
func TestHTMLInBrowserOpensFiles(t *testing.T) {
	bin := browser(t)
	dir := t.TempDir()
	var buf bytes.Buffer
	if err := HTML(&buf, formatsFixture(), HTMLOptions{}); err != nil {
		t.Fatal(err)
	}
	// The report's CSP allows its own script only: the click script is
	// added with its hash, as a user's click would need no script at all.
	click := `document.querySelector("details.file > summary").click();` +
		`document.querySelector('button[data-key="score"]').click();` +
		`document.documentElement.setAttribute("data-clicked", "true");`
	sum := sha256.Sum256([]byte(click))
	page := strings.Replace(buf.String(), "script-src ", "script-src &#39;sha256-"+base64.StdEncoding.EncodeToString(sum[:])+"&#39; ", 1)
	page = strings.Replace(page, "</body>", "<script>"+click+"</script>\n</body>", 1)
	path := filepath.Join(dir, "report.html")
	if err := os.WriteFile(path, []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	dom := string(runChromium(t, bin, "--dump-dom", "file://"+path))
	if !strings.Contains(dom, `data-clicked="true"`) {
		t.Fatalf("the click script did not run:\n%s", dom)
	}
	if !strings.Contains(dom, `<details class="file" open=""><summary>solution.sql`) {
		t.Errorf("the file did not open in place")
	}
	// One click on score: highest first.
	rows := regexp.MustCompile(`<tr data-name="([^"]*)"`).FindAllStringSubmatch(dom, -1)
	if len(rows) == 0 || rows[0][1] != "alice" || len(rows) != 5 {
		t.Errorf("after a click on score the first row is %v, want alice (5/5)", rows)
	}
	if !strings.Contains(dom, "#sort=score-desc") && !strings.Contains(dom, `aria-sort="descending"`) {
		t.Errorf("the score header does not say it sorts descending")
	}
}

package report

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"html"
	"regexp"
	"strings"
	"testing"

	"github.com/labrunner/labrunner/checks"
)

func renderHTML(t *testing.T) string {
	t.Helper()
	var buf bytes.Buffer
	if err := HTML(&buf, fixture(), HTMLOptions{Title: `Class <b>"A"</b>`}); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestHTMLEscapesLearnerText(t *testing.T) {
	out := renderHTML(t)
	if n := strings.Count(out, "<script"); n != 1 {
		t.Errorf("%d <script elements, want only the report's own", n)
	}
	if strings.Contains(out, `<script>alert`) || strings.Contains(out, `<b>"A"`) {
		t.Errorf("learner or caller markup reached the page unescaped")
	}
	if !strings.Contains(out, `&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;`) {
		t.Errorf("the learner's <script> is not shown escaped")
	}
	if !strings.Contains(out, `<title>Class &lt;b&gt;&#34;A&#34;&lt;/b&gt;</title>`) {
		t.Errorf("title not escaped")
	}
	if strings.ContainsRune(out, '\x1b') {
		t.Errorf("an escape character reached the page")
	}
}

func TestHTMLContentSecurityPolicy(t *testing.T) {
	out := renderHTML(t)
	m := regexp.MustCompile(`(?s)<script>(.*)</script>`).FindStringSubmatch(out)
	if m == nil {
		t.Fatal("no script")
	}
	sum := sha256.Sum256([]byte(m[1]))
	want := "script-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
	// The attribute as a browser reads it: html/template escapes + and '.
	csp := regexp.MustCompile(`http-equiv="Content-Security-Policy" content="([^"]*)"`).FindStringSubmatch(out)
	if csp == nil || !strings.Contains(html.UnescapeString(csp[1]), want) {
		t.Errorf("the CSP does not allow the page's own script (%s)", want)
	}
	if !strings.Contains(out, "default-src &#39;none&#39;") {
		t.Errorf("the CSP does not deny loading by default")
	}
	for _, external := range []string{"http://", "https://", "src=", "<link"} {
		if strings.Contains(out, external) {
			t.Errorf("the page refers to something outside itself: %q", external)
		}
	}
}

func TestHTMLTables(t *testing.T) {
	out := renderHTML(t)
	rows := regexp.MustCompile(`<tr data-name="([^"]*)" data-status="(\w+)">`).FindAllStringSubmatch(out, -1)
	var got []string
	for _, r := range rows {
		got = append(got, r[1]+"="+r[2])
	}
	want := "=carol &#34;c.j.&#34; o&#39;neil, 100%=fail alice=pass bob=fail dave=error"
	if strings.Join(got, " ") != want {
		t.Errorf("student rows %q, want %q", strings.Join(got, " "), want)
	}
	for _, rate := range []string{
		`<td>result: orders, customers</td><td class="num">1</td><td class="num pass">2</td><td class="num fail">1</td>`,
		`value="66"></meter> 66% <span class="meta">(2/3)</span>`,
	} {
		if !strings.Contains(out, rate) {
			t.Errorf("check table lacks %q", rate)
		}
	}
}

func TestHTMLColumnsFilesAndDistribution(t *testing.T) {
	out := renderHTML(t)
	// The checks head their columns by name, each a sort button.
	for _, th := range []string{
		`<th class="check" title="result: orders, customers (1 points)"><button type="button" class="sort" data-key="c1">result: orders, customers</button></th>`,
		`<button type="button" class="sort" data-key="c4">second query</button>`,
		`<button type="button" class="sort" data-key="score">score</button>`,
	} {
		if !strings.Contains(out, th) {
			t.Errorf("no header %q", th)
		}
	}
	// bob's file is in the page, escaped, with its line count.
	if !strings.Contains(out, `<details class="file"><summary>solution.sql <span class="meta">(2 lines)</span></summary><pre>SELECT c.name, o.total`+"\n"+`FROM customers c JOIN orders o ON o.customer_id = c.id; -- &lt;/pre&gt;&lt;script&gt;alert(1)&lt;/script&gt;`) {
		t.Errorf("bob's submitted file is not shown, escaped")
	}
	// Scores 0 to 5: dave 0, bob 1, carol 4, alice 5.
	bins := regexp.MustCompile(`<g class="bin" data-score="(\d+)" data-count="(\d+)">`).FindAllStringSubmatch(out, -1)
	var got []string
	for _, b := range bins {
		got = append(got, b[1]+":"+b[2])
	}
	if want := "0:1 1:1 2:0 3:0 4:1 5:1"; strings.Join(got, " ") != want {
		t.Errorf("distribution %q, want %q", strings.Join(got, " "), want)
	}
}

func Test_distribution(t *testing.T) {
	tests := []struct {
		name   string
		scores []int
		max    int
		want   string
	}{
		{"none", nil, 0, "0:0"},
		{"one bin per score", []int{0, 2, 2, 3}, 3, "0:1 1:0 2:2 3:1"},
		{"ranges of 3 for 41 scores: at most 20 bars", []int{0, 19, 20, 21, 40}, 40, "0–2:1 3–5:0 6–8:0 9–11:0 12–14:0 15–17:0 18–20:2 21–23:1 24–26:0 27–29:0 30–32:0 33–35:0 36–38:0 39–40:1"},
		{"a score over the max counts in the last bin", []int{5}, 3, "0:0 1:0 2:0 3:1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var rs []checks.Report
			for _, s := range tt.scores {
				rs = append(rs, checks.Report{Score: s})
			}
			var got []string
			for _, b := range distribution(rs, tt.max).Bins {
				got = append(got, fmt.Sprintf("%s:%d", b.Label, b.Count))
			}
			if strings.Join(got, " ") != tt.want {
				t.Errorf("bins %q, want %q", strings.Join(got, " "), tt.want)
			}
		})
	}
}

func TestHTMLNoReports(t *testing.T) {
	var buf bytes.Buffer
	if err := HTML(&buf, nil, HTMLOptions{Title: "empty"}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `<tbody id="rows">`) || strings.Contains(buf.String(), "<tr data-name") {
		t.Errorf("an empty report must render with no rows")
	}
}

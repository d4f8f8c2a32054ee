package report

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"regexp"
	"strings"
	"testing"
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
	want := "script-src &#39;sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "&#39;"
	if !strings.Contains(out, want) {
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

func TestHTMLNoReports(t *testing.T) {
	var buf bytes.Buffer
	if err := HTML(&buf, nil, HTMLOptions{Title: "empty"}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `<tbody id="rows">`) || strings.Contains(buf.String(), "<tr data-name") {
		t.Errorf("an empty report must render with no rows")
	}
}

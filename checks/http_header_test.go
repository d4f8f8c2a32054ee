package checks

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestHTTPHeaderByMeaning: a structured header passes in every spelling
// of the expected meaning and fails in any other meaning. Without the
// comparison by directives, `expires 30d; add_header Cache-Control
// public` (two header lines, "max-age=2592000" and "public") failed a
// check that accepts "public, max-age=2592000".
func TestHTTPHeaderByMeaning(t *testing.T) {
	assets := &HTTPHeader{Directives: map[string]string{"max-age": "2592000"}, AllowDirectives: []string{"public"}}
	pages := &HTTPHeader{Directives: map[string]string{"no-cache": ""}, AllowDirectives: []string{"must-revalidate", "public", "max-age"}}
	date := time.Date(2025, 1, 2, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		want   *HTTPHeader
		header http.Header
		msg    string // "" passes; else a substring of the message
	}{
		{"one spelling", assets, http.Header{"Cache-Control": {"max-age=2592000"}}, ""},
		{"public in front", assets, http.Header{"Cache-Control": {"public, max-age=2592000"}}, ""},
		{"public behind, two lines (expires + add_header)", assets, http.Header{"Cache-Control": {"max-age=2592000", "public"}}, ""},
		{"case and spacing", assets, http.Header{"Cache-Control": {"Public ,MAX-AGE=2592000 "}}, ""},
		{"quoted value", assets, http.Header{"Cache-Control": {`max-age="2592000"`}}, ""},
		{"leading zero", assets, http.Header{"Cache-Control": {"max-age=02592000"}}, ""},
		{"the same directive twice", assets, http.Header{"Cache-Control": {"max-age=2592000", "max-age=2592000, public"}}, ""},
		{"Expires stands for max-age", assets, http.Header{"Cache-Control": {"public"},
			"Date": {date.Format(http.TimeFormat)}, "Expires": {date.Add(30 * 24 * time.Hour).Format(http.TimeFormat)}}, ""},
		{"max-age wins over Expires", assets, http.Header{"Cache-Control": {"max-age=60"},
			"Date": {date.Format(http.TimeFormat)}, "Expires": {date.Add(30 * 24 * time.Hour).Format(http.TimeFormat)}}, "expected max-age=2592000"},
		{"another lifetime", assets, http.Header{"Cache-Control": {"max-age=86400"}}, "expected max-age=2592000"},
		{"conflicting lifetimes", assets, http.Header{"Cache-Control": {"max-age=2592000", "max-age=60"}}, "twice, with different values"},
		{"a directive that changes the meaning", assets, http.Header{"Cache-Control": {"max-age=2592000, no-store"}}, "whose no-store changes its meaning"},
		{"no max-age at all", assets, http.Header{"Cache-Control": {"public"}}, "lacks max-age"},
		{"missing", assets, http.Header{}, "is missing"},
		{"no-cache", pages, http.Header{"Cache-Control": {"no-cache"}}, ""},
		{"no-cache with must-revalidate", pages, http.Header{"Cache-Control": {"NO-CACHE", "must-revalidate"}}, ""},
		{"no-store is not no-cache", pages, http.Header{"Cache-Control": {"no-store"}}, "lacks no-cache"},
		{"no-cache with a lifetime of a month", pages, http.Header{"Cache-Control": {"no-cache"}, "Expires": {"x"}}, ""},
		{"a comma inside quotes", &HTTPHeader{Directives: map[string]string{"no-cache": "Set-Cookie, X-A"}}, http.Header{"Cache-Control": {`no-cache="set-cookie, x-a"`}}, ""},
		{"media type with a charset", &HTTPHeader{MediaType: "text/html"}, http.Header{"Content-Type": {"Text/HTML; charset=utf-8"}}, ""},
		{"another media type", &HTTPHeader{MediaType: "text/html"}, http.Header{"Content-Type": {"text/htmlx"}}, "expected the type text/html"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := "Cache-Control"
			if tt.want.MediaType != "" {
				k = "Content-Type"
			}
			if err := tt.want.validate("h"); err != nil {
				t.Fatal(err)
			}
			msg := tt.want.check(k, tt.header, true)
			if tt.msg == "" && msg != "" {
				t.Errorf("fails: %s", msg)
			}
			if tt.msg != "" && !strings.Contains(msg, tt.msg) {
				t.Errorf("message %q, want one containing %q", msg, tt.msg)
			}
		})
	}
}

func TestHTTPHeaderValidate(t *testing.T) {
	tests := []struct {
		name string
		h    *HTTPHeader
		msg  string
	}{
		{"directives and equals", &HTTPHeader{Match: Match{Equals: str("x")}, Directives: map[string]string{"a": ""}}, "cannot be combined"},
		{"allow without directives", &HTTPHeader{AllowDirectives: []string{"public"}}, "needs directives"},
		{"media type with parameters", &HTTPHeader{MediaType: "text/html; charset=utf-8"}, "is not a media type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.h.validate("h")
			if err == nil || !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("got %v, want %q", err, tt.msg)
			}
		})
	}
}

// TestHTTPHeaderMinDirectives: min_directives takes a number at least the
// one given, in Strict-Transport-Security's own syntax (semicolons), and
// the directives neither required nor allowed still change the meaning.
func TestHTTPHeaderMinDirectives(t *testing.T) {
	hsts := &HTTPHeader{MinDirectives: map[string]uint64{"max-age": 31536000}, AllowDirectives: []string{"includeSubDomains", "preload"}}
	tests := []struct {
		name  string
		value []string
		msg   string // "" passes; else a substring of the message
	}{
		{"exactly a year", []string{"max-age=31536000"}, ""},
		{"two years, with includeSubDomains", []string{"max-age=63072000; includeSubDomains"}, ""},
		{"quoted, any case, any order", []string{`preload; MAX-AGE="31536000"; includesubdomains`}, ""},
		{"a day", []string{"max-age=86400"}, "expected max-age=31536000 or more"},
		{"no max-age", []string{"includeSubDomains"}, "lacks max-age"},
		{"commas are not STS's separator", []string{"max-age=31536000, includeSubDomains"}, "expected max-age=31536000 or more"},
		{"not a number", []string{"max-age=forever"}, "expected max-age=31536000 or more"},
		{"an unknown directive", []string{"max-age=31536000; report-uri=x"}, "whose report-uri changes its meaning"},
		{"missing", nil, "is missing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := hsts.validate("h"); err != nil {
				t.Fatal(err)
			}
			hdr := http.Header{}
			for _, v := range tt.value {
				hdr.Add("Strict-Transport-Security", v)
			}
			msg := hsts.check("Strict-Transport-Security", hdr, true)
			if tt.msg == "" && msg != "" {
				t.Errorf("fails: %s", msg)
			}
			if tt.msg != "" && !strings.Contains(msg, tt.msg) {
				t.Errorf("message %q, want one containing %q", msg, tt.msg)
			}
		})
	}
	for _, tt := range []struct {
		name string
		h    *HTTPHeader
		msg  string
	}{
		{"min_directives and equals", &HTTPHeader{Match: Match{Equals: str("x")}, MinDirectives: map[string]uint64{"max-age": 1}}, "cannot be combined"},
		{"a directive in both", &HTTPHeader{Directives: map[string]string{"Max-Age": "1"}, MinDirectives: map[string]uint64{"max-age": 1}}, "min_directives: max-age is in directives too"},
		{"not a directive name", &HTTPHeader{MinDirectives: map[string]uint64{"max age": 1}}, `min_directives: "max age" is not a directive name`},
		{"and a media type", &HTTPHeader{MediaType: "text/html", MinDirectives: map[string]uint64{"max-age": 1}}, "set one of directives (or min_directives) and media_type"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.h.validate("h")
			if err == nil || !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("got %v, want %q", err, tt.msg)
			}
		})
	}
}

package images

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// Progress shows the images being fetched: on a terminal, a bar per image
// with sizes, redrawn in place; otherwise (a pipe, a CI log) one line per
// image when it is done, and one per fallback. A nil *Progress is silent.
type Progress struct {
	w     io.Writer
	tty   bool
	width int

	mu    sync.Mutex
	bars  []*bar
	drawn int
	last  time.Time
}

// NewProgress reports to w; tty selects the redrawn bars.
func NewProgress(w io.Writer, tty bool) *Progress {
	return &Progress{w: w, tty: tty, width: 100}
}

func (p *Progress) begin(wants []Want) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	var names []string
	for _, w := range wants {
		names = append(names, shortName(w.Ref))
	}
	noun := "images"
	if len(wants) == 1 {
		noun = "image"
	}
	fmt.Fprintf(p.w, "fetching %d %s: %s\n", len(wants), noun, strings.Join(names, ", "))
}

func (p *Progress) end() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.redraw(true)
	p.bars, p.drawn = nil, 0
}

// bar returns the bar of ref, made on first use.
func (p *Progress) bar(ref string) *bar {
	if p == nil {
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, b := range p.bars {
		if b.ref == ref {
			return b
		}
	}
	b := &bar{p: p, ref: ref, start: time.Now()}
	p.bars = append(p.bars, b)
	return b
}

// redraw draws every bar again on a terminal (at most 10 times a second
// unless force). The caller holds mu.
func (p *Progress) redraw(force bool) {
	if !p.tty || len(p.bars) == 0 || (!force && time.Since(p.last) < 100*time.Millisecond) {
		return
	}
	p.last = time.Now()
	var sb strings.Builder
	if p.drawn > 0 {
		fmt.Fprintf(&sb, "\x1b[%dA", p.drawn)
	}
	for _, b := range p.bars {
		sb.WriteString("\r\x1b[2K")
		sb.WriteString(clip(b.line(), p.width))
		sb.WriteByte('\n')
	}
	p.drawn = len(p.bars)
	io.WriteString(p.w, sb.String())
}

// bar is one image's line.
type bar struct {
	p          *Progress
	ref        string
	start      time.Time
	cur, total int64
	state      string // what is going on now
	final      string // set when done or failed
	failed     bool
}

func (b *bar) set(cur, total int64) {
	if b == nil {
		return
	}
	b.p.mu.Lock()
	defer b.p.mu.Unlock()
	b.cur, b.total = cur, total
	b.p.redraw(false)
}

// status says what the image's fetch is doing now.
func (b *bar) status(s string) {
	if b == nil {
		return
	}
	b.p.mu.Lock()
	defer b.p.mu.Unlock()
	b.state = s
	b.cur, b.total = 0, 0
	b.p.redraw(false)
}

// note reports a fallback: a line of its own when piped.
func (b *bar) note(s string) {
	if b == nil {
		return
	}
	b.p.mu.Lock()
	defer b.p.mu.Unlock()
	b.state = s
	if !b.p.tty {
		fmt.Fprintf(b.p.w, "  %s: %s\n", b.ref, s)
	}
	b.p.redraw(true)
}

func (b *bar) done(s string) { b.finish(s, false) }
func (b *bar) fail(s string) { b.finish(s, true) }

func (b *bar) finish(s string, failed bool) {
	if b == nil {
		return
	}
	b.p.mu.Lock()
	defer b.p.mu.Unlock()
	b.final, b.failed = s, failed
	if !b.p.tty {
		mark := "✓"
		if failed {
			mark = "✗"
		}
		fmt.Fprintf(b.p.w, "  %s %s %s in %.1f s\n", mark, b.ref, s, time.Since(b.start).Seconds())
	}
	b.p.redraw(true)
}

// line is the bar's text on a terminal.
func (b *bar) line() string {
	name := fmt.Sprintf("  %-10s ", shortName(b.ref))
	switch {
	case b.final != "" && b.failed:
		return name + "✗ " + b.final
	case b.final != "":
		return name + "✓ " + b.final
	case b.total > 0:
		const width = 24
		n := int(float64(width) * float64(b.cur) / float64(b.total))
		n = max(0, min(n, width))
		return fmt.Sprintf("%s[%s%s] %s / %s", name, strings.Repeat("=", n), strings.Repeat(" ", width-n), humanSize(b.cur), humanSize(b.total))
	case b.state != "":
		return name + b.state
	}
	return name + "waiting"
}

// shortName is the repository's last element and the tag: "postgres:15-3f2a…".
func shortName(ref string) string {
	if i := strings.LastIndexByte(ref, '/'); i >= 0 {
		return ref[i+1:]
	}
	return ref
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// humanSize is a byte count as "85 MB" (decimal units, as docker shows).
func humanSize(n int64) string {
	switch {
	case n >= 1e9:
		return fmt.Sprintf("%.2f GB", float64(n)/1e9)
	case n >= 1e6:
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	case n >= 1e3:
		return fmt.Sprintf("%.0f kB", float64(n)/1e3)
	}
	return fmt.Sprintf("%d B", n)
}

// HumanSize is humanSize, for `lab images list`.
func HumanSize(n int64) string { return humanSize(n) }

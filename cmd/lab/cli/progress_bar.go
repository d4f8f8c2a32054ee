package cli

import (
	"fmt"
	"strings"
	"sync"
)

// progressBar draws "[=====>    ] 12/40" on standard error when it is a
// terminal, and nothing otherwise.
type progressBar struct {
	io    *IOStreams
	total int
	mu    sync.Mutex
}

func newProgressBar(io *IOStreams, total int) *progressBar {
	b := &progressBar{io: io, total: total}
	b.set(0)
	return b
}

func (b *progressBar) set(done int) {
	if !b.io.ErrTTY || b.total == 0 {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	const width = 30
	n := done * width / b.total
	bar := strings.Repeat("=", n)
	if n < width {
		bar += ">" + strings.Repeat(" ", width-n-1)
	}
	fmt.Fprintf(b.io.ErrOut, "\r[%s] %d/%d", bar, done, b.total)
}

func (b *progressBar) finish() {
	if b.io.ErrTTY && b.total > 0 {
		fmt.Fprint(b.io.ErrOut, "\r\033[K")
	}
}

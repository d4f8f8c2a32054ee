package cli

import (
	"bytes"
	"io"
	"os"
	"strconv"

	"github.com/mattn/go-isatty"
	"github.com/muesli/termenv"
	"golang.org/x/term"
)

// IOStreams are the streams a command reads and writes. Data goes to Out;
// progress and status go to ErrOut. Nothing but main touches os.Stdout.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer
	// OutTTY and ErrTTY report whether Out and ErrOut are terminals.
	OutTTY bool
	ErrTTY bool
	// Color enables ANSI colour; it is decided once from the TTY, NO_COLOR,
	// TERM=dumb and --no-color.
	Color bool
	// Width is the width of Out in columns when it is a terminal whose
	// size is known, else 0 (see TerminalWidth).
	Width int
}

// defaultWidth is the width assumed for a terminal of unknown size, as
// gh assumes.
const defaultWidth = 80

// TerminalWidth is the width tables on Out fit: the terminal's, else
// COLUMNS, else 80.
func (s *IOStreams) TerminalWidth(getenv func(string) string) int {
	if s.Width > 0 {
		return s.Width
	}
	if w, err := strconv.Atoi(getenv("COLUMNS")); err == nil && w > 0 {
		return w
	}
	return defaultWidth
}

// System returns the process's streams and environment.
func System() *Deps {
	outTTY := isatty.IsTerminal(os.Stdout.Fd()) || isatty.IsCygwinTerminal(os.Stdout.Fd())
	errTTY := isatty.IsTerminal(os.Stderr.Fd()) || isatty.IsCygwinTerminal(os.Stderr.Fd())
	width := 0
	if outTTY {
		if w, _, err := term.GetSize(int(os.Stdout.Fd())); err == nil {
			width = w
		}
	}
	return &Deps{
		IO:      &IOStreams{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr, OutTTY: outTTY, ErrTTY: errTTY, Width: width},
		Getenv:  os.Getenv,
		Version: version,
	}
}

// TestStreams returns streams writing into buffers, not a terminal.
func TestStreams() (*IOStreams, *bytes.Buffer, *bytes.Buffer) {
	out, errOut := &bytes.Buffer{}, &bytes.Buffer{}
	return &IOStreams{In: &bytes.Buffer{}, Out: out, ErrOut: errOut}, out, errOut
}

// Palette styles text for a stream: colours when enabled, plain otherwise.
type Palette struct {
	profile termenv.Profile
}

// Palette returns the palette for this process's streams.
func (s *IOStreams) Palette() Palette {
	if s.Color {
		return Palette{profile: termenv.ANSI}
	}
	return Palette{profile: termenv.Ascii}
}

func (p Palette) style(s string, color string) string {
	return termenv.String(s).Foreground(p.profile.Color(color)).String()
}

// Green, Red and Yellow colour s when colour is on.
func (p Palette) Green(s string) string  { return p.style(s, "2") }
func (p Palette) Red(s string) string    { return p.style(s, "1") }
func (p Palette) Yellow(s string) string { return p.style(s, "3") }

// Dim makes s faint when colour is on.
func (p Palette) Dim(s string) string {
	if p.profile == termenv.Ascii {
		return s
	}
	return termenv.String(s).Faint().String()
}

// Bold makes s bold when colour is on.
func (p Palette) Bold(s string) string {
	if p.profile == termenv.Ascii {
		return s
	}
	return termenv.String(s).Bold().String()
}

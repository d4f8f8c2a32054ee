package runner

import (
	"fmt"
	"strconv"
	"strings"
)

// redisCommand is one command of a Redis fixture file and its line.
type redisCommand struct {
	line int
	args []string
}

// parseRedisCommands parses a fixture of Redis commands, one per line, as
// redis-cli reads them: words separated by blanks; "double quotes" with
// backslash escapes (\n \r \t \b \a \\ \" \xHH); 'single quotes' taken
// literally except \'. Blank lines and lines starting with # are skipped.
func parseRedisCommands(text string) ([]redisCommand, error) {
	var out []redisCommand
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		args, err := splitRedisLine(line)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", i+1, err)
		}
		out = append(out, redisCommand{line: i + 1, args: args})
	}
	return out, nil
}

func splitRedisLine(s string) ([]string, error) {
	var args []string
	for i := 0; ; {
		for i < len(s) && isBlank(s[i]) {
			i++
		}
		if i == len(s) {
			return args, nil
		}
		var word strings.Builder
		switch s[i] {
		case '"':
			i++
			for {
				if i >= len(s) {
					return nil, fmt.Errorf("unbalanced double quote")
				}
				c := s[i]
				if c == '"' {
					i++
					break
				}
				if c == '\\' && i+1 < len(s) {
					i++
					switch e := s[i]; e {
					case 'n':
						word.WriteByte('\n')
					case 'r':
						word.WriteByte('\r')
					case 't':
						word.WriteByte('\t')
					case 'b':
						word.WriteByte('\b')
					case 'a':
						word.WriteByte('\a')
					case 'x':
						if i+2 < len(s) {
							if b, err := strconv.ParseUint(s[i+1:i+3], 16, 8); err == nil {
								word.WriteByte(byte(b))
								i += 2
								break
							}
						}
						word.WriteByte('x')
					default:
						word.WriteByte(e)
					}
					i++
					continue
				}
				word.WriteByte(c)
				i++
			}
		case '\'':
			i++
			for {
				if i >= len(s) {
					return nil, fmt.Errorf("unbalanced single quote")
				}
				c := s[i]
				if c == '\'' {
					i++
					break
				}
				if c == '\\' && i+1 < len(s) && s[i+1] == '\'' {
					word.WriteByte('\'')
					i += 2
					continue
				}
				word.WriteByte(c)
				i++
			}
		default:
			for i < len(s) && !isBlank(s[i]) {
				if s[i] == '"' || s[i] == '\'' {
					return nil, fmt.Errorf("a quote in the middle of a word (column %d); quote the whole word", i+1)
				}
				word.WriteByte(s[i])
				i++
			}
			args = append(args, word.String())
			continue
		}
		if i < len(s) && !isBlank(s[i]) {
			return nil, fmt.Errorf("closing quote must be followed by a space (column %d)", i+1)
		}
		args = append(args, word.String())
	}
}

func isBlank(c byte) bool { return c == ' ' || c == '\t' || c == '\r' }

package main

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// cliStartup measures one command of the lab CLI from exec to exit against
// a docker CLI command of similar reach (a Go CLI too).
func cliStartup(name string, labArgs, dockerArgs []string, note string) benchmark {
	return benchmark{
		name:      name,
		rows:      []row{{op: name, unit: unitSeconds, note: note}},
		scale:     4,
		labrunner: func(ctx context.Context, e *env) ([]float64, error) { return wallTime(ctx, e.lab, labArgs...) },
		reference: func(ctx context.Context, e *env) ([]float64, error) { return wallTime(ctx, "docker", dockerArgs...) },
	}
}

// cliMemory measures the peak resident memory of the same commands.
func cliMemory(name string, labArgs, dockerArgs []string) benchmark {
	return benchmark{
		name:      name + " rss",
		rows:      []row{{op: name + " peak RSS", unit: unitBytes, note: "max resident set, GNU time %M"}},
		labrunner: func(ctx context.Context, e *env) ([]float64, error) { return peakRSS(ctx, e.lab, labArgs...) },
		reference: func(ctx context.Context, e *env) ([]float64, error) { return peakRSS(ctx, "docker", dockerArgs...) },
	}
}

// wallTime runs a command to completion and returns its wall time in
// seconds. A non-zero exit is an error: a CLI that fails fast is not a fast
// CLI.
func wallTime(ctx context.Context, name string, args ...string) ([]float64, error) {
	t0 := time.Now()
	if _, err := runCommand(ctx, name, args...); err != nil {
		return nil, err
	}
	return []float64{time.Since(t0).Seconds()}, nil
}

// peakRSS runs a command under GNU time and returns its peak RSS in bytes.
// The rusage of a child this process starts directly would not do: Go
// starts children with CLONE_VM, and the kernel carries the parent's
// high-water mark over the exec, so every child would look as big as the
// benchmark itself. GNU time forks from a process of about a megabyte.
func peakRSS(ctx context.Context, name string, args ...string) ([]float64, error) {
	const prefix = "bench-maxrss-kb="
	stderr, err := runCommand(ctx, "/usr/bin/time", append([]string{"-f", prefix + "%M", name}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("%w (peak RSS needs GNU time: apt-get install time)", err)
	}
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	kb, err := strconv.ParseFloat(strings.TrimPrefix(lines[len(lines)-1], prefix), 64)
	if err != nil {
		return nil, fmt.Errorf("read peak RSS of %s: %w", name, err)
	}
	return []float64{kb * 1024}, nil
}

// runCommand runs a command, discarding its stdout, and returns its
// stderr.
func runCommand(ctx context.Context, name string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("%s %s: %w: %s", name, strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return stderr.String(), nil
}

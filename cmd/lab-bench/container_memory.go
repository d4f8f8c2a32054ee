package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/moby/moby/client"

	"github.com/labrunner/labrunner/runner/engine"
)

// containerMemoryNote says what the containers' memory rows measure.
const containerMemoryNote = "peak of the summed memory of the lab process's containers (cgroup usage − inactive file cache, as docker stats counts it), sampled every 200 ms"

// memoryInterval is how often containerMemory samples.
const memoryInterval = 200 * time.Millisecond

// containerMemory samples the memory of the running containers a lab
// process created (its io.labrunner.pid) while it runs, and keeps the
// peak of their sum: what the engine's machine must hold at the worst
// moment of a batch. It reads each container's cgroup on this machine
// (v1 or v2), so it needs a local engine; elsewhere stop reports why
// nothing was measured.
type containerMemory struct {
	e      *env
	cancel context.CancelFunc
	done   chan struct{}

	mu      sync.Mutex
	peak    float64
	seen    int // containers whose memory was read at least once
	readErr error
}

func newContainerMemory(e *env) *containerMemory { return &containerMemory{e: e} }

// start begins sampling the containers of the lab process pid; it is
// labOptions.started.
func (m *containerMemory) start(pid int) {
	ctx, cancel := context.WithCancel(context.Background())
	m.cancel, m.done = cancel, make(chan struct{})
	go func() {
		defer close(m.done)
		m.sample(ctx, pid)
	}()
}

// stop ends the sampling and returns the peak in bytes. It is an error
// when no container's memory could be read.
func (m *containerMemory) stop() (float64, error) {
	if m.cancel == nil {
		return 0, errors.New("the lab process was not seen starting")
	}
	m.cancel()
	<-m.done
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.seen == 0 {
		if m.readErr != nil {
			return 0, m.readErr
		}
		return 0, errors.New("no container of the lab process was seen running")
	}
	return m.peak, nil
}

func (m *containerMemory) sample(ctx context.Context, pid int) {
	f := make(client.Filters).Add("label", engine.LabelPID+"="+strconv.Itoa(pid), engine.LabelHost+"="+hostname())
	cli := m.e.d.Client()
	dirs := map[string]string{} // container id → its memory cgroup folder
	t := time.NewTicker(memoryInterval)
	defer t.Stop()
	for {
		list, err := cli.ContainerList(ctx, client.ContainerListOptions{Filters: f})
		if err == nil {
			var sum float64
			read := 0
			for _, c := range list.Items {
				dir, ok := dirs[c.ID]
				if !ok {
					if dir, err = m.cgroupDir(ctx, cli, c.ID); err != nil {
						m.noteErr(err)
						continue
					}
					dirs[c.ID] = dir
				}
				used, err := cgroupUsage(dir)
				if err != nil {
					continue // removed since the list
				}
				sum += used
				read++
			}
			m.mu.Lock()
			m.peak = max(m.peak, sum)
			if read > 0 {
				m.seen = max(m.seen, read)
			}
			m.mu.Unlock()
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

func (m *containerMemory) noteErr(err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.readErr == nil {
		m.readErr = err
	}
}

// cgroupDir finds the memory cgroup folder of a running container
// through its main process.
func (m *containerMemory) cgroupDir(ctx context.Context, cli *client.Client, id string) (string, error) {
	insp, err := cli.ContainerInspect(ctx, id, client.ContainerInspectOptions{})
	if err != nil {
		return "", err
	}
	st := insp.Container.State
	if st == nil || st.Pid == 0 {
		return "", fmt.Errorf("container %s has no process", id[:12])
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/cgroup", st.Pid))
	if err != nil {
		return "", fmt.Errorf("the container's process is not on this machine (a remote engine?): %w", err)
	}
	return memoryCgroupDir("/sys/fs/cgroup", string(b))
}

// memoryCgroupDir returns the memory cgroup folder under root named by
// the contents of /proc/<pid>/cgroup: the v1 memory controller's line
// when there is one, else the v2 line ("0::/path").
func memoryCgroupDir(root, procCgroup string) (string, error) {
	var v2 string
	for _, line := range strings.Split(strings.TrimSpace(procCgroup), "\n") {
		parts := strings.SplitN(line, ":", 3)
		if len(parts) != 3 {
			continue
		}
		for _, c := range strings.Split(parts[1], ",") {
			if c == "memory" {
				return filepath.Join(root, "memory", parts[2]), nil
			}
		}
		if parts[0] == "0" && parts[1] == "" {
			v2 = parts[2]
		}
	}
	if v2 == "" {
		return "", fmt.Errorf("no memory cgroup in %q", procCgroup)
	}
	return filepath.Join(root, v2), nil
}

// cgroupUsage reads a memory cgroup's usage less its inactive file cache,
// as docker stats reports it: v2's memory.current − inactive_file, or
// v1's memory.usage_in_bytes − total_inactive_file.
func cgroupUsage(dir string) (float64, error) {
	usageFile, inactiveKey := "memory.current", "inactive_file"
	if _, err := os.Stat(filepath.Join(dir, usageFile)); err != nil {
		usageFile, inactiveKey = "memory.usage_in_bytes", "total_inactive_file"
	}
	b, err := os.ReadFile(filepath.Join(dir, usageFile))
	if err != nil {
		return 0, err
	}
	usage, err := strconv.ParseFloat(strings.TrimSpace(string(b)), 64)
	if err != nil {
		return 0, fmt.Errorf("read %s: %w", usageFile, err)
	}
	stat, err := os.ReadFile(filepath.Join(dir, "memory.stat"))
	if err != nil {
		return 0, err
	}
	return max(usage-statValue(string(stat), inactiveKey), 0), nil
}

// statValue returns the value of key in a memory.stat file, 0 when it
// is not there.
func statValue(stat, key string) float64 {
	sc := bufio.NewScanner(strings.NewReader(stat))
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), " ")
		if ok && k == key {
			f, _ := strconv.ParseFloat(strings.TrimSpace(v), 64)
			return f
		}
	}
	return 0
}

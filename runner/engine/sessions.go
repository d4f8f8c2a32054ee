package engine

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strconv"
	"time"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"
)

// SessionInfo is one session on the engine, as the labels of its
// containers describe it.
type SessionInfo struct {
	ID, Lab string
	// Dir is the workspace folder of a session `lab start` made; "" for
	// the sessions of other commands (check without start, grade, test).
	Dir string
	// Keep marks a session meant to outlive its process (`lab start`).
	Keep bool
	// PID is the process that created the session; Stale is set when it
	// is gone and the session was not meant to outlive it.
	PID   int
	Stale bool
	// Created is when its first container was created.
	Created time.Time
	// Containers counts the session's containers, Running those that run.
	Containers, Running int
}

// Sessions lists the sessions created from this machine (by the label
// io.labrunner.host), oldest first. Sessions of other machines sharing the
// engine are theirs to list.
func (d *Driver) Sessions(ctx context.Context) ([]SessionInfo, error) {
	list, err := d.cli.ContainerList(ctx, client.ContainerListOptions{
		All:     true,
		Filters: make(client.Filters).Add("label", LabelManaged+"=true"),
	})
	if err != nil {
		return nil, envErr(fmt.Errorf("list containers: %w", err))
	}
	host, _ := os.Hostname()
	byID := map[string]*SessionInfo{}
	for _, c := range list.Items {
		l := c.Labels
		if l[LabelHost] != host || l[LabelSession] == "" || isAux(l[LabelSession], c) {
			continue
		}
		s := byID[l[LabelSession]]
		if s == nil {
			pid, _ := strconv.Atoi(l[LabelPID])
			s = &SessionInfo{ID: l[LabelSession], Lab: l[LabelLab], Dir: l[LabelDir], Keep: l[LabelKeep] == "true", PID: pid}
			s.Stale = !s.Keep && (pid == 0 || !processAlive(pid))
			byID[s.ID] = s
		}
		if created, err := time.Parse(time.RFC3339, l[LabelCreated]); err == nil && (s.Created.IsZero() || created.Before(s.Created)) {
			s.Created = created
		}
		s.Containers++
		if c.State == container.StateRunning {
			s.Running++
		}
	}
	out := make([]SessionInfo, 0, len(byID))
	for _, s := range byID {
		out = append(out, *s)
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].Created.Equal(out[j].Created) {
			return out[i].Created.Before(out[j].Created)
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}

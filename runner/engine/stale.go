package engine

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strconv"
	"time"

	"github.com/moby/moby/client"
)

// StaleSession is a session whose process is gone without removing it:
// killed (SIGKILL), crashed, or on a machine that went down.
type StaleSession struct {
	ID, Lab string
	PID     int
	Created time.Time
	// Containers counts the session's containers.
	Containers int
}

// Stale returns the sessions that no process looks after any more: not
// started to be kept (`lab start`), created on this host by a process that
// no longer runs. Sessions of other hosts are left alone.
func (d *Driver) Stale(ctx context.Context) ([]StaleSession, error) {
	list, err := d.cli.ContainerList(ctx, client.ContainerListOptions{
		All:     true,
		Filters: make(client.Filters).Add("label", LabelManaged+"=true"),
	})
	if err != nil {
		return nil, envErr(fmt.Errorf("list containers: %w", err))
	}
	host, _ := os.Hostname()
	byID := map[string]*StaleSession{}
	for _, c := range list.Items {
		l := c.Labels
		if l[LabelKeep] == "true" || l[LabelHost] != host {
			continue
		}
		pid, err := strconv.Atoi(l[LabelPID])
		if err != nil || processAlive(pid) {
			continue
		}
		s := byID[l[LabelSession]]
		if s == nil {
			created, _ := time.Parse(time.RFC3339, l[LabelCreated])
			s = &StaleSession{ID: l[LabelSession], Lab: l[LabelLab], PID: pid, Created: created}
			byID[s.ID] = s
		}
		s.Containers++
	}
	var out []StaleSession
	for _, s := range byID {
		out = append(out, *s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Created.Before(out[j].Created) })
	return out, nil
}

// RemoveSession force-removes the containers and network of session id.
func (d *Driver) RemoveSession(ctx context.Context, id string) error {
	return d.removeByLabel(ctx, LabelSession+"="+id)
}

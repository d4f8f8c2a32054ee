package engine

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/moby/moby/client"

	"github.com/labrunner/labrunner/internal/phase"
)

// Leftovers counts what a removal found and removed.
type Leftovers struct {
	Containers int
	Networks   int
}

// GC force-removes every container and network labrunner created, on this
// engine, whatever session or process created them.
func (d *Driver) GC(ctx context.Context) (Leftovers, error) {
	return d.removeByLabelCount(ctx, LabelManaged+"=true")
}

// List returns the ids of labrunner's containers and networks matching the
// label filter ("key=value" or "key").
func (d *Driver) List(ctx context.Context, label string) (containers, networks []string, err error) {
	f := make(client.Filters).Add("label", label)
	cl, err := d.cli.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: f})
	if err != nil {
		return nil, nil, envErr(fmt.Errorf("list containers: %w", err))
	}
	for _, c := range cl.Items {
		containers = append(containers, c.ID)
	}
	nl, err := d.cli.NetworkList(ctx, client.NetworkListOptions{Filters: f})
	if err != nil {
		return nil, nil, envErr(fmt.Errorf("list networks: %w", err))
	}
	for _, n := range nl.Items {
		networks = append(networks, n.ID)
	}
	return containers, networks, nil
}

func (d *Driver) removeByLabel(ctx context.Context, label string) error {
	_, err := d.removeByLabelCount(ctx, label)
	return err
}

// removeByLabelCount force-removes (SIGKILL, no grace period) the matching
// containers in parallel, then the matching networks.
func (d *Driver) removeByLabelCount(ctx context.Context, label string) (Leftovers, error) {
	containers, networks, err := d.List(ctx, label)
	if err != nil {
		return Leftovers{}, err
	}
	endContainers := phase.Begin("remove containers")
	errs := make([]error, len(containers))
	var wg sync.WaitGroup
	for i, id := range containers {
		wg.Go(func() {
			_, err := d.cli.ContainerRemove(ctx, id, client.ContainerRemoveOptions{Force: true, RemoveVolumes: true})
			if err != nil && !isNotFound(err) {
				errs[i] = fmt.Errorf("remove container %s: %w", id[:12], err)
			}
		})
	}
	wg.Wait()
	endContainers()
	endNetworks := phase.Begin("remove networks")
	for _, id := range networks {
		if _, err := d.cli.NetworkRemove(ctx, id, client.NetworkRemoveOptions{}); err != nil && !isNotFound(err) {
			errs = append(errs, fmt.Errorf("remove network %s: %w", id[:12], err))
		}
	}
	endNetworks()
	if err := errors.Join(errs...); err != nil {
		return Leftovers{}, envErr(err)
	}
	return Leftovers{Containers: len(containers), Networks: len(networks)}, nil
}

package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/client"

	"github.com/labrunner/labrunner/images"
)

// coldEngine is what makeCold took off the engine, and the tarball that
// puts it back.
type coldEngine struct {
	e *env
	// ids are the image ids of the refs makeCold was given, by ref.
	ids map[string]string
	// saved are the tags (and the ids of untagged images) in tar.
	saved []string
	tar   string
	// drop are the prefixes of tags the run makes (its registry): removed
	// before the restore, never saved.
	drop  []string
	extra []string
}

// makeCold takes off the engine every image that shares a layer with one
// of needed (present refs), so that fetching them again starts from
// nothing: since layers stack, that is every image with the same bottom
// layer, tagged or not, and the present ones of extra (the bases a build
// starts from). It first saves the tagged ones and the untagged heads, but
// not those tagged under a prefix of drop, to a tarball in a temporary
// folder; restore loads them back with the same ids. The classic
// builder's intermediate images, the build cache of those images, are not
// saved. It refuses to start while a container uses one of them: its
// layers could not be removed, and it is not this run's.
func makeCold(ctx context.Context, e *env, needed, extra, drop []string) (*coldEngine, error) {
	cli := e.d.Client()
	c := &coldEngine{e: e, ids: map[string]string{}, drop: drop, extra: extra}
	bottoms := map[string]bool{}
	for _, ref := range needed {
		insp, err := cli.ImageInspect(ctx, ref)
		if err != nil {
			return nil, fmt.Errorf("inspect %s (run `make images` first): %w", ref, err)
		}
		c.ids[ref] = insp.ID
		if len(insp.RootFS.Layers) > 0 {
			bottoms[insp.RootFS.Layers[0]] = true
		}
	}
	victims, err := family(ctx, cli, bottoms, extra)
	if err != nil {
		return nil, err
	}
	if err := inUse(ctx, cli, victims); err != nil {
		return nil, err
	}
	heads, err := cli.ImageList(ctx, client.ImageListOptions{})
	if err != nil {
		return nil, err
	}
	for _, h := range heads.Items {
		tags, ok := victims[h.ID]
		if !ok {
			continue
		}
		for _, t := range tags {
			if !c.dropped(t) {
				c.saved = append(c.saved, t)
			}
		}
		if len(tags) == 0 {
			c.saved = append(c.saved, h.ID)
		}
	}
	dir, err := os.MkdirTemp("", "lab-bench-images-")
	if err != nil {
		return nil, err
	}
	c.tar = filepath.Join(dir, "images.tar")
	if len(c.saved) > 0 {
		t0 := time.Now()
		n, err := images.Save(ctx, cli, c.saved, c.tar)
		if err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
		fmt.Fprintf(os.Stderr, "bench: saved %d images to %s (%s) in %.0f s; if this run is killed, restore them with `docker load -i %s`\n",
			len(c.saved), c.tar, images.HumanSize(n), time.Since(t0).Seconds(), c.tar)
	}
	// Saving takes a while: look again.
	err = inUse(ctx, cli, victims)
	if err == nil {
		err = removeImages(ctx, cli, victims)
	}
	if err != nil {
		return c, errors.Join(fmt.Errorf("remove the images: %w", err), c.restore())
	}
	left, err := family(ctx, cli, bottoms, extra)
	if err == nil && len(left) > 0 {
		err = fmt.Errorf("%d images still hold the layers after their removal", len(left))
	}
	if err != nil {
		return c, errors.Join(fmt.Errorf("not cold: %w", err), c.restore())
	}
	fmt.Fprintf(os.Stderr, "bench: removed %d images sharing layers with %s\n", len(victims), strings.Join(needed, ", "))
	return c, nil
}

func (c *coldEngine) dropped(tag string) bool {
	for _, p := range c.drop {
		if strings.HasPrefix(tag, p) {
			return true
		}
	}
	return false
}

// inUse fails when a container, of any state, uses one of images.
func inUse(ctx context.Context, cli *client.Client, images map[string][]string) error {
	cl, err := cli.ContainerList(ctx, client.ContainerListOptions{All: true})
	if err != nil {
		return err
	}
	for _, ct := range cl.Items {
		if _, ok := images[ct.ImageID]; ok {
			return fmt.Errorf("container %s (%s, %s) uses image %s, which the first-run rows must remove: they need the engine to themselves", ct.ID[:12], strings.Join(ct.Names, ","), ct.State, ct.Image)
		}
	}
	return nil
}

// family returns the tags, by image id, of every image (intermediate ones
// too) whose bottom layer is one of bottoms, and of the present ones of
// extra.
func family(ctx context.Context, cli *client.Client, bottoms map[string]bool, extra []string) (map[string][]string, error) {
	all, err := cli.ImageList(ctx, client.ImageListOptions{All: true})
	if err != nil {
		return nil, err
	}
	out := map[string][]string{}
	for _, s := range all.Items {
		insp, err := cli.ImageInspect(ctx, s.ID)
		if cerrdefs.IsNotFound(err) {
			continue
		}
		if err != nil {
			return nil, err
		}
		tags := slices.DeleteFunc(slices.Clone(insp.RepoTags), func(t string) bool { return t == "<none>:<none>" })
		inExtra := slices.ContainsFunc(tags, func(t string) bool { return slices.Contains(extra, t) })
		if inExtra || len(insp.RootFS.Layers) > 0 && bottoms[insp.RootFS.Layers[0]] {
			out[insp.ID] = tags
		}
	}
	return out, nil
}

// removeImages removes the images by tag (pruning their untagged
// parents), then what is left of them by id, children before parents.
func removeImages(ctx context.Context, cli *client.Client, victims map[string][]string) error {
	for _, tags := range victims {
		for _, t := range tags {
			if _, err := cli.ImageRemove(ctx, t, client.ImageRemoveOptions{PruneChildren: true}); err != nil && !cerrdefs.IsNotFound(err) {
				return fmt.Errorf("remove %s: %w", t, err)
			}
		}
	}
	left := map[string]bool{}
	for id := range victims {
		left[id] = true
	}
	for len(left) > 0 {
		var errs []error
		removed := 0
		for id := range left {
			_, err := cli.ImageRemove(ctx, id, client.ImageRemoveOptions{PruneChildren: true})
			if err != nil && !cerrdefs.IsNotFound(err) {
				errs = append(errs, fmt.Errorf("remove %s: %w", id, err))
				continue
			}
			delete(left, id)
			removed++
		}
		if removed == 0 {
			return errors.Join(errs...)
		}
	}
	return nil
}

// restore removes what the run made (tags under its prefixes, and extra,
// which were not present in the cold state) and loads the saved images
// back. It runs to completion after Ctrl-C, with a deadline of its own.
// On failure the tarball is kept and the error says where it is.
func (c *coldEngine) restore() error {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	cli := c.e.d.Client()
	// Best effort: the load moves the tags back whatever is left, and an
	// image a container started meanwhile uses can't be removed.
	for _, err := range removeTags(ctx, cli, func(t string) bool { return c.dropped(t) || slices.Contains(c.extra, t) }) {
		fmt.Fprintf(os.Stderr, "bench: restore: %v\n", err)
	}
	var errs []error
	if len(c.saved) > 0 {
		t0 := time.Now()
		if _, err := images.Load(ctx, cli, c.tar); err != nil {
			errs = append(errs, err)
		}
		for _, ref := range c.saved {
			if _, err := cli.ImageInspect(ctx, ref); err != nil {
				errs = append(errs, fmt.Errorf("%s is not back: %w", ref, err))
			}
		}
		if len(errs) == 0 {
			fmt.Fprintf(os.Stderr, "bench: restored %d images in %.0f s\n", len(c.saved), time.Since(t0).Seconds())
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("restore the images (kept in %s; `docker load -i` it): %w", c.tar, err)
	}
	return os.RemoveAll(filepath.Dir(c.tar))
}

// removeTags removes the tags that match (pruning untagged parents).
func removeTags(ctx context.Context, cli *client.Client, match func(string) bool) []error {
	all, err := cli.ImageList(ctx, client.ImageListOptions{})
	if err != nil {
		return []error{err}
	}
	var errs []error
	for _, s := range all.Items {
		for _, t := range s.RepoTags {
			if !match(t) {
				continue
			}
			if _, err := cli.ImageRemove(ctx, t, client.ImageRemoveOptions{PruneChildren: true}); err != nil && !cerrdefs.IsNotFound(err) {
				errs = append(errs, fmt.Errorf("remove %s: %w", t, err))
			}
		}
	}
	return errs
}

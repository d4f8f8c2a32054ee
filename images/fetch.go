package images

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/client"
)

// Policy says when an image is fetched from its registry.
type Policy string

// The policies of --pull.
const (
	// PullMissing fetches only images that are not present (the default).
	PullMissing Policy = "missing"
	// PullNever uses only images that are present.
	PullNever Policy = "never"
	// PullAlways pulls every image, present or not.
	PullAlways Policy = "always"
)

// Policies are the values --pull takes.
var Policies = []string{string(PullMissing), string(PullNever), string(PullAlways)}

// ParsePolicy checks a --pull value; "" is PullMissing.
func ParsePolicy(s string) (Policy, error) {
	switch Policy(s) {
	case "":
		return PullMissing, nil
	case PullMissing, PullNever, PullAlways:
		return Policy(s), nil
	}
	return "", fmt.Errorf("--pull %q: want missing, never or always", s)
}

// Want is an image a lab needs.
type Want struct {
	// Ref is the reference the containers run.
	Ref string
	// Image is the set image Ref names; nil for an image set by hand,
	// which can only be pulled.
	Image *Image
	// For names what needs it, for messages ("postgres").
	For string
}

// Fetcher makes images present on one engine. It is safe for concurrent
// use; the zero Policy is PullMissing.
type Fetcher struct {
	Client *client.Client
	// Policy is --pull.
	Policy Policy
	// Progress reports each image's pull or build; nil is silent.
	Progress *Progress
	// BuildOnly skips the registry for set images (lab images build).
	BuildOnly bool

	baseMu  sync.Mutex
	base    string
	inspect sync.Map // ref → true once seen present
}

// Ensure makes every wanted image present, fetching the missing ones
// concurrently, and returns one error naming each image that could not be
// had.
func (f *Fetcher) Ensure(ctx context.Context, wants []Want) error {
	var todo []Want
	seen := map[string]bool{}
	for _, w := range wants {
		if seen[w.Ref] {
			continue
		}
		seen[w.Ref] = true
		if f.Policy != PullAlways && !f.BuildOnly {
			ok, err := f.present(ctx, w.Ref)
			if err != nil {
				return err
			}
			if ok {
				continue
			}
		}
		todo = append(todo, w)
	}
	if len(todo) == 0 {
		return nil
	}
	if f.Policy == PullNever && !f.BuildOnly {
		var names []string
		for _, w := range todo {
			names = append(names, fmt.Sprintf("%s (%s)", w.Ref, w.For))
		}
		return fmt.Errorf("image not present and --pull never forbids fetching it: %s; run `lab images pull`, or use --pull missing", strings.Join(names, ", "))
	}
	f.Progress.begin(todo)
	errs := make([]error, len(todo))
	var wg sync.WaitGroup
	for i, w := range todo {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = f.fetch(ctx, w)
		}()
	}
	wg.Wait()
	f.Progress.end()
	return errors.Join(errs...)
}

// fetch gets one image: pulled, else (a set image) built.
func (f *Fetcher) fetch(ctx context.Context, w Want) error {
	if f.BuildOnly && w.Image != nil {
		return f.build(ctx, w, "")
	}
	bar := f.Progress.bar(w.Ref)
	size, err := f.pull(ctx, w.Ref, bar)
	if err == nil {
		bar.done(fmt.Sprintf("pulled (%s)", humanSize(size)))
		f.inspect.Store(w.Ref, true)
		return nil
	}
	if ctx.Err() != nil {
		bar.fail("interrupted")
		return ctx.Err()
	}
	reason := pullProblem(w.Ref, err)
	if w.Image == nil || f.Policy == PullAlways {
		bar.fail(reason)
		return fmt.Errorf("image %s for %s: %s", w.Ref, w.For, reason)
	}
	return f.build(ctx, w, reason)
}

// present reports whether ref is in the engine's image store.
func (f *Fetcher) present(ctx context.Context, ref string) (bool, error) {
	if _, ok := f.inspect.Load(ref); ok {
		return true, nil
	}
	_, err := f.Client.ImageInspect(ctx, ref)
	if err == nil {
		f.inspect.Store(ref, true)
		return true, nil
	}
	if cerrdefs.IsNotFound(err) {
		return false, nil
	}
	return false, fmt.Errorf("inspect image %s: %w", ref, err)
}

// Size returns the size of a present image, or 0.
func Size(ctx context.Context, c *client.Client, ref string) (int64, bool, error) {
	res, err := c.ImageInspect(ctx, ref)
	if err != nil {
		if cerrdefs.IsNotFound(err) {
			return 0, false, nil
		}
		return 0, false, fmt.Errorf("inspect image %s: %w", ref, err)
	}
	return res.Size, true, nil
}

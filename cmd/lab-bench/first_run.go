package main

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/moby/moby/client"

	"github.com/labrunner/labrunner/images"
)

// firstRun is one first-run row's state: the engine made cold, the
// registry the lab process fetches from, and its fresh HOME.
type firstRun struct {
	registry string
	// refs maps the local copy of each image the lab needs (the bench's
	// registry) to the ref the lab process fetches it by.
	refs map[string]string
	cold *coldEngine
	home string
}

// firstRunPull measures a learner's first `lab grade` of sql-join on a
// machine with none of its images, over the pull path: the set is pushed
// to the local registry named by BENCH_REGISTRY (scripts/bench.sh starts
// one with scripts/registry-up.sh) under a path of this run, every image
// sharing a layer with the lab's is removed (and restored afterwards),
// and the real binary runs with LAB_REGISTRY there and a fresh HOME.
func firstRunPull() benchmark {
	var fr firstRun
	return benchmark{
		name: "first-run-pull",
		rows: []row{{op: "first run " + labLab + ", pull path", unit: unitSeconds,
			note: "1 run, no warm-up: no image present → set pushed to a local registry (127.0.0.1) pulled → lab grade of the solution, fresh HOME; target ≤ 30 s"}},
		maxRuns:  1,
		noWarmup: true,
		setup: func(ctx context.Context, e *env) (func(), error) {
			addr := os.Getenv("BENCH_REGISTRY")
			if addr == "" {
				return nil, errors.New("BENCH_REGISTRY is not set: start a registry with scripts/registry-up.sh and set it to the address it prints (scripts/bench.sh does)")
			}
			reg := strings.TrimSuffix(addr, "/") + "/" + e.runID
			if _, err := runLab(ctx, e, labOptions{timeout: 15 * time.Minute}, "images", "push", "--registry", reg); err != nil {
				// push tags each image before pushing it.
				errs := removeTags(context.Background(), e.d.Client(), func(t string) bool { return strings.HasPrefix(t, reg+"/") })
				return nil, errors.Join(append([]error{err}, errs...)...)
			}
			return fr.prepare(ctx, e, reg, nil)
		},
		labrunner: func(ctx context.Context, e *env) ([]float64, error) {
			wall, err := fr.grade(ctx, e, 5*time.Minute)
			if err != nil {
				return nil, err
			}
			// A pull keeps the image's id (its config's digest); a build
			// that stood in for a failed pull would not.
			for local, ref := range fr.refs {
				insp, err := e.d.Client().ImageInspect(ctx, ref)
				if err != nil {
					return nil, fmt.Errorf("after the run: %w", err)
				}
				if insp.ID != fr.cold.ids[local] {
					return nil, fmt.Errorf("%s was built, not pulled (id %s, pushed %s)", ref, insp.ID, fr.cold.ids[local])
				}
			}
			return []float64{wall}, nil
		},
	}
}

// firstRunBuild measures the same first run where no registry answers
// and no base image nor build cache is present: lab makes a base with
// debootstrap and builds the images with apt. It costs minutes;
// BENCH_FIRST_BUILD=0 leaves it out.
func firstRunBuild() benchmark {
	var fr firstRun
	return benchmark{
		name: "first-run-build",
		rows: []row{{op: "first run " + labLab + ", build path", unit: unitSeconds,
			note: "1 run, no warm-up: no registry answering, no image, no base, no build cache → debootstrap base + apt build → lab grade of the solution, fresh HOME; BENCH_FIRST_BUILD=0 skips it"}},
		maxRuns:  1,
		noWarmup: true,
		setup: func(ctx context.Context, e *env) (func(), error) {
			port, err := closedPort()
			if err != nil {
				return nil, err
			}
			reg := fmt.Sprintf("127.0.0.1:%d/%s", port, e.runID)
			teardown, err := fr.prepare(ctx, e, reg, []string{images.BaseImage, images.DebootstrapBase})
			if err != nil {
				return teardown, err
			}
			if _, err := e.d.Client().BuildCachePrune(ctx, client.BuildCachePruneOptions{All: true}); err != nil {
				return teardown, fmt.Errorf("prune the build cache: %w", err)
			}
			return teardown, nil
		},
		labrunner: func(ctx context.Context, e *env) ([]float64, error) {
			wall, err := fr.grade(ctx, e, 30*time.Minute)
			if err != nil {
				return nil, err
			}
			for _, ref := range append(slices.Collect(maps.Values(fr.refs)), images.DebootstrapBase) {
				if _, err := e.d.Client().ImageInspect(ctx, ref); err != nil {
					return nil, fmt.Errorf("after the run: %w", err)
				}
			}
			return []float64{wall}, nil
		},
	}
}

// prepare finds the images the lab needs, makes the engine cold for them
// (extra: more images to remove) and makes a fresh HOME.
func (fr *firstRun) prepare(ctx context.Context, e *env, registry string, extra []string) (func(), error) {
	lab, err := loadLab(os.DirFS("labs"), labLab)
	if err != nil {
		return nil, err
	}
	fr.registry, fr.refs = registry, map[string]string{}
	target := e.cfg
	target.Registry = registry
	var needed []string
	for _, svc := range lab.Services {
		if e.cfg.HandSet(svc.Kind) || svc.Image != "" {
			return nil, fmt.Errorf("the %s image is set by hand: the first-run rows measure labrunner's own", svc.Kind)
		}
		local := e.cfg.Image(svc.Kind)
		if _, ok := fr.refs[local]; !ok {
			fr.refs[local] = target.Image(svc.Kind)
			needed = append(needed, local)
		}
	}
	fr.cold, err = makeCold(ctx, e, needed, extra, []string{registry + "/"})
	teardown := func() {
		if fr.cold != nil {
			if err := fr.cold.restore(); err != nil {
				e.warn("%v", err)
			}
		}
		if fr.home != "" {
			os.RemoveAll(fr.home)
		}
	}
	if err != nil {
		fr.cold = nil // makeCold restored what it could
		return teardown, err
	}
	fr.home, err = os.MkdirTemp("", "lab-bench-home-")
	return teardown, err
}

// grade runs `lab grade` of the lab's solution with the run's registry
// and fresh HOME, and returns its wall time in seconds.
func (fr *firstRun) grade(ctx context.Context, e *env, timeout time.Duration) (float64, error) {
	r, err := runLab(ctx, e, labOptions{timeout: timeout, env: freshEnv(fr.home, fr.registry)},
		"grade", labLab, filepath.Join("labs", labLab, "solution"))
	if err != nil {
		return 0, err
	}
	return r.wall.Seconds(), nil
}

// freshEnv is this process's environment as a new user's would be: HOME
// is home, LAB_REGISTRY is registry, and no other labrunner or XDG
// setting is inherited.
func freshEnv(home, registry string) []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if k == "HOME" || strings.HasPrefix(k, "LAB_") || strings.HasPrefix(k, "XDG_") {
			continue
		}
		env = append(env, kv)
	}
	return append(env, "HOME="+home, "LAB_REGISTRY="+registry)
}

// closedPort returns a port of 127.0.0.1 on which nothing listens (it
// did a moment ago, for this process only).
func closedPort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

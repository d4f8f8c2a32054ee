package runner

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/labrunner/labrunner/runner/engine"
)

// ContractError is an image, set by hand for a kind, that lacks what the
// runner relies on inside it (the kind's engine.Requirements). It is an
// environment error: the CLI exits 3.
type ContractError struct {
	Kind  Kind
	Image string
	// Source is where the image was set (Config.ImageSource): the
	// message says how to go back to labrunner's image. "" for a lab's
	// own `image:` of service Service.
	Source  string
	Service string
	Lacks   engine.Lacks
}

func (e *ContractError) Error() string {
	what := fmt.Sprintf("image %s", e.Image)
	undo := ""
	switch {
	case strings.HasPrefix(e.Source, "LAB_IMAGE_"):
		what = fmt.Sprintf("image %s=%s", e.Source, e.Image)
		undo = fmt.Sprintf(", or unset %s to use labrunner's", e.Source)
	case e.Source != "":
		// "images.nginx in /path/config.yaml"
		key, file, _ := strings.Cut(e.Source, " in ")
		what = fmt.Sprintf("image %s (%s)", e.Image, e.Source)
		undo = fmt.Sprintf(", or remove %s from %s to use labrunner's", key, file)
	case e.Service != "":
		what = fmt.Sprintf("image %s of service %s", e.Image, e.Service)
	}
	if e.Lacks.NoShell {
		return fmt.Sprintf("%s for %s has no /bin/sh, which labrunner runs its commands with and checks images with; use an image with a POSIX shell%s", what, e.Kind, undo)
	}
	return fmt.Sprintf("%s for %s lacks what labrunner needs: %s; use an image with them%s", what, e.Kind, e.Lacks, undo)
}

// CheckImage checks a present image for kind against the kind's
// requirements (see engine.Driver.CheckImage) and returns what it lacks.
// Its errors are EnvErrors.
func (d *Driver) CheckImage(ctx context.Context, kind Kind, image string) (engine.Lacks, error) {
	k, err := lookupKind(kind)
	if err != nil {
		return engine.Lacks{}, err
	}
	return d.Driver.CheckImage(ctx, image, k.Requires)
}

// toCheck reports whether the image of s must be checked against its
// kind's contract: it is set by hand, or it is not labrunner's own (a
// lab's `image:`), whose images are known good by their hash. handSet
// tells the first case.
func (c Config) toCheck(s engine.ServiceSpec) (check, handSet bool) {
	handSet = c.HandSet(s.Kind) && s.Image == c.Images[s.Kind]
	return handSet || c.want(s.Kind, s.Image).Image == nil, handSet
}

// checkImages checks the images of specs that toCheck names, each image
// and kind once, and returns one EnvError naming all that lack something.
func (d *Driver) checkImages(ctx context.Context, specs []engine.ServiceSpec) error {
	var errs []error
	seen := map[[2]string]bool{}
	for _, s := range specs {
		check, handSet := d.cfg.toCheck(s)
		if !check || seen[[2]string{s.Kind, s.Image}] {
			continue
		}
		seen[[2]string{s.Kind, s.Image}] = true
		lacks, err := d.Driver.CheckImage(ctx, s.Image, s.Requires)
		if err != nil {
			return err
		}
		if lacks.OK() {
			continue
		}
		ce := &ContractError{Kind: s.Kind, Image: s.Image, Lacks: lacks}
		if handSet {
			ce.Source = d.cfg.ImageSource(s.Kind)
		} else {
			ce.Service = s.Name
		}
		errs = append(errs, ce)
	}
	if len(errs) > 0 {
		return &EnvError{Err: errors.Join(errs...)}
	}
	return nil
}

package images

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/moby/moby/api/types/build"
	"github.com/moby/moby/client"
)

// build builds a set image from its embedded context; why says why it
// was not pulled ("" when building was asked for).
func (f *Fetcher) build(ctx context.Context, w Want, why string) error {
	bar := f.Progress.bar(w.Ref)
	if why != "" {
		bar.note(why + "; building it from the embedded Dockerfile")
	}
	base, err := f.baseImage(ctx, bar)
	if err != nil {
		bar.fail(err.Error())
		return fmt.Errorf("image %s for %s: %w", w.Ref, w.For, err)
	}
	if err := Build(ctx, f.Client, *w.Image, w.Ref, base, bar.status); err != nil {
		bar.fail(firstLine(err.Error()))
		return fmt.Errorf("image %s for %s: %w", w.Ref, w.For, err)
	}
	size, _, _ := Size(ctx, f.Client, w.Ref)
	bar.done(fmt.Sprintf("built (%s)", humanSize(size)))
	f.inspect.Store(w.Ref, true)
	return nil
}

// Build builds img from its embedded context on base and tags it ref;
// step receives each step of the build ("Step 3/7 : RUN apt-get …").
// It uses the engine's classic builder, which every engine has.
func Build(ctx context.Context, c *client.Client, img Image, ref, base string, step func(string)) error {
	tarball, err := img.Context()
	if err != nil {
		return err
	}
	args := map[string]*string{}
	if base != "" {
		args["BASE"] = &base
	}
	res, err := c.ImageBuild(ctx, tarball, client.ImageBuildOptions{
		Tags:        []string{ref},
		BuildArgs:   args,
		Remove:      true,
		ForceRemove: true,
		Version:     build.BuilderV1,
		Labels:      map[string]string{"io.labrunner.image": img.Name, "io.labrunner.context": img.Hash()},
	})
	if err != nil {
		return fmt.Errorf("build: %w", err)
	}
	defer res.Body.Close()
	var last []string // the build's last lines, for a failure
	for msg, err := range decodeMessages(res.Body) {
		if err != nil {
			return fmt.Errorf("build: %w", err)
		}
		if msg.Error != nil {
			tail := strings.Join(last, "\n")
			return fmt.Errorf("build failed: %s\n%s", msg.Error.Message, tail)
		}
		line := strings.TrimRight(msg.Stream, "\n")
		if line == "" {
			continue
		}
		if strings.HasPrefix(line, "Step ") && step != nil {
			step(line)
		}
		last = append(last, line)
		if len(last) > 20 {
			last = last[1:]
		}
	}
	if _, ok, err := Size(ctx, c, ref); err != nil {
		return err
	} else if !ok {
		return errors.New("build ended without the image")
	}
	return nil
}

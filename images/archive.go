package images

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/moby/moby/client"
)

// Push tags the present image ref as target and pushes target, with the
// credentials `docker login` stored for its registry.
func Push(ctx context.Context, c *client.Client, ref, target string, p *Progress) error {
	if _, err := c.ImageTag(ctx, client.ImageTagOptions{Source: ref, Target: target}); err != nil {
		return fmt.Errorf("tag %s as %s: %w", ref, target, err)
	}
	bar := p.bar(target)
	resp, err := c.ImagePush(ctx, target, client.ImagePushOptions{RegistryAuth: registryAuth(ctx, target)})
	if err != nil {
		bar.fail(pushProblem(target, err))
		return fmt.Errorf("push %s: %s", target, pushProblem(target, err))
	}
	defer resp.Close()
	layers := map[string][2]int64{}
	for msg, err := range resp.JSONMessages(ctx) {
		if err != nil {
			return fmt.Errorf("push %s: %w", target, err)
		}
		if msg.Error != nil {
			reason := pushProblem(target, errors.New(msg.Error.Message))
			bar.fail(reason)
			return fmt.Errorf("push %s: %s", target, reason)
		}
		if msg.ID != "" && msg.Progress != nil && msg.Progress.Total > 0 {
			layers[msg.ID] = [2]int64{msg.Progress.Current, msg.Progress.Total}
		}
		var cur, total int64
		for _, l := range layers {
			cur += l[0]
			total += l[1]
		}
		bar.set(cur, total)
	}
	size, _, _ := Size(ctx, c, ref)
	bar.done(fmt.Sprintf("pushed (%s)", humanSize(size)))
	return nil
}

func pushProblem(ref string, err error) string {
	r := strings.NewReplacer("refused the pull", "refused the push", "pull from", "push to", "rate-limiting pulls", "rate-limiting pushes")
	return r.Replace(pullProblem(ref, err))
}

// Save writes the present images refs to file as one tarball (`docker
// save` format), through a temporary file renamed into place, so that a
// failed save leaves no half file.
func Save(ctx context.Context, c *client.Client, refs []string, file string) (int64, error) {
	res, err := c.ImageSave(ctx, refs)
	if err != nil {
		return 0, fmt.Errorf("save images: %w", err)
	}
	defer res.Close()
	tmp, err := os.CreateTemp(filepath.Dir(file), "."+filepath.Base(file)+".*")
	if err != nil {
		return 0, err
	}
	defer os.Remove(tmp.Name())
	n, err := io.Copy(tmp, res)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return 0, fmt.Errorf("save images to %s: %w", file, err)
	}
	return n, os.Rename(tmp.Name(), file)
}

// Load loads a tarball written by Save (or `docker save`) and returns the
// images it held.
func Load(ctx context.Context, c *client.Client, file string) ([]string, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	res, err := c.ImageLoad(ctx, f, client.ImageLoadWithQuiet(true))
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", file, err)
	}
	defer res.Close()
	var loaded []string
	for msg, err := range decodeMessages(res) {
		if err != nil {
			return loaded, fmt.Errorf("load %s: %w", file, err)
		}
		if msg.Error != nil {
			return loaded, fmt.Errorf("load %s: %s", file, msg.Error.Message)
		}
		for _, line := range strings.Split(msg.Stream, "\n") {
			if name, ok := strings.CutPrefix(strings.TrimSpace(line), "Loaded image: "); ok {
				loaded = append(loaded, name)
			}
		}
	}
	if len(loaded) == 0 {
		return nil, fmt.Errorf("load %s: no image in it (is it a tarball from `lab images save`?)", file)
	}
	return loaded, nil
}

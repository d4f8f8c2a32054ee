package images

import (
	"context"
	"fmt"
	"strings"

	"github.com/moby/moby/client"
)

// Stale lists the local images of the set under registry whose tags are
// not the set's current ones: left by an earlier lab, whose Dockerfiles
// hashed differently.
func Stale(ctx context.Context, c *client.Client, registry string) ([]string, error) {
	var stale []string
	for _, img := range All() {
		repo := strings.TrimSuffix(img.Ref(registry), ":"+img.Tag())
		res, err := c.ImageList(ctx, client.ImageListOptions{Filters: make(client.Filters).Add("reference", repo)})
		if err != nil {
			return nil, fmt.Errorf("list images %s: %w", repo, err)
		}
		for _, sum := range res.Items {
			for _, tag := range sum.RepoTags {
				if strings.HasPrefix(tag, repo+":") && tag != img.Ref(registry) {
					stale = append(stale, tag)
				}
			}
		}
	}
	return stale, nil
}

// Remove untags refs, removing each image whose last tag it was; an image
// a container still uses is kept, and named in the error.
func Remove(ctx context.Context, c *client.Client, refs []string) (removed []string, err error) {
	var kept []string
	for _, ref := range refs {
		if _, rerr := c.ImageRemove(ctx, ref, client.ImageRemoveOptions{PruneChildren: true}); rerr != nil {
			kept = append(kept, fmt.Sprintf("%s (%s)", ref, firstLine(rerr.Error())))
			continue
		}
		removed = append(removed, ref)
	}
	if len(kept) > 0 {
		return removed, fmt.Errorf("kept %d images: %s", len(kept), strings.Join(kept, "; "))
	}
	return removed, nil
}

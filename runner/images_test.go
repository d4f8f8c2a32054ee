package runner

import (
	"strings"
	"testing"

	"github.com/labrunner/labrunner/images"
	"github.com/labrunner/labrunner/labs"
)

// TestDefaultImages: with nothing configured, every kind runs labrunner's
// own image from the default registry; LAB_REGISTRY moves them all, and a
// per-kind image wins and is marked as set by hand.
func TestDefaultImages(t *testing.T) {
	cfg, err := LoadConfig(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range Kinds() {
		want := kinds[k].image.Ref(images.DefaultRegistry)
		if got := cfg.Image(k); got != want || !strings.HasPrefix(got, images.DefaultRegistry+"/") {
			t.Errorf("%s: default image %q, want %q", k, got, want)
		}
		if cfg.HandSet(k) || cfg.want(k, cfg.Image(k)).Image == nil {
			t.Errorf("%s: default image taken for one set by hand", k)
		}
	}
	env := map[string]string{"LAB_REGISTRY": "127.0.0.1:5000/class", "LAB_IMAGE_REDIS": "mirror/redis:7", "LAB_IMAGE_SET": "offline"}
	cfg, err = LoadConfig(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if got, want := cfg.Image(labs.KindPostgres), "127.0.0.1:5000/class/postgres:"+images.Postgres.Tag(); got != want {
		t.Errorf("LAB_REGISTRY postgres: %q, want %q", got, want)
	}
	if got := cfg.Image(labs.KindRedis); got != "mirror/redis:7" || !cfg.HandSet(labs.KindRedis) {
		t.Errorf("LAB_IMAGE_REDIS: %q (hand set %v)", got, cfg.HandSet(labs.KindRedis))
	}
	if w := cfg.want(labs.KindRedis, cfg.Image(labs.KindRedis)); w.Image != nil {
		t.Errorf("a hand-set image is taken for the set's %s", w.Image.Name)
	}
}

// TestRemovedImageSet: the removed "official" set is refused with a
// sentence saying what replaced it, never silently ignored.
func TestRemovedImageSet(t *testing.T) {
	for _, set := range []string{"official", "alpine"} {
		_, err := LoadConfig(func(k string) string {
			if k == "LAB_IMAGE_SET" {
				return set
			}
			return ""
		})
		if err == nil || !strings.Contains(err.Error(), "LAB_IMAGE_SET") {
			t.Errorf("LAB_IMAGE_SET=%s: error %v, want one naming the setting", set, err)
		}
	}
	_, err := LoadConfig(func(k string) string {
		if k == "LAB_IMAGE_SET" {
			return "official"
		}
		return ""
	})
	if err == nil || !strings.Contains(err.Error(), "LAB_IMAGE_<KIND>") {
		t.Errorf("official: %v, want the way to run upstream images", err)
	}
}

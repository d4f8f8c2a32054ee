package runner

import (
	"testing"

	"github.com/labrunner/labrunner/labs"
)

// TestDefaultImageSet: with nothing configured, every kind runs the
// tested offline set; a configured set and a per-kind image win.
func TestDefaultImageSet(t *testing.T) {
	none := func(string) string { return "" }
	cfg, err := LoadConfig(none)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range Kinds() {
		if got, want := cfg.Image(k), kinds[k].images[ImageSetOffline]; got != want || got == "" {
			t.Errorf("%s: default image %q, want the offline set's %q", k, got, want)
		}
	}
	env := map[string]string{"LAB_IMAGE_SET": ImageSetOfficial, "LAB_IMAGE_REDIS": "mirror/redis:7"}
	cfg, err = LoadConfig(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.Image(labs.KindPostgres); got != "postgres:16.6-alpine3.21" {
		t.Errorf("official postgres: %q", got)
	}
	if got := cfg.Image(labs.KindRedis); got != "mirror/redis:7" {
		t.Errorf("LAB_IMAGE_REDIS: %q", got)
	}
}

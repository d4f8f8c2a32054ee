package runner

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Image sets a configuration can select with `image_set` or LAB_IMAGE_SET.
const (
	// ImageSetOfficial is the pinned official images, for machines that
	// can pull them.
	ImageSetOfficial = "official"
	// ImageSetOffline is the default, the set every test runs on: the
	// images `make images` builds from Debian packages, without a
	// registry.
	ImageSetOffline = "offline"
)

// DefaultImageSet is the set used when none is configured: labrunner's
// own Debian-based images, the ones every test runs on (the official set
// has never been tested on this project's machines, which cannot pull).
const DefaultImageSet = ImageSetOffline

// imageSetNames are the image sets; each kind's row in kinds.go names its
// image in each.
var imageSetNames = []string{ImageSetOfficial, ImageSetOffline}

// Config selects the image of each service kind. It is read from a YAML
// file and then from environment variables, which win:
//
//	# ~/.config/labrunner/config.yaml (or $LAB_CONFIG)
//	image_set: official          # offline (default) or official
//	images:                      # per kind, over the set
//	  postgres: registry.example.edu/mirror/postgres:16.6-alpine3.21
//
//	LAB_IMAGE_SET=offline
//	LAB_IMAGE_POSTGRES=...   LAB_IMAGE_REDIS=...   LAB_IMAGE_NGINX=...
//	LAB_IMAGE_BOX=...        LAB_IMAGE_RUNTIME=...   LAB_IMAGE_BACKEND=...
type Config struct {
	// ImageSet is the base set of images: ImageSetOfficial or ImageSetOffline.
	ImageSet string `yaml:"image_set"`
	// Images overrides the image of single kinds.
	Images map[Kind]string `yaml:"images"`
	// Path is the configuration file that was read, if any.
	Path string `yaml:"-"`
}

// Image returns the image configured for kind.
func (c Config) Image(kind Kind) string {
	if img := c.Images[kind]; img != "" {
		return img
	}
	set := c.ImageSet
	if set == "" {
		set = DefaultImageSet
	}
	return kinds[kind].images[set]
}

// ConfigPath returns the configuration file labrunner reads: $LAB_CONFIG,
// else $XDG_CONFIG_HOME/labrunner/config.yaml, else
// ~/.config/labrunner/config.yaml.
func ConfigPath(getenv func(string) string) string {
	if p := getenv("LAB_CONFIG"); p != "" {
		return p
	}
	dir := getenv("XDG_CONFIG_HOME")
	if dir == "" {
		home := getenv("HOME")
		if home == "" {
			return ""
		}
		dir = filepath.Join(home, ".config")
	}
	return filepath.Join(dir, "labrunner", "config.yaml")
}

// LoadConfig reads the configuration file (a missing file is not an error
// unless LAB_CONFIG names it) and applies the LAB_IMAGE_* overrides.
func LoadConfig(getenv func(string) string) (Config, error) {
	var cfg Config
	path := ConfigPath(getenv)
	if path != "" {
		data, err := os.ReadFile(path)
		switch {
		case errors.Is(err, fs.ErrNotExist) && getenv("LAB_CONFIG") == "":
		case err != nil:
			return cfg, fmt.Errorf("read config: %w", err)
		default:
			dec := yaml.NewDecoder(strings.NewReader(string(data)))
			dec.KnownFields(true)
			if err := dec.Decode(&cfg); err != nil && !errors.Is(err, io.EOF) {
				return cfg, fmt.Errorf("read config %s: %w", path, err)
			}
			cfg.Path = path
		}
	}
	if set := getenv("LAB_IMAGE_SET"); set != "" {
		cfg.ImageSet = set
	}
	for _, kind := range Kinds() {
		if img := getenv("LAB_IMAGE_" + strings.ToUpper(kind)); img != "" {
			if cfg.Images == nil {
				cfg.Images = map[Kind]string{}
			}
			cfg.Images[kind] = img
		}
	}
	return cfg, cfg.validate()
}

func (c Config) validate() error {
	if c.ImageSet != "" {
		if !slices.Contains(imageSetNames, c.ImageSet) {
			return fmt.Errorf("unknown image set %q (known: %s, %s)", c.ImageSet, ImageSetOfficial, ImageSetOffline)
		}
	}
	var unknown []string
	for kind := range c.Images {
		if _, ok := kinds[kind]; !ok {
			unknown = append(unknown, kind)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return fmt.Errorf("config images: unknown service kind %q (known: %s)", unknown[0], strings.Join(Kinds(), ", "))
	}
	return nil
}

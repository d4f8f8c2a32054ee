package runner

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/labrunner/labrunner/images"
)

// Config selects the image of each service kind and how images are
// fetched. It is read from a YAML file and then from environment
// variables, which win:
//
//	# ~/.config/labrunner/config.yaml (or $LAB_CONFIG)
//	registry: registry.example.edu/labrunner   # where labrunner's images are pulled from
//	images:                                   # per kind, instead of labrunner's image
//	  postgres: registry.example.edu/mirror/postgres:16
//
//	LAB_REGISTRY=...
//	LAB_IMAGE_POSTGRES=...   LAB_IMAGE_REDIS=...   LAB_IMAGE_NGINX=...
//	LAB_IMAGE_BOX=...        LAB_IMAGE_RUNTIME=...   LAB_IMAGE_BACKEND=...
//	LAB_IMAGE_RUNTIME_NODE=...   LAB_IMAGE_RUNTIME_GO=...   (a runtime's other languages: runtime-node, runtime-go)
//
// labrunner's own images (package images) are the one image set; an image
// set by hand is checked against its kind's contract before it is used.
type Config struct {
	// Registry is where labrunner's images are pulled from
	// (images.DefaultRegistry when empty); it also names their local
	// copies.
	Registry string `yaml:"registry"`
	// ImageSet is kept so that old configuration files still load: only
	// "offline", which is now the one set, is accepted.
	ImageSet string `yaml:"image_set"`
	// Images replaces labrunner's image of single kinds.
	Images map[Kind]string `yaml:"images"`
	// ImageSources says where each of Images was set: "LAB_IMAGE_NGINX",
	// or "images.nginx in <config file>" (see ImageSource).
	ImageSources map[Kind]string `yaml:"-"`
	// Path is the configuration file that was read, if any.
	Path string `yaml:"-"`

	// Pull is when images are fetched (--pull); "" is images.PullMissing.
	Pull images.Policy `yaml:"-"`
	// Progress shows images being fetched; nil is silent.
	Progress *images.Progress `yaml:"-"`
}

// Image returns the image configured for kind.
func (c Config) Image(kind Kind) string {
	if img := c.Images[kind]; img != "" {
		return img
	}
	img, ok := setImage(kind)
	if !ok {
		return ""
	}
	return img.Ref(c.Registry)
}

// ImageSource says where kind's image was set by hand: "LAB_IMAGE_NGINX",
// "images.nginx in /home/ann/.config/labrunner/config.yaml", or "" when
// it was not (or for a Config built without LoadConfig).
func (c Config) ImageSource(kind Kind) string { return c.ImageSources[kind] }

// HandSet reports whether kind's image was set by hand (config file or
// LAB_IMAGE_<KIND>) instead of being labrunner's own.
func (c Config) HandSet(kind Kind) bool { return c.Images[kind] != "" }

// want is what fetching image for kind needs: the set image it is, if it
// is one.
func (c Config) want(kind Kind, image string) images.Want {
	w := images.Want{Ref: image, For: kind}
	for _, key := range imageKinds() {
		if img, ok := setImage(key); ok && image == img.Ref(c.Registry) {
			w.Image = &img
			break
		}
	}
	return w
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
// unless LAB_CONFIG names it) and applies LAB_REGISTRY and the
// LAB_IMAGE_* overrides.
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
			if err := decodeConfigFile(path, data, &cfg); err != nil {
				return cfg, err
			}
			cfg.Path = path
			for kind, img := range cfg.Images {
				if img != "" {
					cfg.setSource(kind, "images."+kind+" in "+path)
				}
			}
		}
	}
	where := "image_set in " + cfg.Path
	if set := getenv("LAB_IMAGE_SET"); set != "" {
		cfg.ImageSet, where = set, "LAB_IMAGE_SET"
	}
	if r := getenv("LAB_REGISTRY"); r != "" {
		cfg.Registry = r
	}
	for _, kind := range imageKinds() {
		name := "LAB_IMAGE_" + strings.ToUpper(strings.ReplaceAll(kind, "-", "_"))
		if img := getenv(name); img != "" {
			if cfg.Images == nil {
				cfg.Images = map[Kind]string{}
			}
			cfg.Images[kind] = img
			cfg.setSource(kind, name)
		}
	}
	return cfg, cfg.validate(where)
}

func (c *Config) setSource(kind Kind, where string) {
	if c.ImageSources == nil {
		c.ImageSources = map[Kind]string{}
	}
	c.ImageSources[kind] = where
}

func (c Config) validate(where string) error {
	switch c.ImageSet {
	case "", "offline":
	case "official":
		return fmt.Errorf(`%s: the image set "official" was removed: labrunner's own images are the one tested set; to run upstream images, set them per kind (images: in the config file, or LAB_IMAGE_<KIND>), and lab checks each against its kind's contract`, where)
	default:
		return fmt.Errorf("%s: unknown image set %q: labrunner has one image set now; remove the setting", where, c.ImageSet)
	}
	if strings.Contains(c.Registry, "://") || strings.ContainsAny(c.Registry, " \t") {
		return fmt.Errorf("registry %q: want a host and path such as registry.example.edu/labrunner, without a scheme", c.Registry)
	}
	var unknown []string
	for kind := range c.Images {
		if _, ok := setImage(kind); !ok {
			unknown = append(unknown, kind)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return fmt.Errorf("config images: unknown service kind %q (known: %s)", unknown[0], strings.Join(imageKinds(), ", "))
	}
	return nil
}

package runner

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/labrunner/labrunner/labs"
)

// configSettings are the top-level keys of the configuration file, as
// messages list them. image_set is read too, so that old files load,
// but no longer offered.
var configSettings = []string{"registry", "images"}

// decodeConfigFile reads the configuration file data, named path, into
// cfg. Its errors are labs.Errors that point at the line, with the
// setting's name and the known ones, as lab.yaml's do: a config typo is
// `config.yaml:2: unknown setting "imagse" (did you mean "images"?)`, not
// the Go type it is decoded into.
func decodeConfigFile(path string, data []byte, cfg *Config) error {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return labs.Errors{labs.SyntaxError(path, data, err)}
	}
	if len(doc.Content) == 0 {
		return nil // empty, or comments only
	}
	root := doc.Content[0]
	var errs labs.Errors
	fail := func(n *yaml.Node, format string, args ...any) {
		errs = append(errs, &labs.Error{Path: path, Line: n.Line, Col: n.Column, Msg: fmt.Sprintf(format, args...)})
	}
	if root.Kind != yaml.MappingNode {
		fail(root, "the config file holds settings (%s), not %s", strings.Join(configSettings, ", "), shape(root))
		return errs
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		key, val := root.Content[i], alias(root.Content[i+1])
		switch key.Value {
		case "registry", "image_set":
			if val.Kind != yaml.ScalarNode || val.Tag == "!!null" {
				fail(val, "%s: want a string, not %s", key.Value, shape(val))
				continue
			}
			if key.Value == "registry" {
				cfg.Registry = val.Value
			} else {
				cfg.ImageSet = val.Value
			}
		case "images":
			decodeImages(val, cfg, fail)
		default:
			msg := fmt.Sprintf("unknown setting %q", key.Value)
			if s := labs.Suggest(key.Value, configSettings); s != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
			}
			fail(key, "%s; the settings are %s", msg, strings.Join(configSettings, ", "))
		}
	}
	if len(errs) > 0 {
		return errs
	}
	return nil
}

// decodeImages reads `images:`, a mapping of service kind to image.
func decodeImages(val *yaml.Node, cfg *Config, fail func(*yaml.Node, string, ...any)) {
	if val.Tag == "!!null" {
		return
	}
	if val.Kind != yaml.MappingNode {
		fail(val, "images: want a mapping of service kind to image (postgres: registry.example.edu/postgres:16), not %s", shape(val))
		return
	}
	for i := 0; i+1 < len(val.Content); i += 2 {
		k, v := val.Content[i], alias(val.Content[i+1])
		if _, ok := setImage(k.Value); !ok {
			msg := fmt.Sprintf("images: unknown service kind %q", k.Value)
			if s := labs.Suggest(k.Value, imageKinds()); s != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
			}
			fail(k, "%s; the kinds are %s", msg, strings.Join(imageKinds(), ", "))
			continue
		}
		if v.Kind != yaml.ScalarNode || v.Tag == "!!null" || v.Value == "" {
			fail(v, "images.%s: want an image reference such as registry.example.edu/%s:tag, not %s", k.Value, k.Value, shape(v))
			continue
		}
		if cfg.Images == nil {
			cfg.Images = map[Kind]string{}
		}
		cfg.Images[k.Value] = v.Value
	}
}

// alias returns the node an alias (*name) stands for, n otherwise.
func alias(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

// shape names what a YAML node is, for messages.
func shape(n *yaml.Node) string {
	switch {
	case n.Kind == yaml.MappingNode:
		return "a mapping"
	case n.Kind == yaml.SequenceNode:
		return "a list"
	case n.Tag == "!!null":
		return "nothing"
	}
	return fmt.Sprintf("%q", n.Value)
}

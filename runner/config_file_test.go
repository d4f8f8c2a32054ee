package runner

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestConfigFileErrors(t *testing.T) {
	tests := []struct {
		name string
		file string
		want string
	}{
		{"typo of a setting", "registry: r.example.edu/labrunner\nimagse:\n  postgres: p:16\n",
			`{path}:2:1: unknown setting "imagse" (did you mean "images"?); the settings are registry, images`},
		{"unknown setting", "mirror: x\n",
			`{path}:1:1: unknown setting "mirror"; the settings are registry, images`},
		{"typo of a kind", "images:\n  postgress: p:16\n",
			`{path}:2:3: images: unknown service kind "postgress" (did you mean "postgres"?); the kinds are backend, box, nginx, postgres, redis, runtime, runtime-go, runtime-node`},
		{"images not a mapping", "images:\n  - postgres:16\n",
			`{path}:2:3: images: want a mapping of service kind to image (postgres: registry.example.edu/postgres:16), not a list`},
		{"empty image", "images:\n  redis:\n",
			`{path}:2:9: images.redis: want an image reference such as registry.example.edu/redis:tag, not nothing`},
		{"registry not a string", "registry:\n  host: x\n",
			`{path}:2:3: registry: want a string, not a mapping`},
		{"not a mapping", "- registry\n",
			`{path}:1:1: the config file holds settings (registry, images), not a list`},
		{"tab", "images:\n\tpostgres: p:16\n",
			`{path}:2:1: invalid YAML: tab character; YAML indents with spaces`},
		{"under-indented", "images:\n  postgres: p:16\n  redis: r:7\n  nginx: n:1\n  box: b:1\n registry: x\n",
			`{path}:6:2: invalid YAML: this line is indented 1 space, but line 5 is indented 2 and line 1 is indented 0; align it with one of them (did not find expected key)`},
		{"two errors", "imagse: {}\nregistri: x\n",
			"{path}:1:1: unknown setting \"imagse\" (did you mean \"images\"?); the settings are registry, images\n" +
				"{path}:2:1: unknown setting \"registri\" (did you mean \"registry\"?); the settings are registry, images"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "config.yaml")
			if err := os.WriteFile(path, []byte(tt.file), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := LoadConfig(func(k string) string {
				if k == "LAB_CONFIG" {
					return path
				}
				return ""
			})
			want := replacePath(tt.want, path)
			if err == nil || err.Error() != want {
				t.Errorf("LoadConfig error:\n%v\nwant:\n%s", err, want)
			}
		})
	}
}

func TestConfigFileLoads(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.yaml")
	file := "registry: &r r.example.edu/labrunner\nimages:\n  postgres: *r\n"
	os.WriteFile(path, []byte(file), 0o644)
	cfg, err := LoadConfig(func(k string) string {
		if k == "LAB_CONFIG" {
			return path
		}
		return ""
	})
	if err != nil || cfg.Image("postgres") != "r.example.edu/labrunner" {
		t.Errorf("an alias: %v, postgres image %q", err, cfg.Image("postgres"))
	}
	file = "# a comment\nregistry: r.example.edu/labrunner\nimage_set: offline\nimages:\n  postgres: p:16\n"
	os.WriteFile(path, []byte(file), 0o644)
	cfg, err = LoadConfig(func(k string) string {
		if k == "LAB_CONFIG" {
			return path
		}
		return ""
	})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Registry != "r.example.edu/labrunner" || cfg.Image("postgres") != "p:16" || cfg.ImageSource("postgres") != "images.postgres in "+path {
		t.Errorf("config = %+v", cfg)
	}
	os.WriteFile(path, []byte("# nothing set\n"), 0o644)
	if _, err := LoadConfig(func(k string) string {
		if k == "LAB_CONFIG" {
			return path
		}
		return ""
	}); err != nil {
		t.Errorf("a file of comments: %v", err)
	}
}

func replacePath(s, path string) string { return strings.ReplaceAll(s, "{path}", path) }

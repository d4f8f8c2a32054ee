package engine

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// dockerContextHost returns the engine address of the Docker context in
// use, as the docker CLI picks it: $DOCKER_CONTEXT, else currentContext
// of $DOCKER_CONFIG/config.json (~/.docker/config.json). "" means none
// is set, or it is "default" (DOCKER_HOST, else the default socket), so
// that the usual search applies. Docker Desktop, colima, OrbStack and
// Rancher Desktop install a context; testcontainers-go does not read
// them, so lab does.
//
// A context names its endpoint in
// contexts/meta/<sha256 of its name>/meta.json under the config folder.
func dockerContextHost(getenv func(string) string) (name, host string, err error) {
	dir := getenv("DOCKER_CONFIG")
	if dir == "" {
		home := getenv("HOME")
		if home == "" {
			return "", "", nil
		}
		dir = filepath.Join(home, ".docker")
	}
	name = getenv("DOCKER_CONTEXT")
	if name == "" {
		b, err := os.ReadFile(filepath.Join(dir, "config.json"))
		if errors.Is(err, fs.ErrNotExist) {
			return "", "", nil
		}
		if err != nil {
			return "", "", fmt.Errorf("read docker config: %w", err)
		}
		var cfg struct {
			CurrentContext string `json:"currentContext"`
		}
		if err := json.Unmarshal(b, &cfg); err != nil {
			return "", "", fmt.Errorf("read %s: %w", filepath.Join(dir, "config.json"), err)
		}
		name = cfg.CurrentContext
	}
	if name == "" || name == "default" {
		return "", "", nil
	}
	sum := sha256.Sum256([]byte(name))
	meta := filepath.Join(dir, "contexts", "meta", hex.EncodeToString(sum[:]), "meta.json")
	b, err := os.ReadFile(meta)
	if err != nil {
		return name, "", fmt.Errorf("docker context %q: %w (see `docker context ls`)", name, err)
	}
	var m struct {
		Endpoints map[string]struct {
			Host string `json:"Host"`
		} `json:"Endpoints"`
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return name, "", fmt.Errorf("docker context %q: read %s: %w", name, meta, err)
	}
	host = m.Endpoints["docker"].Host
	if host == "" {
		return name, "", fmt.Errorf("docker context %q has no docker endpoint (%s)", name, meta)
	}
	return name, host, nil
}

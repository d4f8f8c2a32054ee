package images

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync"
)

// DefaultRegistry is where labrunner's images are published (by the
// release workflow) and pulled from when no registry is configured.
const DefaultRegistry = "ghcr.io/labrunner"

// BaseImage is the image every context builds FROM unless a base made
// with debootstrap replaces it (build argument BASE).
const BaseImage = "debian:bookworm-slim"

// Image is one image of the set.
type Image struct {
	// Name is the repository name under the registry ("postgres").
	Name string
	// Version says what the image holds; it begins the tag ("15").
	Version string
	// About is one line for `lab images list`.
	About string
}

// The set. Each has a folder of the same name in this package.
var (
	Postgres = Image{Name: "postgres", Version: "15", About: "PostgreSQL 15 from Debian, data directory initialised at build time"}
	Redis    = Image{Name: "redis", Version: "7", About: "Redis 7 from Debian"}
	Nginx    = Image{Name: "nginx", Version: "1.22", About: "nginx from Debian with the official image's layout"}
	Box      = Image{Name: "box", Version: "bookworm", About: "a plain Debian box for operating-system and git labs"}
	Python   = Image{Name: "python", Version: "3.11", About: "Python 3.11 with psycopg2 and redis"}
	Backend  = Image{Name: "backend", Version: "1", About: "the upstream HTTP server of nginx labs"}
	Node     = Image{Name: "node", Version: "18", About: "Node.js 18 with pg and redis"}
	Golang   = Image{Name: "golang", Version: "1.19", About: "Go 1.19 with lib/pq and redigo, build cache warmed"}
)

// All returns the images of the set, in a stable order.
func All() []Image { return []Image{Postgres, Redis, Nginx, Box, Python, Backend, Node, Golang} }

// Lookup returns the image of the set called name.
func Lookup(name string) (Image, bool) {
	for _, img := range All() {
		if img.Name == name {
			return img, true
		}
	}
	return Image{}, false
}

// Tag is the image's tag: its version and the first 12 hex digits of the
// hash of its build context ("15-3f2a9c1b7d4e").
func (i Image) Tag() string { return i.Version + "-" + i.Hash()[:12] }

// Ref is the image's reference under registry (DefaultRegistry when
// empty). The same reference names the local copy, whether it was pulled
// or built.
func (i Image) Ref(registry string) string {
	if registry == "" {
		registry = DefaultRegistry
	}
	return strings.TrimSuffix(registry, "/") + "/" + i.Name + ":" + i.Tag()
}

// Hash is the hex SHA-256 of the image's build context: every file's
// path, length and content, in path order.
func (i Image) Hash() string {
	return contextHashes()[i.Name]
}

// Context returns the image's build context as a tar stream, the form the
// engine's build API and `docker build -` take.
func (i Image) Context() (io.Reader, error) {
	files, err := i.files()
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, f := range files {
		mode := int64(0o644)
		if strings.HasSuffix(f.name, ".sh") {
			mode = 0o755
		}
		hdr := &tar.Header{Name: f.name, Mode: mode, Size: int64(len(f.data)), Typeflag: tar.TypeReg}
		if err := tw.WriteHeader(hdr); err != nil {
			return nil, err
		}
		if _, err := tw.Write(f.data); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return &buf, nil
}

type contextFile struct {
	name string
	data []byte
}

// files lists the image's context, paths relative to its folder, sorted.
// Go files stay out unless the Dockerfile compiles them (backend), and
// test files always do.
func (i Image) files() ([]contextFile, error) {
	var out []contextFile
	err := fs.WalkDir(contexts, i.Name, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if strings.HasSuffix(p, "_test.go") {
			return nil
		}
		data, err := contexts.ReadFile(p)
		if err != nil {
			return err
		}
		out = append(out, contextFile{name: strings.TrimPrefix(p, i.Name+"/"), data: data})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("image %s: read its build context: %w", i.Name, err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("image %s: no build context", i.Name)
	}
	sort.Slice(out, func(a, b int) bool { return out[a].name < out[b].name })
	return out, nil
}

var contextHashes = sync.OnceValue(func() map[string]string {
	m := map[string]string{}
	for _, img := range All() {
		files, err := img.files()
		if err != nil {
			// The contexts are compiled in; a missing one is a build
			// defect, caught by the package's tests.
			panic(err)
		}
		h := sha256.New()
		for _, f := range files {
			fmt.Fprintf(h, "%s\x00%d\x00", path.Clean(f.name), len(f.data))
			h.Write(f.data)
		}
		m[img.Name] = hex.EncodeToString(h.Sum(nil))
	}
	return m
})

// Package images is labrunner's image set: one image per service kind,
// built from the Dockerfiles in this folder, which are compiled into the
// binary. Every image is tagged with a hash of its build context, so a
// changed Dockerfile gives a new tag and a stale image is never used.
//
// An image a lab needs arrives by itself (see Fetcher): it is used when
// present, else pulled from the configured registry, else built from its
// embedded context on top of debian:bookworm-slim (or, where no registry
// answers and the machine is Debian as root, on a base made with
// debootstrap). The package talks to the engine through the Docker API
// client that testcontainers-go uses, and knows nothing of labs.
package images

import "embed"

// contexts holds the build context of every image, one folder each.
//
//go:embed postgres redis nginx box python backend node golang
var contexts embed.FS

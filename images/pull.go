package images

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/pkg/authconfig"
	"github.com/moby/moby/api/types/registry"
	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"
)

// pullAttempts bounds the retries of a pull that failed for a reason that
// may pass (a reset connection, a 5xx); backoff is the first wait.
var (
	pullAttempts = 3
	pullBackoff  = time.Second
)

// pull pulls ref, retrying transient failures, and returns its size.
func (f *Fetcher) pull(ctx context.Context, ref string, bar *bar) (int64, error) {
	var err error
	wait := pullBackoff
	for attempt := 1; attempt <= pullAttempts; attempt++ {
		err = f.pullOnce(ctx, ref, bar)
		if err == nil {
			size, _, ierr := Size(ctx, f.Client, ref)
			return size, ierr
		}
		if !retryable(err) || attempt == pullAttempts || ctx.Err() != nil {
			break
		}
		bar.status(fmt.Sprintf("retrying in %s: %s", wait, firstLine(err.Error())))
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-time.After(wait):
		}
		wait *= 3
	}
	return 0, err
}

func (f *Fetcher) pullOnce(ctx context.Context, ref string, bar *bar) error {
	resp, err := f.Client.ImagePull(ctx, ref, client.ImagePullOptions{RegistryAuth: registryAuth(ctx, ref)})
	if err != nil {
		return err
	}
	defer resp.Close()
	layers := map[string][2]int64{}
	for msg, err := range resp.JSONMessages(ctx) {
		if err != nil {
			return err
		}
		if msg.Error != nil {
			return errors.New(msg.Error.Message)
		}
		if msg.ID != "" && msg.Progress != nil && msg.Progress.Total > 0 && msg.Status == "Downloading" {
			layers[msg.ID] = [2]int64{msg.Progress.Current, msg.Progress.Total}
		}
		if msg.ID != "" && (msg.Status == "Download complete" || msg.Status == "Pull complete") {
			if l, ok := layers[msg.ID]; ok {
				layers[msg.ID] = [2]int64{l[1], l[1]}
			}
		}
		var cur, total int64
		for _, l := range layers {
			cur += l[0]
			total += l[1]
		}
		bar.set(cur, total)
	}
	return nil
}

// registryAuth is the encoded credentials docker login stored for ref's
// registry (config file or credential helper), else empty credentials:
// an engine before API 1.42 (Docker 20.10) refuses a push without the
// X-Registry-Auth header ("Bad parameters and missing X-Registry-Auth"),
// so anonymous is sent as an empty object, as the docker CLI does.
func registryAuth(ctx context.Context, ref string) string {
	_, cfg, err := testcontainers.DockerImageAuth(ctx, ref)
	if err != nil {
		cfg = registry.AuthConfig{}
	}
	enc, err := authconfig.Encode(cfg)
	if err != nil {
		return ""
	}
	return enc
}

// retryable reports whether a failed pull may succeed if tried again.
func retryable(err error) bool {
	switch problemOf(err) {
	case problemRateLimit, problemUnauthorized, problemNotFound, problemOffline:
		return false
	}
	return !errors.Is(err, context.Canceled)
}

type problem int

const (
	problemOther problem = iota
	problemRateLimit
	problemUnauthorized
	problemNotFound
	problemOffline
)

func problemOf(err error) problem {
	msg := strings.ToLower(err.Error())
	switch {
	case strings.Contains(msg, "toomanyrequests") || strings.Contains(msg, "rate limit") || strings.Contains(msg, "429 too many"):
		return problemRateLimit
	case cerrdefs.IsUnauthorized(err) || cerrdefs.IsPermissionDenied(err) ||
		strings.Contains(msg, "unauthorized") || strings.Contains(msg, "denied") || strings.Contains(msg, "authentication required"):
		return problemUnauthorized
	case cerrdefs.IsNotFound(err) || strings.Contains(msg, "manifest unknown") || strings.Contains(msg, "not found"):
		return problemNotFound
	case strings.Contains(msg, "no such host") || strings.Contains(msg, "connection refused") ||
		strings.Contains(msg, "network is unreachable") || strings.Contains(msg, "i/o timeout") ||
		strings.Contains(msg, "server misbehaving") || strings.Contains(msg, "tls handshake timeout") ||
		strings.Contains(msg, "no route to host") || strings.Contains(msg, "dial tcp"):
		return problemOffline
	}
	return problemOther
}

// pullProblem says in one sentence why ref could not be pulled.
func pullProblem(ref string, err error) string {
	reg := registryOf(ref)
	switch problemOf(err) {
	case problemRateLimit:
		return fmt.Sprintf("%s is rate-limiting pulls; wait a while, run `docker login %s`, or set LAB_REGISTRY to a mirror", reg, reg)
	case problemUnauthorized:
		return fmt.Sprintf("%s refused the pull (unauthorized); run `docker login %s`, or check the image name", reg, reg)
	case problemNotFound:
		return fmt.Sprintf("%s has no image %s", reg, ref)
	case problemOffline:
		return fmt.Sprintf("%s cannot be reached (offline, or blocked by a firewall or proxy)", reg)
	}
	return fmt.Sprintf("pull from %s failed: %s", reg, firstLine(err.Error()))
}

// registryOf returns the registry host of ref, or "Docker Hub" for short names.
func registryOf(ref string) string {
	first, _, ok := strings.Cut(ref, "/")
	if ok && (strings.ContainsAny(first, ".:") || first == "localhost") {
		return first
	}
	return "Docker Hub"
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

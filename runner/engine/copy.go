package engine

import (
	"archive/tar"
	"bytes"
	"context"
	"fmt"
	"path"
	"time"

	"github.com/moby/moby/client"
)

// CopyFiles writes files into the service's running container, creating
// parent folders as needed.
func (s *Service) CopyFiles(ctx context.Context, files ...File) error {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	dirs := map[string]bool{}
	now := time.Now()
	for _, f := range files {
		if !path.IsAbs(f.Path) {
			return fmt.Errorf("copy to %s: path %q is not absolute", s.Name, f.Path)
		}
		// Parent folders first, so the tar extracts anywhere.
		var parents []string
		for dir := path.Dir(f.Path); dir != "/" && !dirs[dir]; dir = path.Dir(dir) {
			parents = append([]string{dir}, parents...)
			dirs[dir] = true
		}
		for _, dir := range parents {
			if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: dir[1:] + "/", Mode: 0o755, ModTime: now}); err != nil {
				return err
			}
		}
		mode := f.Mode
		if mode == 0 {
			mode = 0o644
		}
		if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: f.Path[1:], Mode: mode, Size: int64(len(f.Content)), ModTime: now}); err != nil {
			return err
		}
		if _, err := tw.Write(f.Content); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	_, err := s.d.cli.CopyToContainer(ctx, s.ContainerID, client.CopyToContainerOptions{
		DestinationPath: "/",
		Content:         &buf,
	})
	if err != nil {
		return envErr(fmt.Errorf("copy to %s: %w", s.Name, err))
	}
	return nil
}

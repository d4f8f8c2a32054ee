package images

import (
	"archive/tar"
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/moby/moby/client"
)

// DebootstrapBase is the base made with debootstrap where BaseImage can't
// be pulled: Debian bookworm's minbase variant, imported into the engine.
const DebootstrapBase = "labrunner/debian:bookworm-debootstrap"

// baseImage returns the base builds start FROM, once per Fetcher:
// BaseImage or DebootstrapBase when present, else BaseImage pulled, else
// (Debian as root) DebootstrapBase made.
func (f *Fetcher) baseImage(ctx context.Context, bar *bar) (string, error) {
	f.baseMu.Lock()
	defer f.baseMu.Unlock()
	if f.base != "" {
		return f.base, nil
	}
	for _, ref := range []string{BaseImage, DebootstrapBase} {
		ok, err := f.present(ctx, ref)
		if err != nil {
			return "", err
		}
		if ok {
			f.base = ref
			return ref, nil
		}
	}
	if f.Policy == PullNever {
		return "", fmt.Errorf("the base image %s is not present and --pull never forbids fetching it", BaseImage)
	}
	bar.status("pulling the base " + BaseImage)
	_, err := f.pull(ctx, BaseImage, bar)
	if err == nil {
		f.base = BaseImage
		return BaseImage, nil
	}
	if ctx.Err() != nil {
		return "", ctx.Err()
	}
	reason := pullProblem(BaseImage, err)
	if !canDebootstrap() {
		return "", fmt.Errorf("the base image %s could not be pulled: %s (on Debian as root, labrunner makes one with debootstrap instead)", BaseImage, reason)
	}
	bar.status("the base " + BaseImage + " could not be pulled; making one with debootstrap (about a minute)")
	if err := Debootstrap(ctx, f.Client, DebootstrapBase); err != nil {
		return "", fmt.Errorf("the base image %s could not be pulled (%s), and debootstrap failed: %w", BaseImage, reason, err)
	}
	f.base = DebootstrapBase
	return DebootstrapBase, nil
}

// canDebootstrap reports whether this machine can make a base with
// debootstrap: Debian (or a derivative with apt), as root.
func canDebootstrap() bool {
	if os.Geteuid() != 0 {
		return false
	}
	_, err := os.Stat("/etc/debian_version")
	return err == nil
}

// Debootstrap makes a Debian bookworm minbase root file system with
// debootstrap (installed with apt-get when missing) from this machine's
// Debian mirror, and imports it into the engine as ref.
func Debootstrap(ctx context.Context, c *client.Client, ref string) error {
	if _, err := exec.LookPath("debootstrap"); err != nil {
		if err := aptInstall(ctx, "debootstrap"); err != nil {
			return err
		}
	}
	root, err := os.MkdirTemp("", "labrunner-rootfs-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(root)
	cmd := exec.CommandContext(ctx, "debootstrap", "--variant=minbase", "bookworm", root, debianMirror())
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("debootstrap: %w: %s", err, lastLines(string(out), 5))
	}
	for _, glob := range []string{"var/cache/apt/*", "var/lib/apt/lists/*",
		"usr/share/doc/*", "usr/share/man/*", "usr/share/info/*", "usr/share/locale/*"} {
		matches, _ := filepath.Glob(filepath.Join(root, glob))
		for _, m := range matches {
			os.RemoveAll(m)
		}
	}
	aptConf := "APT::Install-Recommends \"false\";\nAPT::Install-Suggests \"false\";\n"
	if err := os.WriteFile(filepath.Join(root, "etc/apt/apt.conf.d/90labrunner"), []byte(aptConf), 0o644); err != nil {
		return err
	}
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(tarDir(pw, root)) }()
	res, err := c.ImageImport(ctx, client.ImageImportSource{Source: pr, SourceName: "-"}, ref,
		client.ImageImportOptions{Changes: []string{`CMD ["/bin/bash"]`, "ENV LANG=C.UTF-8"}})
	if err != nil {
		pr.CloseWithError(err)
		return fmt.Errorf("import the root file system: %w", err)
	}
	defer res.Close()
	for msg, err := range decodeMessages(res) {
		if err != nil {
			return fmt.Errorf("import the root file system: %w", err)
		}
		if msg.Error != nil {
			return fmt.Errorf("import the root file system: %s", msg.Error.Message)
		}
	}
	return nil
}

// tarDir writes the tree under dir as a tar stream, keeping owners,
// modes, links and device nodes (it runs as root).
func tarDir(w io.Writer, dir string) error {
	tw := tar.NewWriter(w)
	err := filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil || rel == "." {
			return err
		}
		link := ""
		if info.Mode()&os.ModeSymlink != 0 {
			if link, err = os.Readlink(p); err != nil {
				return err
			}
		}
		hdr, err := tar.FileInfoHeader(info, link)
		if err != nil {
			return err
		}
		hdr.Name = filepath.ToSlash(rel)
		if info.IsDir() {
			hdr.Name += "/"
		}
		if err := tw.WriteHeader(hdr); err != nil {
			return err
		}
		if info.Mode().IsRegular() {
			f, err := os.Open(p)
			if err != nil {
				return err
			}
			_, err = io.Copy(tw, f)
			f.Close()
			return err
		}
		return nil
	})
	if err != nil {
		return err
	}
	return tw.Close()
}

// aptInstall installs Debian packages, updating the lists when the first
// try fails (a fresh machine may have none).
func aptInstall(ctx context.Context, pkgs ...string) error {
	args := append([]string{"install", "-y", "-qq"}, pkgs...)
	run := func(args ...string) error {
		cmd := exec.CommandContext(ctx, "apt-get", args...)
		cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
		out, err := cmd.CombinedOutput()
		if err != nil {
			return fmt.Errorf("apt-get %s: %w: %s", strings.Join(args, " "), err, lastLines(string(out), 3))
		}
		return nil
	}
	if run(args...) == nil {
		return nil
	}
	if err := run("update", "-qq"); err != nil {
		return err
	}
	return run(args...)
}

var (
	debSourcesURI = regexp.MustCompile(`^URIs:\s*(http\S+/debian)\s*$`)
	debListURI    = regexp.MustCompile(`^deb\s+(?:\[[^]]*\]\s+)?(http\S+/debian)\s`)
)

// debianMirror is $DEBIAN_MIRROR, else the first Debian mirror in this
// machine's apt sources, else Debian's own redirector.
func debianMirror() string {
	if m := os.Getenv("DEBIAN_MIRROR"); m != "" {
		return m
	}
	files, _ := filepath.Glob("/etc/apt/sources.list.d/*.sources")
	files = append(files, "/etc/apt/sources.list")
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			continue
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			if m := debSourcesURI.FindStringSubmatch(line); m != nil {
				f.Close()
				return m[1]
			}
			if m := debListURI.FindStringSubmatch(line); m != nil {
				f.Close()
				return m[1]
			}
		}
		f.Close()
	}
	return "http://deb.debian.org/debian"
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

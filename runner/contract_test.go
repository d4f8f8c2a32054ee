package runner

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/labrunner/labrunner/labs"
	"github.com/labrunner/labrunner/runner/engine"
)

func TestContractError(t *testing.T) {
	lacks := engine.Lacks{Missing: []string{"command nginx", "path /etc/nginx/conf.d"}}
	for _, tc := range []struct {
		name string
		err  ContractError
		want string
	}{
		{"environment", ContractError{Kind: "nginx", Image: "mirror/box:1", Source: "LAB_IMAGE_NGINX", Lacks: lacks},
			"image LAB_IMAGE_NGINX=mirror/box:1 for nginx lacks what labrunner needs: command nginx, path /etc/nginx/conf.d; use an image with them, or unset LAB_IMAGE_NGINX to use labrunner's"},
		{"config file", ContractError{Kind: "nginx", Image: "x/box:1", Source: "images.nginx in /home/ann/.config/labrunner/config.yaml", Lacks: lacks},
			"image x/box:1 (images.nginx in /home/ann/.config/labrunner/config.yaml) for nginx lacks what labrunner needs: command nginx, path /etc/nginx/conf.d; use an image with them, or remove images.nginx from /home/ann/.config/labrunner/config.yaml to use labrunner's"},
		{"a lab's image", ContractError{Kind: "nginx", Image: "x/box:1", Service: "web", Lacks: lacks},
			"image x/box:1 of service web for nginx lacks what labrunner needs: command nginx, path /etc/nginx/conf.d; use an image with them"},
		{"no shell", ContractError{Kind: "redis", Image: "distroless/redis", Source: "LAB_IMAGE_REDIS", Lacks: engine.Lacks{NoShell: true}},
			"image LAB_IMAGE_REDIS=distroless/redis for redis has no /bin/sh, which labrunner runs its commands with and checks images with; use an image with a POSIX shell, or unset LAB_IMAGE_REDIS to use labrunner's"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.err.Error(); got != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
		})
	}
}

// TestToCheck: images set by hand and images labrunner did not build are
// checked; labrunner's own, by the configuration, are not.
func TestToCheck(t *testing.T) {
	env := map[string]string{"LAB_CONFIG": "/nonexistent-labrunner.yaml", "LAB_IMAGE_NGINX": "mirror/nginx:1"}
	cfg, err := LoadConfig(func(k string) string { return env[k] })
	if err == nil {
		t.Fatal("LAB_CONFIG names a missing file: want an error")
	}
	delete(env, "LAB_CONFIG")
	env["XDG_CONFIG_HOME"] = t.TempDir()
	file := filepath.Join(env["XDG_CONFIG_HOME"], "labrunner", "config.yaml")
	os.MkdirAll(filepath.Dir(file), 0o755)
	os.WriteFile(file, []byte("images:\n  nginx: file/nginx:1\n  redis: file/redis:1\n"), 0o644)
	if cfg, err = LoadConfig(func(k string) string { return env[k] }); err != nil {
		t.Fatal(err)
	}
	// The environment wins over the file, and says so.
	if got := cfg.ImageSource(labs.KindNginx); got != "LAB_IMAGE_NGINX" {
		t.Errorf("ImageSource(nginx) = %q", got)
	}
	if got, want := cfg.ImageSource(labs.KindRedis), "images.redis in "+file; got != want {
		t.Errorf("ImageSource(redis) = %q, want %q", got, want)
	}
	if got := cfg.ImageSource(labs.KindBox); got != "" {
		t.Errorf("ImageSource(box) = %q, want none", got)
	}
	for _, tc := range []struct {
		kind, image    string
		check, handSet bool
	}{
		{labs.KindNginx, "mirror/nginx:1", true, true},
		{labs.KindBox, cfg.Image(labs.KindBox), false, false},
		{labs.KindBox, "lab/own:1", true, false},
		// A lab's image for a kind whose configured one is set by hand.
		{labs.KindNginx, "lab/nginx:2", true, false},
	} {
		check, handSet := cfg.toCheck(engine.ServiceSpec{Kind: tc.kind, Image: tc.image})
		if check != tc.check || handSet != tc.handSet {
			t.Errorf("%s %s: check %v, hand set %v; want %v, %v", tc.kind, tc.image, check, handSet, tc.check, tc.handSet)
		}
	}
}

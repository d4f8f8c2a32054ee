package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestMemoryCgroupDir(t *testing.T) {
	tests := []struct {
		name, proc, want, wantErr string
	}{
		{"v1", "9:name=systemd:/docker/abc\n4:memory:/docker/abc\n0::/docker/abc\n", "/sys/fs/cgroup/memory/docker/abc", ""},
		{"v1, memory joined with others", "4:cpu,memory:/docker/abc\n", "/sys/fs/cgroup/memory/docker/abc", ""},
		{"v2", "0::/system.slice/docker-abc.scope\n", "/sys/fs/cgroup/system.slice/docker-abc.scope", ""},
		{"none", "1:cpu:/docker/abc\n", "", "no memory cgroup"},
		{"empty", "", "", "no memory cgroup"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := memoryCgroupDir("/sys/fs/cgroup", tt.proc)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("= %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func TestCgroupUsage(t *testing.T) {
	write := func(t *testing.T, files map[string]string) string {
		dir := t.TempDir()
		for name, content := range files {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return dir
	}
	tests := []struct {
		name  string
		files map[string]string
		want  float64
	}{
		{"v2", map[string]string{"memory.current": "1000\n", "memory.stat": "anon 600\ninactive_file 300\nactive_file 100\n"}, 700},
		{"v1", map[string]string{"memory.usage_in_bytes": "1000\n", "memory.stat": "cache 400\ninactive_file 50\ntotal_inactive_file 300\n"}, 700},
		{"no inactive file cache", map[string]string{"memory.current": "1000\n", "memory.stat": "anon 1000\n"}, 1000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := cgroupUsage(write(t, tt.files))
			if err != nil || got != tt.want {
				t.Errorf("= %v, %v; want %v", got, err, tt.want)
			}
		})
	}
	if _, err := cgroupUsage(filepath.Join(t.TempDir(), "gone")); err == nil {
		t.Error("a removed container's cgroup read without error")
	}
}

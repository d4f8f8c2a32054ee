package runner

import (
	"slices"
	"strings"
	"testing"
)

func TestZygoteCommand(t *testing.T) {
	client := []string{"python3", "-I", "-S", "-c", zygoteClient, zygoteSock}
	tests := []struct {
		name string
		cmd  []string
		user string
		want []string
	}{
		{"a script", []string{"python3", "/lab/harness.py", `["get_user", 1]`}, ProgramUser, append(client, "/lab/harness.py", `["get_user", 1]`)},
		{"python, the image's link", []string{"python", "main.py"}, ProgramUser, append(client, "main.py")},
		{"another user", []string{"python3", "main.py"}, "root", []string{"python3", "main.py"}},
		{"an option of python3", []string{"python3", "-c", "print(1)"}, ProgramUser, []string{"python3", "-c", "print(1)"}},
		{"a module", []string{"python3", "-m", "pytest"}, ProgramUser, []string{"python3", "-m", "pytest"}},
		{"stdin", []string{"python3", "-"}, ProgramUser, []string{"python3", "-"}},
		{"no script", []string{"python3"}, ProgramUser, []string{"python3"}},
		{"an empty script name", []string{"python3", ""}, ProgramUser, []string{"python3", ""}},
		{"another program", []string{"sh", "-c", "python3 x.py"}, ProgramUser, []string{"sh", "-c", "python3 x.py"}},
		{"a python by path", []string{"/usr/bin/python3", "x.py"}, ProgramUser, []string{"/usr/bin/python3", "x.py"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := zygoteCommand(tt.cmd, tt.user); !slices.Equal(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// TestZygoteSock: the socket is in root's folder and named for the code,
// so that a zygote of another version is never asked.
func TestZygoteSock(t *testing.T) {
	if !strings.HasPrefix(zygoteSock, zygoteDir+"/py-") || !strings.HasSuffix(zygoteSock, ".sock") || len(zygoteSock) != len(zygoteDir+"/py-.sock")+12 {
		t.Errorf("socket %q", zygoteSock)
	}
	if args := zygoteArgs(); args[0] != zygoteSock || args[1] != zygoteServer || args[2] != ProgramUser || !slices.Equal(args[3:], zygotePreload) {
		t.Errorf("args %q", args[:3])
	}
}

package runner

import (
	"testing"

	"github.com/labrunner/labrunner/checks"
	"github.com/labrunner/labrunner/labs"
)

// procNetTCP is /proc/net/tcp and tcp6 of a runtime: Docker's resolver
// (root's, on 127.0.0.11), and the program's sockets (uid 65534).
const procNetTCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0B00007F:A165 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0000000000000000 100 0 0 10 0
   1: 00000000:1F41 00000000:0000 0A 00000000:00000000 00:00000000 00000000 65534        0 2 1 0000000000000000 100 0 0 10 0
   2: 0100007F:1F40 00000000:0000 0A 00000000:00000000 00:00000000 00000000 65534        0 3 1 0000000000000000 100 0 0 10 0
   3: 0300160A:1F40 0200160A:D2F0 01 00000000:00000000 00:00000000 00000000 65534        0 4 1 0000000000000000 100 0 0 10 0
  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000001000000:1F42 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000 65534        0 5 1 0000000000000000 100 0 0 10 0
`

func TestParseListens(t *testing.T) {
	got := parseListens(procNetTCP)
	want := []listenAddr{{port: 8001}, {port: 8000, loopback: true}, {port: 8002, loopback: true}}
	if len(got) != len(want) {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("socket %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestListenDiagnosis(t *testing.T) {
	sv := &labs.Serve{Port: 8000, Ready: "/health", Timeout: checks.Duration{}}
	tests := []struct {
		name string
		ls   []listenAddr
		want string
	}{
		{"nothing", nil, "nothing listens on port 8000"},
		{"the port", []listenAddr{{port: 8000}}, "it listens on port 8000, but gave no HTTP answer to GET /health"},
		{"loopback", []listenAddr{{port: 8000, loopback: true}}, "it listens on port 8000 of the loopback address only; listen on all addresses (0.0.0.0), where the checks reach it"},
		{"another port", []listenAddr{{port: 8080}}, "it listens on port 8080, not 8000"},
		{"other ports", []listenAddr{{port: 8080}, {port: 9000, loopback: true}}, "it listens on ports 8080, 9000, not 8000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := listenDiagnosis(tt.ls, sv); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestParseServerState(t *testing.T) {
	tests := []struct {
		name, out    string
		exited       bool
		code, listen int
		output       string
	}{
		{"running", serverStateSep + "\n" + procNetTCP + serverStateSep + "\nlistening\n", false, 0, 3, "listening\n"},
		{"exited", "3\n" + serverStateSep + "\n" + serverStateSep + "\nboom\n", true, 3, 0, "boom\n"},
		{"no separators", "garbage", false, 0, 0, "garbage"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := parseServerState(tt.out)
			if s.exited != tt.exited || s.code != tt.code || len(s.listens) != tt.listen || s.output != tt.output {
				t.Errorf("got %+v", s)
			}
		})
	}
}

func TestExitSentence(t *testing.T) {
	tests := []struct {
		code int
		want string
	}{
		{1, "the program exited with code 1"},
		{124, "the program ran for its whole time limit and was stopped"},
		{137, "the program was killed (SIGKILL; it may have run out of memory, the limit is 512 MiB)"},
		{143, "the program was killed by signal 15"},
	}
	for _, tt := range tests {
		if got := exitSentence(tt.code); got != tt.want {
			t.Errorf("exitSentence(%d) = %q, want %q", tt.code, got, tt.want)
		}
	}
}

func TestProgramOutput(t *testing.T) {
	long := ""
	for i := range 30 {
		long += "line " + string(rune('a'+i%26)) + "\n"
	}
	tests := []struct {
		name, out, want string
	}{
		{"nothing", "", "[lab] the program printed nothing"},
		{"short", "listening\nboom\n", "[lab] the program's output:\nlistening\nboom"},
		{"long", long, "[lab] the end of the program's output (its last 3 lines at most):\nline b\nline c\nline d"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := programOutput(tt.out, 3); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

package pg

import "testing"

// TestEnvCode: the server's own failures are the environment's, never
// the submission's; the submission's quota and its own mistakes are not.
func TestEnvCode(t *testing.T) {
	for code, want := range map[string]bool{
		"53100": true,  // disk full
		"53200": true,  // out of memory
		"53300": true,  // too many connections
		"57P01": true,  // admin shutdown
		"57P02": true,  // crash shutdown
		"57P03": true,  // cannot connect now: recovering
		"08006": true,  // connection failure
		"58030": true,  // I/O error
		"XX000": true,  // internal error
		"57014": false, // cancelled: the deadline or the quota
		"53400": false, // temp_file_limit
		"58P01": false, // CREATE EXTENSION of one that does not exist
		"42P01": false, // undefined table
		"25001": false,
		"":      false,
	} {
		if got := envCode(code); got != want {
			t.Errorf("envCode(%q) = %v, want %v", code, got, want)
		}
	}
}

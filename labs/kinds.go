package labs

// The service kinds a lab can declare. The runner has one file per kind.
const (
	KindBackend  = "backend"
	KindBox      = "box"
	KindNginx    = "nginx"
	KindPostgres = "postgres"
	KindRedis    = "redis"
	KindRuntime  = "runtime"
)

// The difficulties of a lab.
const (
	Beginner     = "beginner"
	Intermediate = "intermediate"
	Advanced     = "advanced"
)

// kindSpec is what a service kind accepts.
type kindSpec struct {
	name string
	// fixtures: the kind is seeded from fixture files.
	fixtures bool
	// files: files are copied into the kind's container.
	files bool
	// database: the kind has a lab database.
	database bool
	// acl: the kind can have a restricted learner user (`acl: true`).
	acl bool
	// http: the kind always serves HTTP; http checks can target it.
	http bool
	// serve: the kind can run a learner's program as a server (`serve:`);
	// http checks can target it then.
	serve bool
}

// kinds is the table of service kinds, sorted by name.
var kinds = []kindSpec{
	// The upstream HTTP server of nginx labs, configured by env only.
	{name: KindBackend, http: true},
	{name: KindBox, fixtures: true, files: true},
	{name: KindNginx, files: true, http: true},
	{name: KindPostgres, fixtures: true, database: true},
	{name: KindRedis, fixtures: true, acl: true},
	{name: KindRuntime, files: true, serve: true},
}

// applyModes maps each submission apply mode to the service kind it needs,
// in the order the documentation lists them.
var applyModes = []struct{ mode, kind string }{
	{ApplyQuery, KindPostgres},
	{ApplySQL, KindPostgres},
	{ApplyNginxConfig, KindNginx},
	{ApplyShell, KindBox},
	{ApplyScript, KindBox},
	{ApplyProgram, KindRuntime},
}

// Kinds returns the service kinds, sorted.
func Kinds() []string {
	out := make([]string, len(kinds))
	for i, k := range kinds {
		out[i] = k.name
	}
	return out
}

// ApplyModes returns the submission apply modes.
func ApplyModes() []string {
	out := make([]string, len(applyModes))
	for i, m := range applyModes {
		out[i] = m.mode
	}
	return out
}

// Difficulties returns the difficulties, easiest first.
func Difficulties() []string { return []string{Beginner, Intermediate, Advanced} }

// applyKind returns the service kind an apply mode needs.
func applyKind(mode string) (string, bool) {
	for _, m := range applyModes {
		if m.mode == mode {
			return m.kind, true
		}
	}
	return "", false
}

// lookupKind returns the spec of a service kind.
func lookupKind(name string) (kindSpec, bool) {
	for _, k := range kinds {
		if k.name == name {
			return k, true
		}
	}
	return kindSpec{}, false
}

func knownKind(name string) bool {
	_, ok := lookupKind(name)
	return ok
}

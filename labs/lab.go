package labs

import (
	"io/fs"

	"github.com/labrunner/labrunner/checks"
)

// Lab is a loaded, validated lab definition (lab.yaml) and where it lives.
type Lab struct {
	// ID is the lab's id, equal to its folder name ("sql-join").
	ID string `yaml:"id"`
	// Title is a one-line title.
	Title string `yaml:"title"`
	// Summary is a sentence or two for `lab list --json` and `lab show`.
	Summary string `yaml:"summary"`
	// Difficulty is beginner, intermediate or advanced.
	Difficulty string `yaml:"difficulty"`
	// Tags are free-form keywords.
	Tags []string `yaml:"tags,omitempty"`
	// Estimate is how long the lab takes a learner, "20m".
	Estimate checks.Duration `yaml:"estimate,omitempty"`
	// Services are the lab's containers by name; checks and submission
	// files name them.
	Services map[string]*Service `yaml:"services"`
	// Submission lists the files the learner edits and how each is applied.
	Submission []*SubmissionFile `yaml:"submission"`
	// Hints are shown by `lab hint` and with failing checks.
	Hints []*Hint `yaml:"hints,omitempty"`
	// Checks grade the submission, in order.
	Checks []*CheckDef `yaml:"checks"`
	// Variants are hidden data sets: result checks of a postgres service
	// and the on_variants checks of a box also run on each.
	Variants []*Variant `yaml:"variants,omitempty"`
	// Solution is the folder of the reference solution; default "solution".
	Solution string `yaml:"solution,omitempty"`
	// Wrong are the known-wrong solutions `lab test` proves fail.
	Wrong []*WrongSolution `yaml:"wrong,omitempty"`
	// Languages are the languages a program lab is offered in, the first
	// the default (see language.go); none means DefaultLanguage alone,
	// with starter/ and the solutions holding its files directly. With
	// languages, each of those folders holds one folder per language
	// (starter/go/, solution/go/, wrong/<name>/go/, …).
	Languages []string `yaml:"languages,omitempty"`

	// Language is the language this view of a multi-language lab is in
	// (see ForLanguage); "" for the lab as loaded.
	Language string `yaml:"-"`

	// Dir is the lab folder (on disk, or in the embedded catalog's FS).
	Dir string `yaml:"-"`
	// Path is the lab.yaml path used in error messages.
	Path string `yaml:"-"`

	// fsys holds Dir; FS returns the lab folder in it.
	fsys fs.FS
	// origin is the lab as loaded, of which this is a language's view
	// (ForLanguage); nil for the lab as loaded.
	origin *Lab
	// idPos is where the id is written, for catalog-wide messages.
	idPos Pos
}

// Service is one container of a lab.
type Service struct {
	// Kind is postgres, redis, nginx, box, runtime or backend.
	Kind string `yaml:"kind"`
	// Image overrides the configured image of the kind.
	Image string `yaml:"image,omitempty"`
	// Env is extra environment for the container.
	Env map[string]string `yaml:"env,omitempty"`
	// Fixtures seed the service, in order: SQL files (postgres, run as the
	// superuser in the lab database), command files (redis), shell scripts
	// (box, run as root). Paths are relative to the lab folder.
	Fixtures []string `yaml:"fixtures,omitempty"`
	// Files are copied into the container before it starts (nginx, box,
	// runtime).
	Files []*FileCopy `yaml:"files,omitempty"`
	// Database is the lab database of a postgres service; default "lab".
	Database string `yaml:"database,omitempty"`
	// ACL gives a redis service a restricted user, learner (password
	// learner), that the learner's programs connect as: dangerous commands
	// (FLUSHALL, CONFIG, KEYS, DEBUG, INFO, …) are denied to it. The grader
	// keeps using the default user.
	ACL bool `yaml:"acl,omitempty"`
	// Serve makes a runtime's program a service: the runner starts it,
	// waits until it answers HTTP on the port, and http checks target it
	// (see Serve).
	Serve *Serve `yaml:"serve,omitempty"`

	// Language is the language of a runtime service's programs in a view
	// of a multi-language lab (see ForLanguage); "" is DefaultLanguage.
	Language string `yaml:"-"`

	// Name is the service's key in the services map.
	Name string `yaml:"-"`
	// Pos is where the service is defined.
	Pos Pos `yaml:"-"`
}

// FileCopy copies a file or folder of the lab into a service's container.
type FileCopy struct {
	// Src is relative to the lab folder; a folder is copied recursively.
	Src string `yaml:"src"`
	// Dst is the absolute path in the container.
	Dst string `yaml:"dst"`
	// Mode is the permission bits of copied files, "0644"; default 0644.
	Mode string `yaml:"mode,omitempty"`
	// Pos is where the entry is defined.
	Pos Pos `yaml:"-"`
}

// Apply modes of submission files.
const (
	// ApplyQuery keeps the file as the learner's query; checks run it.
	ApplyQuery = "query"
	// ApplySQL runs the file as a script as the learner's role.
	ApplySQL = "sql"
	// ApplyNginxConfig installs the file into /etc/nginx/conf.d and reloads.
	ApplyNginxConfig = "nginx-config"
	// ApplyShell runs the file as a shell script as root in a box.
	ApplyShell = "shell"
	// ApplyScript copies the file into a box's /app, executable and
	// read-only, without running it; checks run it.
	ApplyScript = "script"
	// ApplyProgram copies the file into a runtime's /app, read-only.
	ApplyProgram = "program"
)

// SubmissionFile is a file the learner edits.
type SubmissionFile struct {
	// File is the name in the workspace, starter/, solution/ and wrong/*.
	File string `yaml:"file"`
	// Apply says how the file is applied: query, sql, nginx-config, shell,
	// script or program.
	Apply string `yaml:"apply"`
	// Service is where it is applied.
	Service string `yaml:"service"`
	// Pos is where the entry is defined.
	Pos Pos `yaml:"-"`
}

// Hint is a hint for the learner, general or tied to a check.
type Hint struct {
	// Text is the hint.
	Text string `yaml:"text"`
	// Check ties the hint to a check: it is shown first when that check
	// fails.
	Check string `yaml:"check,omitempty"`
	// Pos is where the hint is defined.
	Pos Pos `yaml:"-"`
}

// CheckDef is one check of a lab: the fields every check has, and the
// type's own fields decoded into Check.
type CheckDef struct {
	// Name identifies the check in results and in `needs`.
	Name string `yaml:"name"`
	// Type selects the check type ("sql.result").
	Type string `yaml:"type"`
	// Service is the service the check runs against.
	Service string `yaml:"service"`
	// Points is what the check is worth; default 1 (the loader sets it
	// when the key is absent; 0 is allowed).
	Points int `yaml:"points"`
	// Hint is shown when the check fails.
	Hint string `yaml:"hint,omitempty"`
	// Timeout bounds the check; default 10s.
	Timeout checks.Duration `yaml:"timeout,omitempty"`
	// Reveal says whether expected values may be shown; default true (the
	// loader sets it when the key is absent).
	Reveal bool `yaml:"reveal"`
	// Needs are checks that must pass first; otherwise this one is skipped.
	Needs []string `yaml:"needs,omitempty"`
	// OnVariants runs the check again on each hidden variant of its box
	// service: the box is seeded with the variant's files and fixtures,
	// the submission applied again, and the check must pass there too.
	OnVariants bool `yaml:"on_variants,omitempty"`

	// Check is the type's own fields, decoded strictly.
	Check checks.Check `yaml:"-"`
	// Source is the check as written in lab.yaml, re-encoded as YAML: what
	// results show learners as the test's code (Exercism's test_code).
	// Without reveal, only the fields that say what is checked, not the
	// expected values, are kept (see checkSource).
	Source string `yaml:"-"`
	// Pos is where the check is defined.
	Pos Pos `yaml:"-"`
}

// Variant is a hidden data set of a postgres or box service: the
// service's fixtures (and, in a box, files) replaced by these.
type Variant struct {
	// Name identifies the variant in messages.
	Name string `yaml:"name"`
	// Service is the postgres or box service the variant seeds; default
	// the lab's only service of those kinds.
	Service string `yaml:"service,omitempty"`
	// Fixtures replace the service's fixtures for this variant; a box
	// variant without them keeps the service's.
	Fixtures []string `yaml:"fixtures,omitempty"`
	// Files (box only) replace the service's files copied to the same
	// dst, and add the others.
	Files []*FileCopy `yaml:"files,omitempty"`
	// Pos is where the variant is defined.
	Pos Pos `yaml:"-"`
}

// WrongSolution is a known-wrong solution and the checks it must fail.
type WrongSolution struct {
	// Name is the folder under wrong/.
	Name string `yaml:"name"`
	// Fails are the checks this solution must fail (and no others).
	Fails []string `yaml:"fails"`
	// Why says what is wrong with it, for instructors.
	Why string `yaml:"why,omitempty"`
	// Pos is where the entry is defined.
	Pos Pos `yaml:"-"`
}

// Pos is a place in a lab definition.
type Pos struct {
	Line, Col int
}

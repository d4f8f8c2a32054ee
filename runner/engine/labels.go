package engine

// Labels put on every container and network labrunner creates. LabelManaged
// marks an object as labrunner's; the others say which lab, session and
// service it belongs to, and who created it when, so that stale sessions
// can be recognised after a crash.
const (
	LabelManaged = "io.labrunner.managed"
	LabelLab     = "io.labrunner.lab"
	LabelSession = "io.labrunner.session"
	LabelService = "io.labrunner.service"
	LabelKind    = "io.labrunner.kind"
	// LabelPort is the container port a service is published on, so that
	// another process finds it again (FindSession).
	LabelPort    = "io.labrunner.port"
	LabelCreated = "io.labrunner.created"
	LabelPID     = "io.labrunner.pid"
	LabelHost    = "io.labrunner.host"
	// LabelKeep marks a session meant to outlive the process that started
	// it (`lab start`); any other session whose process is gone is stale.
	LabelKeep = "io.labrunner.keep"
	// LabelDir is the absolute path of the learner's workspace folder of a
	// kept session, so that `lab ps` can say where each running lab's
	// files are, and `lab stop` can stop a session whose folder is gone.
	LabelDir = "io.labrunner.dir"
)

package runner

import (
	"github.com/labrunner/labrunner/images"
	"github.com/labrunner/labrunner/runner/engine"
)

// backendKind is the upstream HTTP server of nginx labs (images/backend):
// it answers every request with JSON naming itself ($BACKEND_NAME) and
// echoing what it received, so that checks can see load balancing and the
// headers a proxy adds. Ready when GET /healthz answers 200. It requires
// nothing inside its image (no Requires): the runner only speaks HTTP to
// it, so an image set by hand for it is not checked.
var backendKind = kindSpec{
	Contract: engine.Contract{Port: "8080/tcp", Probe: httpProbe("/healthz", 200)},
	url:      httpURL,
	image:    images.Backend,
}

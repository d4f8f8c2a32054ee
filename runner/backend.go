package runner

import (
	"context"
	"fmt"
	"net/http"
)

// backendKind is the upstream HTTP server of nginx labs (images/backend):
// it answers every request with JSON naming itself ($BACKEND_NAME) and
// echoing what it received, so that checks can see load balancing and the
// headers a proxy adds. Ready when GET /healthz answers 200.
var backendKind = kindSpec{
	port: "8080/tcp",
	probe: func(ctx context.Context, t probeTarget) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+t.hostPort+"/healthz", nil)
		if err != nil {
			return err
		}
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			return err
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("GET /healthz: %s", resp.Status)
		}
		return nil
	},
	url: func(hostPort string) string { return "http://" + hostPort },
}

package runner

import (
	"context"
	"net/http"
)

var nginxKind = kindSpec{
	port: "80/tcp",
	probe: func(ctx context.Context, t probeTarget) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+t.hostPort+"/", nil)
		if err != nil {
			return err
		}
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			return err
		}
		// Any HTTP answer means nginx is serving, whatever the status.
		return resp.Body.Close()
	},
	url: func(hostPort string) string { return "http://" + hostPort },
}

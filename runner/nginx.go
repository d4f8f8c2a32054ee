package runner

import (
	"github.com/labrunner/labrunner/images"
	"github.com/labrunner/labrunner/labs"
	"github.com/labrunner/labrunner/runner/engine"
)

var nginxKind = kindSpec{
	// Any HTTP answer means nginx is serving, whatever the status.
	Contract: engine.Contract{Port: "80/tcp", Probe: httpProbe("/", 0)},
	url:      httpURL,
	image:    images.Nginx,
	newState: newNginxState,
	networkURL: func(name string, _ *labs.Service) (string, string) {
		return "", "http://" + name
	},
}

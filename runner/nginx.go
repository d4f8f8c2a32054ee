package runner

import "github.com/labrunner/labrunner/labs"

var nginxKind = kindSpec{
	port: "80/tcp",
	// Any HTTP answer means nginx is serving, whatever the status.
	probe:    httpProbe("/", 0),
	url:      httpURL,
	newState: newNginxState,
	networkURL: func(name string, _ *labs.Service) (string, string) {
		return "", "http://" + name
	},
}

package runner

import (
	"github.com/labrunner/labrunner/images"
	"github.com/labrunner/labrunner/labs"
	"github.com/labrunner/labrunner/runner/engine"
)

var nginxKind = kindSpec{
	// Any HTTP answer means nginx is serving, whatever the status.
	// 443 is published beside 80, for labs whose server speaks HTTPS
	// (http checks with tls:); nothing listens there otherwise.
	Contract:  engine.Contract{Port: "80/tcp", MorePorts: []string{nginxHTTPSPort}, Probe: httpProbe("/", 0), Requires: nginxRequires},
	url:       httpURL,
	httpsPort: nginxHTTPSPort,
	image:     images.Nginx,
	newState:  newNginxState,
	networkURL: func(name string, _ *labs.Service) (string, string) {
		return "", "http://" + name
	},
}

// nginxRequires is what the runner relies on in an nginx image, all of it
// in nginx_state.go's scripts, which run as root with /bin/sh. It also
// relies on /etc/nginx/nginx.conf including conf.d/*.conf inside its http
// block, as the official image's does, which `nginx -t` judges, not this
// list. Nothing runs as the image's nginx user, nor reads
// /usr/share/nginx/html: labs copy their sites where they say.
var nginxRequires = engine.Requirements{
	Commands: []string{
		"nginx", // apply: nginx -t; reload: nginx -s reload
		"cat",   // apply: the learner's file from stdin into conf.d
		"cp",    // seed: keep /etc/nginx and the lab's files; reset: put them back
		"rm",    // apply, reset: replace conf.d and the lab's files
		"mkdir", // seed, reset: the kept copy's folder
		"tar",   // reset: rewrite the kept copy from the tar held since Seed
		"tr",    // reload: the list of workers before the reload
		"sleep", // reload: wait for the new workers (sleep 0.01)
		"find",  // reset: the files of nginxKept changed since seed
	},
	Paths: []string{
		nginxConfD, // apply installs the learner's file here, and removes default.conf
	},
}

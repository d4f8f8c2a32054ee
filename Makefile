# labrunner — the two commands a newcomer needs are `make demo` and
# `make test`; both provision what they need (Docker engine, images).
SHELL := /bin/bash
.SHELLFLAGS := -eo pipefail -c

GO ?= go
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X github.com/labrunner/labrunner/cmd/lab/cli.version=$(VERSION)

.PHONY: build docker images demo test test-deps test-unit bench vet fmt clean

build: ## build bin/lab
	$(GO) build -ldflags "$(LDFLAGS)" -o bin/lab ./cmd/lab

docker: ## make sure a Docker engine answers (installs docker.io on Debian as root)
	@scripts/docker-up.sh

images: build docker ## make labrunner's images present: pulled, else built from images/ (seconds when present)
	bin/lab images pull

demo: build images ## the main job: check the environment and grade a lab
	@scripts/demo.sh

test: build images test-deps ## unit + integration tests against real containers
	@scripts/test.sh

test-deps: ## what tests need besides Docker (Chromium for the HTML report)
	@scripts/test-deps.sh

test-unit: ## unit tests only, no Docker
	$(GO) test -short ./...

bench: build images ## benchmarks against real containers, with ratios
	@scripts/bench.sh

vet:
	$(GO) vet ./...
	@test -z "$$(gofmt -l .)" || { gofmt -l .; echo "gofmt needed"; exit 1; }

clean:
	rm -rf bin

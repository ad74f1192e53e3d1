# The two commands a newcomer needs: `make test` and `make demo`. Each installs what it needs first.
SHELL := bash
.SHELLFLAGS := -euo pipefail -c
MVN ?= mvn -B --no-transfer-progress
VENV := .venv

.PHONY: all test test-deps kube-binaries venv build crds sandbox sandbox-down sandbox-status demo bench clean

all: test

## test-deps: Kubernetes binaries built from Go modules (~/.kubeapitest) and moto in .venv; skipped when present
test-deps: kube-binaries venv

kube-binaries:
	@bash hack/build-kube-binaries.sh

venv: $(VENV)/.installed

$(VENV)/.installed: hack/requirements-moto.txt
	@test -x $(VENV)/bin/python || python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r hack/requirements-moto.txt
	@touch $@

## test: every test, against a real kube-apiserver + etcd and moto
test: test-deps
	$(MVN) verify

## build: the operator (target/quarkus-app) and the generated CRD (target/kubernetes)
build:
	$(MVN) -DskipTests package

## crds: refresh crds/ from the Java types (a test fails while crds/ is stale)
crds: build
	cp target/kubernetes/migratordeployments.migrator.bfd.cms.gov-v1.yml crds/

## sandbox: API server, etcd, moto and the operator on 127.0.0.1, in the background; see .sandbox/env
sandbox: test-deps build
	@bash hack/sandbox.sh up

sandbox-down:
	@bash hack/sandbox.sh down

sandbox-status:
	@bash hack/sandbox.sh status

## demo: the sandbox with sample environments, and what the operator says about them
demo: sandbox
	@bash hack/demo.sh

## bench: the operator at N = 10, 100 and 1000 environments against a naive poller, on a stack of its own
## (.bench/, never the sandbox); writes bench/results.json and bench/results.md. A subset: make bench N="10 100"
N ?= 10 100 1000
bench: test-deps build
	$(VENV)/bin/python bench/bench.py --n "$(N)"

clean: sandbox-down
	$(MVN) clean

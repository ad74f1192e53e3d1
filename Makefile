# The two commands a newcomer needs: `make test` and `make demo`. Each installs what it needs first.
SHELL := bash
.SHELLFLAGS := -euo pipefail -c
MVN ?= mvn -B --no-transfer-progress
VENV := .venv

.PHONY: all test test-deps kube-binaries helm venv build crds sandbox sandbox-down sandbox-status demo clean

all: test

## test-deps: Kubernetes binaries and helm built from Go modules (~/.kubeapitest) and moto in .venv; skipped when present
test-deps: kube-binaries helm venv

kube-binaries:
	@bash hack/build-kube-binaries.sh

helm:
	@bash hack/build-helm.sh

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

## crds: refresh crds/ and the chart's copy from the Java types (tests fail while either is stale)
crds: build
	cp target/kubernetes/migratordeployments.migrator.bfd.cms.gov-v1.yml crds/
	cp target/kubernetes/migratordeployments.migrator.bfd.cms.gov-v1.yml helm/crds/

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

clean: sandbox-down
	$(MVN) clean

# The two commands a newcomer needs: `make test` and `make demo`. Each installs what it needs first.
SHELL := bash
.SHELLFLAGS := -euo pipefail -c
MVN ?= mvn -B --no-transfer-progress
VENV := .venv
# The image: name and tag overridable (make image IMAGE=registry.example/migrator-operator:1.2.3).
VERSION ?= $(shell sed -n 's:^  <version>\(.*\)</version>$$:\1:p;T;q' pom.xml)
IMAGE ?= migrator-operator:$(VERSION)
CONTAINER_ENGINE ?= $(shell command -v docker 2>/dev/null || command -v podman 2>/dev/null)

.PHONY: all test test-deps stack-deps kube-binaries node-binaries helm promtool kstatus third-party-crds venv container-runtime images build crds docs chart plugin-release image container-engine sandbox sandbox-down sandbox-status demo bench footprint clean

all: test

## test-deps: Kubernetes binaries, helm, promtool and the kstatus checker built from Go modules (~/.kubeapitest), the
## Argo CD, Flux and Prometheus Operator modules whose CRDs the manifests are checked against (Go module cache), moto
## in .venv, Docker from Debian's packages and the images of the node test (hack/build-images.sh); each skipped when
## present
test-deps: stack-deps promtool kstatus third-party-crds images

# what the sandbox, the demo and the benchmarks run on: no container runtime
stack-deps: kube-binaries helm venv

kube-binaries:
	@bash hack/build-kube-binaries.sh

# kubelet, kube-controller-manager, kube-scheduler and kube-proxy of the same release, for the node image
node-binaries:
	@bash hack/build-kube-binaries.sh node

container-runtime:
	@bash hack/container-runtime.sh install

## images: the JRE base, the node's Debian, the pause image and the node image, made here (nothing pulled)
images: kube-binaries node-binaries container-runtime
	@bash hack/build-images.sh

helm:
	@bash hack/build-helm.sh

promtool:
	@bash hack/build-promtool.sh

kstatus:
	@bash hack/build-kstatus.sh

third-party-crds:
	@bash hack/fetch-crds.sh

venv: $(VENV)/.installed

$(VENV)/.installed: hack/requirements-moto.txt
	@test -x $(VENV)/bin/python || python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r hack/requirements-moto.txt
	@touch $@

## test: every test, against a real kube-apiserver + etcd and moto; the project's Docker daemon, which the node test
## starts when none answers, is stopped after it whatever the outcome (one that answered before is left alone)
test: test-deps
	bash hack/container-runtime.sh scoped $(MVN) verify

## build: the operator (target/quarkus-app) and the generated CRD (target/kubernetes)
build:
	$(MVN) -DskipTests package

# The packaged operator, rebuilt only when a source changed (the sandbox and the demo need it, and a package
# takes a minute or more).
JAR := target/quarkus-app/quarkus-run.jar
$(JAR): pom.xml $(shell find src/main -type f 2>/dev/null)
	$(MVN) -DskipTests package
	@touch $@

## crds: refresh crds/ and the chart's copy from the Java types (tests fail while either is stale)
crds: build
	cp target/kubernetes/migratordeployments.migrator.bfd.cms.gov-v1.yml target/kubernetes/migratorenvironments.migrator.bfd.cms.gov-v1.yml crds/
	cp target/kubernetes/migratordeployments.migrator.bfd.cms.gov-v1.yml target/kubernetes/migratorenvironments.migrator.bfd.cms.gov-v1.yml helm/crds/

## docs: refresh docs/configuration.md from crds/ (after `make crds`) and helm/README.md from helm/values.yaml (tests
## fail while either is stale)
docs:
	$(MVN) -q test -Dtest='CrdReferenceTest,ChartReadmeTest' -Dcrd.reference.write=true -Dchart.readme.write=true \
	  -Dsurefire.failIfNoSpecifiedTests=false

## chart: the Helm chart as an OCI-ready package, target/chart/migrator-operator-<chart version>.tgz (push it with
## `helm push target/chart/migrator-operator-<version>.tgz oci://<registry>/<path>`)
chart: helm
	@mkdir -p target/chart
	"$${KUBE_API_TEST_DIR:-$$HOME/.kubeapitest}/k8s/1.34.4-linux-amd64/helm" package helm/ -d target/chart

## plugin-release: the kubectl plugin as a krew release, target/plugin/ (archive and manifest)
plugin-release:
	@bash hack/plugin-release.sh

## image: the container image $(IMAGE) from src/main/docker/Dockerfile.jvm, with docker or podman, on the base image
## BASE_IMAGE (default: Dockerfile.jvm's, a maintained JRE 17 image; here: make image BASE_IMAGE=migrator-jre-base:openjdk-17-jre-headless,
## which make images builds from Debian's packages)
BASE_IMAGE ?=
image: container-engine build
	$(or $(CONTAINER_ENGINE),docker) build $(if $(BASE_IMAGE),--build-arg BASE_IMAGE=$(BASE_IMAGE)) \
	  -f src/main/docker/Dockerfile.jvm -t $(IMAGE) .

container-engine:
	@if [ -z "$(CONTAINER_ENGINE)" ]; then \
	  echo "make image: no container engine is installed (neither docker nor podman is on PATH)." >&2; \
	  echo "  Install one, or name it: make image CONTAINER_ENGINE=/path/to/podman" >&2; \
	  exit 1; \
	fi
	@$(CONTAINER_ENGINE) info >/dev/null 2>&1 || { \
	  echo "make image: $(CONTAINER_ENGINE) is installed but cannot build: '$(CONTAINER_ENGINE) info' fails (is its daemon running?" >&2; \
	  echo "  the project's own: bash hack/container-runtime.sh up, and down after)" >&2; \
	  exit 1; }

## sandbox: API server, etcd, moto and the operator on 127.0.0.1, in the background; see .sandbox/env
sandbox: stack-deps $(JAR)
	@bash hack/sandbox.sh up

sandbox-down:
	@bash hack/sandbox.sh down

sandbox-status:
	@bash hack/sandbox.sh status

## demo: the sandbox with sample environments, and what the operator says about them
demo: sandbox
	@bash hack/demo.sh

## bench: the operator at N = 10, 100 and 1000 environments against a naive poller, on a stack of its own
## (.bench/, never the sandbox); writes bench/results.json and bench/results.md. A subset: make bench N="10 100";
## LEFTOVER_AFTER=0s gives the resources timing.leftoverAfter 0s (the operator's default is 5m)
N ?= 10 100 1000
bench: stack-deps build
	$(VENV)/bin/python bench/bench.py --n "$(N)" $(if $(LEFTOVER_AFTER),--leftover-after $(LEFTOVER_AFTER))

## footprint: the operator's RSS with 1000 environments, one row after another on one stack of its own (.bench/):
## today's build (FOOTPRINT_TODAY: main before issue 15's code levers, built by bench/build-at.sh) under today's JVM
## settings, then the deployment (this build, Dockerfile.jvm's settings under the chart's limit), then the same with
## native memory tracking; writes bench/footprint.json. FOOTPRINT_ROWS for others (README, "Footprint"). About 20
## minutes.
FOOTPRINT_TODAY ?= ce056cf
FOOTPRINT_ROWS ?= today,deployment,deployment-nmt
footprint: stack-deps build
	bash bench/build-at.sh $(FOOTPRINT_TODAY) today
	$(VENV)/bin/python bench/footprint.py --histogram --rows $(FOOTPRINT_ROWS)

clean: sandbox-down
	$(MVN) clean

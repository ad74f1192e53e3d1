#!/bin/sh
# The OCI runtime the project's dockerd uses (hack/container-runtime.sh): runc, except that a capability the machine
# itself lacks is not asked for. A privileged container (the Kubernetes node of ClusterE2EIT) is given every
# capability, and runc refuses to start one whose set holds a capability outside its own bounding set: on machines
# without CAP_SYS_RESOURCE (sandboxed VMs) that one is dropped from the bundle's config.json first. Elsewhere, and
# for every other runc command, this is plain runc.
bounding=$(sed -n 's/^CapBnd:[[:space:]]*//p' /proc/self/status)
if [ $(( 0x$bounding >> 24 & 1 )) -eq 0 ]; then
  # runc create/run read the bundle's config.json; runc exec (docker exec) reads a process.json of its own
  spec=""
  previous=""
  for arg in "$@"; do
    case "$previous" in --bundle|-b) spec=$arg/config.json ;; --process|-p) spec=$arg ;; esac
    case "$arg" in --bundle=*) spec=${arg#--bundle=}/config.json ;; --process=*) spec=${arg#--process=} ;; esac
    previous=$arg
  done
  if [ -n "$spec" ] && [ -f "$spec" ]; then
    # written by Go as compact JSON: the name appears only as an element of the capability lists
    sed -i -e 's/"CAP_SYS_RESOURCE",//g' -e 's/,"CAP_SYS_RESOURCE"//g' -e 's/\["CAP_SYS_RESOURCE"\]/[]/g' "$spec"
  fi
fi
exec "$(command -v runc || echo /usr/bin/runc)" "$@"

#!/usr/bin/env bash
# Builds a real kube-apiserver (1.20.2) from Debian's `kubernetes` source package with
# Debian's Go, and installs Debian's etcd beside it, for the Kubernetes tests (envtest style:
# etcd + kube-apiserver on 127.0.0.1, no kubelet). Debian 12 (bookworm), run as root (or with
# sudo). Idempotent: the binary is cached, and a rerun with the cache in place returns at once.
#
#   scripts/kube-apiserver.sh          build if needed; prints the binary's path last
#   scripts/kube-apiserver.sh kubelet kubectl ...
#                                      build these components of the same tree instead (the
#                                      single node of scripts/kube-node.sh); prints their paths
#   TUSK_KUBE_CACHE=/some/dir ...      cache directory (default /var/cache/tusk)
#
# Why each step (facts verified on Debian 12):
# - 1.20.2 vendors its Go dependencies in the source tarball, so no module download is needed.
# - The vendored github.com/modern-go/reflect2 1.0.1 crashes under Go >= 1.18 (SIGSEGV on the
#   first custom-resource create, or any pretty/YAML response); Debian's 1.0.2 is a drop-in fix.
# - pkg/generated/openapi/zz_generated.openapi.go is not in the tarball; upstream's
#   `make gen_openapi` generates it with the vendored openapi-gen, and so do we.
# - Upstream 1.20 builds in GOPATH mode; `providerless,notest` halves size and build time.
set -euo pipefail

version=1.20.2
cache=${TUSK_KUBE_CACHE:-/var/cache/tusk}
components=("$@"); [ ${#components[@]} -gt 0 ] || components=(kube-apiserver)
for c in "${components[@]}"; do
  case "$c" in
    kube-apiserver|kubelet|kube-controller-manager|kube-scheduler|kube-proxy|kubectl) ;;
    *) echo "kube-apiserver.sh: error: unknown component '$c' (kube-apiserver, kubelet, kube-controller-manager, kube-scheduler, kube-proxy, kubectl)" >&2; exit 2 ;;
  esac
done
sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"

log() { echo "kube-apiserver.sh: $*" >&2; }

# --- packages: Go and etcd, without starting a system etcd ---------------------------------
need=()
for p in golang-go etcd-server; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  log "installing ${need[*]}"
  # policy-rc.d exit 101 = "do not start services": etcd-server's postinst would otherwise
  # start (and enable) a system etcd on 2379. Tests start their own etcd on free ports.
  placed_policy=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo_cmd tee /usr/sbin/policy-rc.d >/dev/null
    $sudo_cmd chmod 755 /usr/sbin/policy-rc.d
    placed_policy=1
  fi
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  [ "$placed_policy" -eq 0 ] || $sudo_cmd rm -f /usr/sbin/policy-rc.d
  # On a systemd machine the unit may still be enabled for the next boot: disable it.
  if [ -d /run/systemd/system ] && command -v systemctl >/dev/null; then
    $sudo_cmd systemctl disable --now etcd.service >/dev/null 2>&1 || true
  fi
fi

# A binary's version line (kubectl has no --version flag).
version_of() { if [ "${1##*/}" = "kubectl-$version" ] || [ "${1##*/}" = kubectl ]; then "$1" version --client --short; else "$1" --version; fi; }
# The components not yet cached (a cached binary must report the right version).
missing=()
for c in "${components[@]}"; do
  b="$cache/$c-$version"
  if [ -x "$b" ] && version_of "$b" 2>/dev/null | grep -q "v$version"; then continue; fi
  missing+=("$c")
done
print_paths() { for c in "${components[@]}"; do echo "$cache/$c-$version"; done; }
if [ ${#missing[@]} -eq 0 ]; then
  print_paths
  exit 0
fi

# --- deb-src for bookworm and bookworm-updates, same URIs and keyring as the deb source -----
src_list=/etc/apt/sources.list.d/tusk-deb-src.sources
if [ ! -e "$src_list" ]; then
  uris=http://deb.debian.org/debian
  keyring=/usr/share/keyrings/debian-archive-keyring.gpg
  if [ -r /etc/apt/sources.list.d/debian.sources ]; then
    # The stanza whose Suites include plain "bookworm" (not bookworm-security).
    read -r found_uris found_keyring < <(awk '
      BEGIN { RS=""; FS="\n" }
      {
        u=""; k=""; s=0
        for (i=1; i<=NF; i++) {
          if ($i ~ /^URIs:/)      { sub(/^URIs:[ \t]*/, "", $i); u=$i }
          if ($i ~ /^Signed-By:/) { sub(/^Signed-By:[ \t]*/, "", $i); k=$i }
          if ($i ~ /^Suites:/ && $i ~ /[ \t]bookworm([ \t]|$)/) s=1
        }
        if (s && u != "") { print u, k; exit }
      }' /etc/apt/sources.list.d/debian.sources) || true
    [ -z "${found_uris:-}" ] || uris=$found_uris
    [ -z "${found_keyring:-}" ] || keyring=$found_keyring
  fi
  log "adding deb-src ($uris) in $src_list"
  printf 'Types: deb-src\nURIs: %s\nSuites: bookworm bookworm-updates\nComponents: main\nSigned-By: %s\n' \
    "$uris" "$keyring" | $sudo_cmd tee "$src_list" >/dev/null
  $sudo_cmd apt-get update -qq
fi

# --- sources ------------------------------------------------------------------------------
work="$cache/build-kubernetes-$version"
$sudo_cmd mkdir -p "$work"
[ -w "$work" ] || $sudo_cmd chown "$(id -u):$(id -g)" "$cache" "$work"
cd "$work"
if ! ls kubernetes_*"$version".orig.tar.* >/dev/null 2>&1; then
  log "downloading the kubernetes source package"
  apt-get source --download-only -qq kubernetes >/dev/null
fi
orig=$(ls kubernetes_*"$version".orig.tar.* | head -1)
rm -rf gopath
mkdir -p gopath/src/k8s.io/kubernetes
tar -xf "$orig" -C gopath/src/k8s.io/kubernetes --strip-components=1
src="$work/gopath/src/k8s.io/kubernetes"

# --- fix 1: reflect2 1.0.2 from Debian ----------------------------------------------------
if ! ls golang-github-modern-go-reflect2-dev_*.deb >/dev/null 2>&1; then
  apt-get download -qq golang-github-modern-go-reflect2-dev >/dev/null
fi
rm -rf reflect2-deb
dpkg-deb -x "$(ls golang-github-modern-go-reflect2-dev_*.deb | head -1)" reflect2-deb
r2_src=reflect2-deb/usr/share/gocode/src/github.com/modern-go/reflect2
r2_dst="$src/vendor/github.com/modern-go/reflect2"
[ -d "$r2_src" ] && [ -d "$r2_dst" ] || { log "error: reflect2 sources not where expected ($r2_src, $r2_dst)"; exit 1; }
rm -f "$r2_dst"/*.go "$r2_dst"/*.s
cp "$r2_src"/*.go "$r2_dst"/
cp "$r2_src"/*.s "$r2_dst"/ 2>/dev/null || true
# Debian's package has the tests; the vendor tree must not.
rm -f "$r2_dst"/*_test.go

# --- build --------------------------------------------------------------------------------
export GOPATH="$work/gopath" GO111MODULE=off CGO_ENABLED=0 GOFLAGS= GOCACHE="$work/gocache"
cd "$src"

# fix 2: generate the OpenAPI definitions as upstream's `make gen_openapi` does
# (hack/make-rules/helpers/... -> openapi-gen over these input directories).
# Only kube-apiserver needs them (the other components' packages never import them).
if [[ " ${missing[*]} " == *" kube-apiserver "* ]]; then
log "building openapi-gen and generating pkg/generated/openapi"
go build -o "$work/openapi-gen" ./vendor/k8s.io/kube-openapi/cmd/openapi-gen
# Every package that carries a `+k8s:openapi-gen=` tag, as upstream's
# build/root/Makefile.generated_files computes OPENAPI_DIRS: our own packages, and the staging
# repositories through their vendor/k8s.io symlinks (imported as k8s.io/kubernetes/vendor/...).
staging_links=$(find vendor/k8s.io -mindepth 1 -maxdepth 1 -type l | sort)
openapi_pkgs=$(
  { grep -rl --include='*.go' --exclude='*_test.go' -E '^// *\+k8s:openapi-gen=' pkg cmd plugin 2>/dev/null || true
    for l in $staging_links; do
      grep -Rl --include='*.go' --exclude='*_test.go' -E '^// *\+k8s:openapi-gen=' "$l/" 2>/dev/null || true
    done
  } | grep -v -e '/testdata/' -e '/testing/' -e '/fake/' \
    | xargs -r -n1 dirname | sed 's#//*#/#g' | LC_ALL=C sort -u \
    | sed 's#^#k8s.io/kubernetes/#' | paste -sd, -
)
[ -n "$openapi_pkgs" ] || { log "error: found no packages tagged for openapi-gen"; exit 1; }
"$work/openapi-gen" \
  --go-header-file hack/boilerplate/boilerplate.generatego.txt \
  --input-dirs "$openapi_pkgs" \
  --input-dirs "k8s.io/apimachinery/pkg/apis/meta/v1,k8s.io/apimachinery/pkg/runtime,k8s.io/apimachinery/pkg/version" \
  --output-package k8s.io/kubernetes/pkg/generated/openapi \
  --output-base "$GOPATH/src" \
  --report-filename "$work/violations.report" \
  -O zz_generated.openapi
[ -s pkg/generated/openapi/zz_generated.openapi.go ] || { log "error: openapi-gen produced nothing"; exit 1; }
fi

commit=$(sed -n 's/^.*KUBE_GIT_COMMIT=\(.*\)$/\1/p' .gitversion 2>/dev/null | head -1 || true)
# GOPATH mode: the vendored packages' import paths go through k8s.io/kubernetes/vendor (as hack/lib/version.sh writes them).
ldflags="-s -w"
for pkg in k8s.io/kubernetes/vendor/k8s.io/client-go/pkg/version k8s.io/kubernetes/vendor/k8s.io/component-base/version; do
  ldflags+=" -X $pkg.gitVersion=v$version -X $pkg.gitMajor=1 -X $pkg.gitMinor=20"
  ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  [ -z "$commit" ] || ldflags+=" -X $pkg.gitCommit=$commit"
done
for c in "${missing[@]}"; do
  log "building $c $version (takes a few minutes)"
  go build -tags providerless,notest -ldflags "$ldflags" -o "$work/$c" "./cmd/$c"
  version_of "$work/$c" | grep -q "v$version" || { log "error: built $c reports the wrong version"; exit 1; }
  mv "$work/$c" "$cache/$c-$version"
  log "built $cache/$c-$version"
done
# The sources and Go build cache are large; keep only the downloads and the binaries.
rm -rf "$work/gopath" "$work/gocache" "$work/reflect2-deb" "$work/openapi-gen"
print_paths

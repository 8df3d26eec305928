#!/usr/bin/env bash
# Installs what Tusk needs on Debian 12: the real components and the .NET SDK check.
# Idempotent: packages already installed are left alone. Services are not started here;
# the Tusk agent starts every server itself.
#   scripts/install-deps.sh          everything the tests need (make test, CI)
#   scripts/install-deps.sh --local  only what a local cluster needs (make demo): the packages,
#                                    without building Kubernetes and the images (about 20 minutes
#                                    on a fresh two-core machine)
set -euo pipefail
local_only=false
[ "${1:-}" = "--local" ] && local_only=true
# The single-node Kubernetes of the end-to-end tests (scripts/kube-node.sh): containerd, runc,
# CNI plugins (never the packaged services), kubelet, controller-manager, scheduler, kube-proxy
# and kubectl from the same source tree, and the pause and busybox images; all cached.
if ! $local_only; then
  if [ "$(id -u)" -eq 0 ]; then
    "$(dirname "$0")/kube-node.sh" build >/dev/null
  else
    sudo "$(dirname "$0")/kube-node.sh" build >/dev/null
  fi
  # Then the Kubernetes tests' kube-apiserver (built once from Debian's kubernetes source, then
  # cached; kube-node.sh build has built it already) with Go and etcd: it installs etcd-server
  # without letting the package start a system etcd.
  "$(dirname "$0")/kube-apiserver.sh" >/dev/null
fi
# docker-registry, skopeo and umoci: the image tests start their own registry (never the packaged
# service) and build and push their test images with umoci and skopeo.
packages=(postgresql-15 postgresql-client-15 patroni etcd-server haproxy pgbouncer pgbackrest prometheus-postgres-exporter docker-registry skopeo umoci)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# Debian's postgresql package creates and starts a default cluster on machines that run
# services; Tusk does not use it, and it would hold port 5432.
if command -v pg_lsclusters >/dev/null && pg_lsclusters -h 2>/dev/null | grep -q '^15 *main .* online'; then
  echo "note: Debian's own PostgreSQL cluster 15/main is running on port 5432; stop it (pg_ctlcluster 15 main stop) or give Tusk another port"
fi
# Debian's docker-registry package may start its own service on :5000; the tests never use it
# (they start their own registries on free ports), so it is only worth a note.
if command -v systemctl >/dev/null && systemctl is-active --quiet docker-registry 2>/dev/null; then
  echo "note: Debian's docker-registry service is running on port 5000; Tusk's tests do not use it (systemctl disable --now docker-registry)"
fi
command -v dotnet >/dev/null || { echo "error: the .NET 10 SDK is required (dotnet on PATH)"; exit 1; }
$local_only && exit 0
# The Kubernetes tests also validate built objects against the Kubernetes OpenAPI schemas of
# the npm package kubernetes-models (pinned in tools/kube-schemas/package-lock.json).
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi
schemas="$(dirname "$0")/../tools/kube-schemas"
[ -d "$schemas/node_modules/kubernetes-models" ] || npm ci --prefix "$schemas" --no-audit --no-fund --silent
# Tusk's database and operator images for the end-to-end tests, built from Debian packages and
# this checkout (no container engine) and cached by their inputs; the tests build them again,
# which then only links the cached tarballs.
images_out=$(mktemp -d)
if [ "$(id -u)" -eq 0 ]; then
  "$(dirname "$0")/kube-images.sh" build "$images_out" >/dev/null
else
  sudo "$(dirname "$0")/kube-images.sh" build "$images_out" >/dev/null
fi
rm -rf "$images_out"

#!/usr/bin/env bash
# Builds Tusk's two container images from Debian packages, without a container engine:
#   tusk/postgres:15     the database image (PostgreSQL 15, Patroni, pgBackRest, pgaudit,
#                        postgres_exporter, PgBouncer) as user 999:999
#   tusk/postgres:15 also serves every sidecar (RELATED_IMAGE_PGBACKREST/_EXPORTER/_PGBOUNCER).
#   tusk/operator:latest the tusk CLI (self-contained .NET publish) as user 65532:65532
# A debootstrap minbase rootfs is the base of both; packages are installed in a chroot; umoci
# packs the rootfs as an OCI image and skopeo writes it as a docker-archive tarball, which
# `ctr -n k8s.io images import` (or `docker load`) reads.
#
# Usage (as root): scripts/kube-images.sh build <outdir>
#   writes <outdir>/tusk-postgres-15.tar and <outdir>/tusk-operator.tar and prints their paths.
# Cache: /var/cache/tusk/images (TUSK_IMAGE_CACHE). The base rootfs is kept between runs; each
# image is kept under a hash of its inputs (the functions and package lists of this script that
# make it; for the operator also the sources it publishes), so a second run with nothing changed
# only links the tarballs, and a code change rebuilds only the operator's app layer on top of the
# cached base layer. Debian's package updates are picked up when the cache is cleared.
# Idempotent; installs its own apt dependencies (debootstrap, umoci, skopeo; runc for the tests).
set -euo pipefail

script="$(readlink -f "$0")"
repo="$(cd "$(dirname "$script")/.." && pwd)"
cache="${TUSK_IMAGE_CACHE:-/var/cache/tusk/images}"
mirror="${TUSK_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
security_mirror="${TUSK_DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}"
suite=bookworm
pg_major=15
postgres_name="tusk/postgres:${pg_major}"
operator_name="tusk/operator:latest"

log() { echo "kube-images: $*" >&2; }
die() { echo "kube-images: error: $*" >&2; exit 1; }

usage() {
  echo "usage: $0 build <outdir>" >&2
  exit 2
}

ensure_tools() {
  [ "$(id -u)" -eq 0 ] || die "run as root (debootstrap and chroot need it)"
  local missing=() p
  # runc is not needed to build: tests/Tusk.Tests/Kubernetes/Images run the images with it.
  for p in debootstrap umoci skopeo runc; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

# The chroot's mounts are tracked here and always undone, whatever fails.
mounts=()
work=""
cleanup() {
  umount_chroot
  if [ -n "$work" ] && [ -d "$work" ]; then
    rm -rf --one-file-system "$work"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mount_chroot() {
  local root="$1"
  mount -t proc proc "$root/proc"; mounts+=("$root/proc")
  mount --bind /dev "$root/dev"; mounts+=("$root/dev")
  cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
}

umount_chroot() {
  local i
  for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do
    umount -l "${mounts[i]}" 2>/dev/null || true
  done
  mounts=()
}

hash_of() { sha256sum | cut -c1-16; }

# The debootstrap minbase rootfs, as a tarball kept in the cache (about 35 s to make).
# The builders below set globals rather than print: a $(...) subshell would not run the EXIT
# trap that undoes the chroot's mounts.
base_tarball=""
make_base_tarball() {
  local tarball="$cache/debian-${suite}-minbase.tar"
  if [ ! -s "$tarball" ]; then
    log "debootstrap --variant=minbase $suite (once; cached in $tarball)"
    local root="$work/debootstrap"
    mkdir -p "$root"
    debootstrap --variant=minbase "$suite" "$root" "$mirror" >"$work/debootstrap.log" 2>&1 \
      || { tail -20 "$work/debootstrap.log" >&2; die "debootstrap failed (log above)"; }
    rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
    tar --numeric-owner --xattrs -C "$root" -cf "$tarball.tmp" .
    mv "$tarball.tmp" "$tarball"
    rm -rf --one-file-system "$root"
  fi
  base_tarball="$tarball"
}

# A fresh rootfs from the base tarball, prepared for apt in a chroot: no services started by
# postinst scripts, no recommends, no docs or man pages, all of bookworm's updates.
prepare_rootfs() {
  local root="$1"
  make_base_tarball
  mkdir -p "$root"
  tar --numeric-owner --xattrs -C "$root" -xf "$base_tarball"
  cat >"$root/usr/sbin/policy-rc.d" <<'EOF'
#!/bin/sh
# Set by Tusk's image build: no service starts in an image.
exit 101
EOF
  chmod 0755 "$root/usr/sbin/policy-rc.d"
  cat >"$root/etc/apt/sources.list" <<EOF
deb $mirror $suite main
deb $mirror $suite-updates main
deb $security_mirror $suite-security main
EOF
  cat >"$root/etc/apt/apt.conf.d/90tusk" <<'EOF'
APT::Install-Recommends "false";
APT::Install-Suggests "false";
Acquire::Languages "none";
EOF
  cat >"$root/etc/dpkg/dpkg.cfg.d/90tusk-nodoc" <<'EOF'
path-exclude=/usr/share/doc/*
path-include=/usr/share/doc/*/copyright
path-exclude=/usr/share/man/*
path-exclude=/usr/share/info/*
path-exclude=/usr/share/locale/*
path-exclude=/usr/share/lintian/*
EOF
  mount_chroot "$root"
}

chroot_run() {
  local root="$1"; shift
  chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8 "$@"
}

# Undoes what prepare_rootfs set up only for the build, and drops apt's lists and caches.
finish_rootfs() {
  local root="$1"
  chroot_run "$root" apt-get clean
  umount_chroot
  rm -f "$root/usr/sbin/policy-rc.d" "$root/etc/resolv.conf"
  rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/cache/debconf/*-old \
    "$root"/var/log/apt/* "$root"/var/log/dpkg.log "$root"/var/log/alternatives.log "$root"/tmp/* "$root"/var/tmp/*
  find "$root/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete 2>/dev/null || true
  rm -rf "$root"/usr/share/man/* "$root"/usr/share/info/* "$root"/usr/share/locale/*
  : >"$root/etc/resolv.conf"
  # Every build of the same inputs gives the same hostname file etc.; machine-id is per machine.
  : >"$root/etc/machine-id"
}

# An OCI layout <layout> with one image <tag> whose single layer is the rootfs <root>.
pack_rootfs() {
  local root="$1" layout="$2" tag="$3"
  rm -rf "$layout"
  umoci init --layout "$layout"
  umoci new --image "$layout:$tag"
  tar --numeric-owner --xattrs -C "$root" -cf "$work/layer.tar" .
  umoci raw add-layer --image "$layout:$tag" "$work/layer.tar"
  rm -f "$work/layer.tar"
}

to_docker_archive() {
  local layout="$1" tag="$2" name="$3" out="$4"
  rm -f "$out.tmp"
  skopeo copy --quiet "oci:$layout:$tag" "docker-archive:$out.tmp:$name"
  mv "$out.tmp" "$out"
}

# Only the newest few cached images of one kind are kept.
prune() {
  local pattern="$1"
  ls -1td "$cache"/$pattern 2>/dev/null | tail -n +3 | xargs -r rm -rf
}

# A hash of the functions and lists an image is made with, so that editing one image's part
# of this script rebuilds that image only.
recipe_hash() {
  local parts=("$@")
  { declare -f make_base_tarball prepare_rootfs chroot_run finish_rootfs pack_rootfs to_docker_archive "${parts[@]}"
    echo "$suite $mirror $security_mirror $pg_major"; } | hash_of
}

# ---------------------------------------------------------------- tusk/postgres:15
# Patroni 3.0's Kubernetes DCS talks to the API with urllib3, not python3-kubernetes; apt
# satisfies the package's "one DCS client" dependency with python3-etcd. The same list is in
# images/postgres/Containerfile (ContainerfileTests compares them).
postgres_packages=(
  "postgresql-${pg_major}" "postgresql-${pg_major}-pgaudit"
  patroni pgbackrest prometheus-postgres-exporter pgbouncer
  ca-certificates
)

postgres_out=""
build_postgres() {
  local out; out="$cache/tusk-postgres-${pg_major}-$( { recipe_hash build_postgres; echo "${postgres_packages[*]}"; } | hash_of).tar"
  postgres_out="$out"
  if [ -s "$out" ]; then
    log "$postgres_name: cached ($out)"
    return
  fi
  log "$postgres_name: building"
  local root="$work/postgres-rootfs"
  prepare_rootfs "$root"
  # The postgres user is uid/gid 999 like the official image's, which Tusk's pods run as
  # (PodSecurity.User); made before the package, which then keeps it.
  chroot_run "$root" groupadd -r -g 999 postgres
  chroot_run "$root" useradd -r -u 999 -g 999 -d /var/lib/postgresql -s /bin/bash -c "PostgreSQL administrator" postgres
  # Tusk (Patroni) makes the cluster: postgresql-common must not create 15/main.
  mkdir -p "$root/etc/postgresql-common/createcluster.d"
  echo "create_main_cluster = false" >"$root/etc/postgresql-common/createcluster.d/90-tusk.conf"
  chroot_run "$root" apt-get update -qq >"$work/apt.log" 2>&1 || { tail -20 "$work/apt.log" >&2; die "apt-get update in the chroot failed"; }
  # The base is bookworm as released: its packages get the point releases' and security fixes.
  chroot_run "$root" apt-get upgrade -y -q >>"$work/apt.log" 2>&1 || { tail -30 "$work/apt.log" >&2; die "apt-get upgrade in the chroot failed"; }
  chroot_run "$root" apt-get install -y -q "${postgres_packages[@]}" >>"$work/apt.log" 2>&1 \
    || { tail -30 "$work/apt.log" >&2; die "apt-get install in the chroot failed (log above)"; }
  # The exporter sidecar's command name upstream (postgres_exporter); Debian calls it
  # prometheus-postgres-exporter.
  ln -sf /usr/bin/prometheus-postgres-exporter "$root/usr/local/bin/postgres_exporter"
  [ -x "$root/usr/lib/postgresql/${pg_major}/lib/pgaudit.so" ] || [ -f "$root/usr/lib/postgresql/${pg_major}/lib/pgaudit.so" ] \
    || die "pgaudit.so missing from the image"
  [ "$(chroot "$root" id -u postgres)" = 999 ] || die "the postgres user is not uid 999"
  # Where the pods' sockets and pgBackRest's files go; writable for 999 when not a volume.
  mkdir -p "$root/var/run/postgresql" "$root/var/log/pgbackrest" "$root/var/lib/pgbackrest" "$root/var/spool/pgbackrest"
  chown 999:999 "$root/var/run/postgresql" "$root/var/log/pgbackrest" "$root/var/lib/pgbackrest" "$root/var/spool/pgbackrest"
  finish_rootfs "$root"

  local layout="$work/postgres-oci" tag="postgres-${pg_major}"
  pack_rootfs "$root" "$layout" "$tag"
  rm -rf --one-file-system "$root"
  umoci config --image "$layout:$tag" \
    --author "Tusk" \
    --config.user "999:999" \
    --config.env "PATH=/usr/lib/postgresql/${pg_major}/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
    --config.env "LANG=C.UTF-8" \
    --config.workingdir /var/lib/postgresql \
    --clear config.entrypoint \
    --config.cmd patroni --config.cmd /etc/patroni/patroni.yaml \
    --config.label "org.opencontainers.image.title=tusk-postgres" \
    --config.label "org.opencontainers.image.version=${pg_major}"
  umoci gc --layout "$layout"
  to_docker_archive "$layout" "$tag" "$postgres_name" "$out"
  prune "tusk-postgres-${pg_major}-*.tar"
}

# ---------------------------------------------------------------- tusk/operator:latest
# .NET needs OpenSSL for TLS and the CA certificates to trust the API server's issuer chain
# (glibc, libstdc++ and zlib are in minbase; no ICU: Tusk builds with InvariantGlobalization).
# The same list is in images/operator/Containerfile.
operator_packages=(ca-certificates libssl3)

# The operator's base layer (minbase + TLS libraries and CA certificates + the 65532 user), as
# an OCI layout kept in the cache: the app layer goes on top of it.
base_layout=""
make_operator_base_layout() {
  local layout; layout="$cache/operator-base-$( { recipe_hash make_operator_base_layout; echo "${operator_packages[*]}"; } | hash_of)"
  base_layout="$layout"
  if [ -f "$layout/index.json" ]; then
    return
  fi
  log "$operator_name: building the base layer"
  local root="$work/operator-rootfs"
  prepare_rootfs "$root"
  chroot_run "$root" apt-get update -qq >"$work/apt.log" 2>&1 || { tail -20 "$work/apt.log" >&2; die "apt-get update in the chroot failed"; }
  # The base is bookworm as released: its packages get the point releases' and security fixes.
  chroot_run "$root" apt-get upgrade -y -q >>"$work/apt.log" 2>&1 || { tail -30 "$work/apt.log" >&2; die "apt-get upgrade in the chroot failed"; }
  chroot_run "$root" apt-get install -y -q "${operator_packages[@]}" >>"$work/apt.log" 2>&1 \
    || { tail -30 "$work/apt.log" >&2; die "apt-get install in the chroot failed (log above)"; }
  chroot_run "$root" groupadd -K GID_MAX=65534 -g 65532 nonroot
  chroot_run "$root" useradd -K UID_MAX=65534 -u 65532 -g 65532 -d /home/nonroot -M -s /usr/sbin/nologin nonroot
  finish_rootfs "$root"
  pack_rootfs "$root" "$work/operator-base" base
  rm -rf --one-file-system "$root"
  rm -rf "$layout.tmp"; mv "$work/operator-base" "$layout.tmp"; rm -rf "$layout"; mv "$layout.tmp" "$layout"
  prune "operator-base-*"
}

# The repository's files that set how the projects build (analyzers read .editorconfig).
build_settings() {
  (cd "$repo" && ls Directory.Build.props Directory.Build.targets Directory.Packages.props .editorconfig global.json NuGet.config nuget.config 2>/dev/null)
}

# What the publish reads: the projects' sources and the repository's build settings.
operator_sources() {
  (cd "$repo" && find src/Tusk src/Tusk.Cli -type f -not -path '*/bin/*' -not -path '*/obj/*' -print0 \
    | sort -z | xargs -0 sha256sum; sha256sum $(build_settings))
}

operator_out=""
build_operator() {
  local key; key="$( { recipe_hash make_operator_base_layout build_operator; echo "${operator_packages[*]}"; operator_sources; } | hash_of)"
  local out="$cache/tusk-operator-$key.tar"
  operator_out="$out"
  if [ -s "$out" ]; then
    log "$operator_name: cached ($out)"
    return
  fi
  make_operator_base_layout
  local base="$base_layout"
  log "$operator_name: publishing src/Tusk.Cli (self-contained, linux-x64)"
  # A copy of the sources, so the publish's restore and obj/ never touch the work tree's build.
  local src="$work/operator-src"
  mkdir -p "$src/src"
  (cd "$repo" && tar --exclude=bin --exclude=obj -cf - src/Tusk src/Tusk.Cli $(build_settings)) | tar -C "$src" -xf -
  local app="$work/app"
  DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 dotnet publish "$src/src/Tusk.Cli" -c Release -r linux-x64 --self-contained \
    -p:DebugType=none -o "$app" -nologo -v q >"$work/publish.log" 2>&1 \
    || { tail -30 "$work/publish.log" >&2; die "dotnet publish failed (log above)"; }
  [ -x "$app/tusk" ] || die "the publish made no $app/tusk"
  rm -f "$app"/*.xml "$app"/*.pdb
  chmod -R a+rX,go-w "$app"

  local layout="$work/operator-oci" tag=operator
  cp -a "$base" "$layout"
  umoci tag --image "$layout:base" "$tag"
  umoci rm --image "$layout:base"
  umoci insert --image "$layout:$tag" "$app" /app
  umoci config --image "$layout:$tag" \
    --author "Tusk" \
    --config.user "65532:65532" \
    --config.env "PATH=/app:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
    --config.env "DOTNET_EnableDiagnostics=0" \
    --config.env "DOTNET_NOLOGO=1" \
    --config.env "LANG=C.UTF-8" \
    --config.workingdir / \
    --config.entrypoint tusk \
    --config.cmd operator --config.cmd run \
    --config.label "org.opencontainers.image.title=tusk-operator"
  umoci gc --layout "$layout"
  to_docker_archive "$layout" "$tag" "$operator_name" "$out"
  prune "tusk-operator-*.tar"
}

# The cached tarball into <outdir>: a hard link when on the same filesystem, else a copy.
deliver() {
  local from="$1" to="$2"
  rm -f "$to"
  ln "$from" "$to" 2>/dev/null || cp "$from" "$to"
  echo "$to"
}

main() {
  [ $# -eq 2 ] && [ "$1" = build ] || usage
  local outdir="$2"
  ensure_tools
  mkdir -p "$cache" "$outdir"
  outdir="$(cd "$outdir" && pwd)"
  # One build at a time per cache: a second caller waits, then finds the cached images.
  exec 9>"$cache/.lock"
  flock 9
  work="$(mktemp -d "$cache/work.XXXXXX")"
  build_postgres
  build_operator
  deliver "$postgres_out" "$outdir/tusk-postgres-${pg_major}.tar"
  deliver "$operator_out" "$outdir/tusk-operator.tar"
}

main "$@"

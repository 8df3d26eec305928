#!/usr/bin/env bash
# A real single-node Kubernetes 1.20.2 for tests, in a network namespace of its own: etcd,
# kube-apiserver, kube-controller-manager, kube-scheduler, kubelet, kube-proxy (iptables),
# containerd + runc, a bridge CNI network and a small hostPath volume provisioner. Debian 12,
# run as root. See docs/kubernetes-node.md.
#
#   scripts/kube-node.sh build              packages, binaries (cached in /var/cache/tusk),
#                                           the pause and busybox images (docker-archive tarballs)
#   scripts/kube-node.sh up <dir>           start a node, state under <dir>; writes <dir>/kubeconfig
#                                           (admin) and <dir>/env (addresses); waits for Ready
#   scripts/kube-node.sh import <dir> <docker-archive.tar>...
#                                           import images into the node's containerd (k8s.io)
#   scripts/kube-node.sh kubectl <dir> <args>...
#                                           kubectl with the node's admin kubeconfig
#   scripts/kube-node.sh exec <dir> <cmd>...
#                                           run a command inside the node's network namespace
#   scripts/kube-node.sh diag <dir>         objects, events, volumes, pod logs, component log tails
#   scripts/kube-node.sh down <dir>         stop and remove everything; idempotent, also after a
#                                           partial up; keeps <dir>/logs
#
# The node lives in network namespace tuskkn<slot> (slot 1..200, the first free one), reached
# from the host over a veth pair: host 10.251.<slot>.1/30, node 10.251.<slot>.2/30 (the API
# server listens there on 6443). Pods get 10.252.<slot>.0/24, Services 10.253.<slot>.0/24; the
# host routes both via the node, so a test on the host connects to pod IPs and ClusterIPs. The
# namespace has no default route: nothing in it reaches beyond the host.
set -euo pipefail

version=1.20.2
cache=${TUSK_KUBE_CACHE:-/var/cache/tusk}
images="$cache/kube-node-images"
here=$(cd "$(dirname "$0")" && pwd)
node_name=tusk-node
pause_image=tusk.local/pause:3.4
busybox_image=tusk.local/busybox:1.35

log() { echo "kube-node.sh: $*" >&2; }
die() { log "error: $*"; exit 1; }
bin() { echo "$cache/$1-$version"; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# --- build --------------------------------------------------------------------------------------
packages=(containerd runc containernetworking-plugins conntrack socat iptables umoci skopeo busybox-static gcc libc6-dev openssl curl iproute2 util-linux)

install_packages() {
  local need=() p
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p")
  done
  [ ${#need[@]} -gt 0 ] || return 0
  log "installing ${need[*]}"
  # policy-rc.d exit 101 = "do not start services": containerd's postinst would start the
  # system containerd. The node runs its own containerd (own root, state and socket).
  local placed=0
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    placed=1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  [ "$placed" -eq 0 ] || rm -f /usr/sbin/policy-rc.d
  if [ -d /run/systemd/system ] && command -v systemctl >/dev/null; then
    systemctl disable --now containerd.service >/dev/null 2>&1 || true
  fi
}

# build_image <name:tag> <archive> <user> <entrypoint> <path-in-rootfs=source>...
build_image() {
  local ref=$1 out=$2 user=$3 entry=$4; shift 4
  local tmp; tmp=$(mktemp -d)
  umoci init --layout "$tmp/oci"
  umoci new --image "$tmp/oci:img"
  umoci unpack --image "$tmp/oci:img" "$tmp/bundle" >/dev/null
  local spec path source
  for spec in "$@"; do   # path=@dir (a directory), path=#target (a symlink), path=/host/file
    path=$tmp/bundle/rootfs/${spec%%=*} source=${spec#*=}
    mkdir -p "$(dirname "$path")"
    case "$source" in
      @dir) mkdir -p "$path"; chmod 1777 "$path" ;;
      \#*) ln -s "${source#\#}" "$path" ;;
      *) cp "$source" "$path" ;;
    esac
  done
  umoci repack --image "$tmp/oci:img" "$tmp/bundle" >/dev/null
  umoci config --image "$tmp/oci:img" --config.user "$user" --config.entrypoint "$entry" \
    --config.env PATH=/bin --config.workingdir / >/dev/null
  rm -f "$out.tmp"
  skopeo copy -q "oci:$tmp/oci:img" "docker-archive:$out.tmp:$ref" >/dev/null
  mv "$out.tmp" "$out"
  rm -rf "$tmp"
}

cmd_build() {
  [ "$(id -u)" -eq 0 ] || die "run as root"
  install_packages
  # Every component of the same source tree; kube-apiserver.sh caches each binary.
  "$here/kube-apiserver.sh" kube-apiserver kubelet kube-controller-manager kube-scheduler kube-proxy kubectl >/dev/null
  mkdir -p "$images"
  # The pause image: upstream's build/pause/linux/pause.c, compiled as its Makefile does.
  if [ ! -s "$images/pause-3.4.tar" ]; then
    local tmp; tmp=$(mktemp -d)
    local orig; orig=$(ls "$cache/build-kubernetes-$version"/kubernetes_*"$version".orig.tar.* | head -1)
    tar -xf "$orig" -C "$tmp" --strip-components=4 "kubernetes-$version/build/pause/linux/pause.c"
    gcc -Os -Wall -Werror -static -DVERSION=v3.4-tusk -o "$tmp/pause" "$tmp/pause.c"
    build_image "$pause_image" "$images/pause-3.4.tar" 65535:65535 /pause "pause=$tmp/pause"
    rm -rf "$tmp"
    log "built $images/pause-3.4.tar"
  fi
  # A tiny general-purpose image for tests: Debian's static busybox (sh, httpd, nc, wget with
  # TLS), running as nobody (65534).
  if [ ! -s "$images/busybox-1.35.tar" ]; then
    local specs=("bin/busybox=/bin/busybox" "tmp=@dir") a
    for a in sh cat echo ls sleep httpd nc wget ssl_client id env hostname printf test true false head tail grep sed mkdir rm date; do
      specs+=("bin/$a=#busybox")
    done
    build_image "$busybox_image" "$images/busybox-1.35.tar" 65534:65534 /bin/sh "${specs[@]}"
    log "built $images/busybox-1.35.tar"
  fi
  echo "$images/pause-3.4.tar"
  echo "$images/busybox-1.35.tar"
}

# --- state --------------------------------------------------------------------------------------
load_env() {
  local dir=$1
  [ -f "$dir/env" ] || return 1
  # shellcheck disable=SC1091
  . "$dir/env"
}

# The cgroup hierarchies: /sys/fs/cgroup itself under cgroup v2 (Debian 12's default), one per
# controller under v1 (this project's build machine).
cgroup_hierarchies() {
  if [ -e /sys/fs/cgroup/cgroup.controllers ]; then echo /sys/fs/cgroup; return 0; fi
  local d
  for d in /sys/fs/cgroup/*; do
    [ -d "$d" ] && [ -e "$d/cgroup.procs" ] && echo "$d"
  done
}

# Processes in this node's cgroups (daemons, shims, containers), every hierarchy.
node_pids() {
  local h
  for h in $(cgroup_hierarchies); do
    [ -d "$h/$KN_CGROUP" ] || continue
    find "$h/$KN_CGROUP" -name cgroup.procs -exec cat {} + 2>/dev/null
  done | sort -un
}

# start <name> <program> <args>...: in the node's cgroup, mount and network namespaces, detached.
start() {
  local name=$1; shift
  local dir=$KN_DIR
  # The child shell moves itself into the node's cgroups before exec, so everything it starts
  # (containerd's shims, the containers) can be found and killed by cgroup on down.
  setsid bash -c '
    for h in '"$(cgroup_hierarchies | tr '\n' ' ')"'; do echo $$ > "$h/'"$KN_CGROUP"'/daemons/cgroup.procs"; done
    exec nsenter --mount='"$KN_DIR"'/ns/mnt --net=/run/netns/'"$KN_NS"' -- "$@"' _ "$@" \
    > "$dir/logs/$name.log" 2>&1 < /dev/null &
  echo $! > "$dir/pids/$name.pid"
}

alive() { # alive <name>: the daemon's process still runs
  local pid; pid=$(cat "$KN_DIR/pids/$1.pid" 2>/dev/null) || return 1
  kill -0 "$pid" 2>/dev/null
}

wait_for() { # wait_for <what> <seconds> <command>...
  local what=$1 limit=$2; shift 2
  local end=$(( $(date +%s) + limit ))
  until "$@" >/dev/null 2>&1; do
    if [ "$(date +%s)" -ge "$end" ]; then log "timed out after ${limit}s waiting for $what"; return 1; fi
    sleep 0.2
  done
}

kc() { "$(bin kubectl)" --kubeconfig "$KN_DIR/kubeconfig" "$@"; }

# --- certificates -------------------------------------------------------------------------------
# ECDSA P-256 keys take milliseconds where RSA takes a third of a second each; the API server's
# serving certificate stays RSA for clients with small TLS stacks (busybox wget in pods).
issue() { # issue <name> <subject> <extensions> [rsa]
  local p=$KN_DIR/pki key=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1)
  [ "${4:-}" != rsa ] || key=(-newkey rsa:2048)
  printf '%b\n' "$3" > "$p/$1.ext"
  openssl req "${key[@]}" -nodes -keyout "$p/$1.key" -out "$p/$1.csr" -subj "$2" 2>/dev/null
  openssl x509 -req -in "$p/$1.csr" -CA "$p/ca.crt" -CAkey "$p/ca.key" -CAcreateserial \
    -out "$p/$1.crt" -days 7 -extfile "$p/$1.ext" 2>/dev/null
  chmod 600 "$p/$1.key"
}

kubeconfig() { # kubeconfig <file> <cert-name>
  local p=$KN_DIR/pki
  cat > "$1" <<EOF
apiVersion: v1
kind: Config
current-context: tusk-node
clusters:
- name: tusk-node
  cluster:
    server: https://$KN_NODE_IP:6443
    certificate-authority-data: $(base64 -w0 < "$p/ca.crt")
users:
- name: $2
  user:
    client-certificate-data: $(base64 -w0 < "$p/$2.crt")
    client-key-data: $(base64 -w0 < "$p/$2.key")
contexts:
- name: tusk-node
  context:
    cluster: tusk-node
    user: $2
    namespace: default
EOF
  chmod 600 "$1"
}

make_pki() {
  local p=$KN_DIR/pki
  mkdir -p "$p"; chmod 700 "$p"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$p/ca.key" -out "$p/ca.crt" -days 7 -subj "/CN=tusk-node-ca" 2>/dev/null
  chmod 600 "$p/ca.key"
  issue apiserver "/CN=kube-apiserver" \
    "subjectAltName=IP:$KN_NODE_IP,IP:$KN_API_SERVICE_IP,IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local\nextendedKeyUsage=serverAuth" rsa
  issue admin "/O=system:masters/CN=tusk-node-admin" "extendedKeyUsage=clientAuth"
  issue apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client" "extendedKeyUsage=clientAuth"
  issue kubelet "/O=system:nodes/CN=system:node:$node_name" "extendedKeyUsage=clientAuth"
  issue kubelet-serving "/CN=$node_name" "subjectAltName=IP:$KN_NODE_IP,DNS:$node_name\nextendedKeyUsage=serverAuth"
  issue controller-manager "/CN=system:kube-controller-manager" "extendedKeyUsage=clientAuth"
  issue scheduler "/CN=system:kube-scheduler" "extendedKeyUsage=clientAuth"
  issue kube-proxy "/CN=system:kube-proxy" "extendedKeyUsage=clientAuth"
  issue provisioner "/O=system:masters/CN=tusk-node-provisioner" "extendedKeyUsage=clientAuth"
  openssl genrsa -out "$p/sa.key" 2048 2>/dev/null
  openssl rsa -in "$p/sa.key" -pubout -out "$p/sa.pub" 2>/dev/null
  chmod 600 "$p/sa.key"
  local c
  for c in admin kubelet controller-manager scheduler kube-proxy provisioner; do
    kubeconfig "$KN_DIR/$c.kubeconfig" "$c"
  done
  mv "$KN_DIR/admin.kubeconfig" "$KN_DIR/kubeconfig"
}

# --- network ------------------------------------------------------------------------------------
route_free() { # nothing on the host routes to these prefixes yet
  ! ip route show | grep -qE "^(10\.251\.$1\.0/30|10\.252\.$1\.0/24|10\.253\.$1\.0/24) "
}

allocate_slot() {
  mkdir -p /run/netns
  local n
  for n in $(seq 1 200); do
    [ -e "/run/netns/tuskkn$n" ] && continue
    ip link show "tuskkn$n" >/dev/null 2>&1 && continue
    route_free "$n" || continue
    # `ip netns add` fails if the name exists: the namespace is the slot's lock.
    if ip netns add "tuskkn$n" 2>/dev/null; then echo "$n"; return 0; fi
  done
  return 1
}

write_env() {
  cat > "$KN_DIR/env" <<EOF
# scripts/kube-node.sh: the node in $KN_DIR
KN_DIR=$KN_DIR
KN_SLOT=$KN_SLOT
KN_NS=$KN_NS
KN_CGROUP=$KN_CGROUP
KN_VETH=$KN_VETH
KN_HOST_IP=$KN_HOST_IP
KN_NODE_IP=$KN_NODE_IP
KN_POD_CIDR=$KN_POD_CIDR
KN_SERVICE_CIDR=$KN_SERVICE_CIDR
KN_API_SERVICE_IP=$KN_API_SERVICE_IP
KN_SERVER=https://$KN_NODE_IP:6443
KN_KUBECONFIG=$KN_DIR/kubeconfig
KN_CONTAINERD_SOCKET=$KN_DIR/containerd/containerd.sock
KN_NODE_NAME=$node_name
KN_STORAGE_CLASS=tusk-hostpath
KN_PAUSE_IMAGE=$pause_image
KN_BUSYBOX_IMAGE=$busybox_image
KN_BUSYBOX_ARCHIVE=$images/busybox-1.35.tar
EOF
}

setup_network() {
  ip link add "$KN_VETH" type veth peer name eth0 netns "$KN_NS"
  ip addr add "$KN_HOST_IP/30" dev "$KN_VETH"
  ip link set "$KN_VETH" up
  ip -n "$KN_NS" link set lo up
  ip -n "$KN_NS" addr add "$KN_NODE_IP/30" dev eth0
  ip -n "$KN_NS" link set eth0 up
  # Pods and Services are reached from the host through the node; kube-proxy's rules in the
  # namespace translate ClusterIPs for this traffic as for the pods'.
  ip route add "$KN_POD_CIDR" via "$KN_NODE_IP" dev "$KN_VETH"
  ip route add "$KN_SERVICE_CIDR" via "$KN_NODE_IP" dev "$KN_VETH"
  # ClusterIPs inside the namespace. Forwarded traffic (from the host or pods) is translated by
  # kube-proxy before routing; what is left untranslated (no such Service, or no endpoint yet)
  # is refused at once (ICMP) instead of being lost, so clients fail fast and retry. Programs in
  # the namespace itself (`exec`) need a usable route for their OUTPUT rules to apply at all.
  ip -n "$KN_NS" route add prohibit "$KN_SERVICE_CIDR"
  ip -n "$KN_NS" route add "$KN_SERVICE_CIDR" via "$KN_HOST_IP" dev eth0 table 100
  ip -n "$KN_NS" rule add iif lo to "$KN_SERVICE_CIDR" lookup 100 priority 100
  # Forwarding inside the namespace only (the host's setting is its own).
  ip netns exec "$KN_NS" sysctl -qw net.ipv4.ip_forward=1
  ip netns exec "$KN_NS" sysctl -qw net.ipv4.conf.all.route_localnet=1
  # Bridged pod-to-pod traffic through iptables, so a pod reaching a Service whose endpoint is
  # on the same bridge gets its answer translated back (a per-namespace setting on this kernel).
  ip netns exec "$KN_NS" sysctl -qw net.bridge.bridge-nf-call-iptables=1 2>/dev/null \
    || log "warning: could not set net.bridge.bridge-nf-call-iptables in $KN_NS"
}

# A mount namespace of the node's own, kept by a bind mount at <dir>/ns/mnt. The kubelet hardcodes
# /var/log/pods and removes the directories there of pods it does not know (another node's);
# each node gets its own /var/log/pods and /var/log/containers under <dir>. Every mount the
# kubelet and containerd make (volumes, secrets, root filesystems, pod network namespaces) stays
# in this namespace and is gone with it.
setup_mountns() {
  local d=$KN_DIR
  mkdir -p "$d/ns" "$d/pod-logs" "$d/container-logs" /var/log/pods /var/log/containers
  # The namespace file must sit on a private mount (on a shared one the bind would loop).
  mount --bind "$d/ns" "$d/ns"
  mount --make-private "$d/ns"
  touch "$d/ns/mnt"
  unshare --mount="$d/ns/mnt" --propagation private true
  nsenter --mount="$d/ns/mnt" -- sh -c '
    mount --bind "$1/pod-logs" /var/log/pods && mount --bind "$1/container-logs" /var/log/containers' _ "$d"
}

setup_cgroups() {
  local h
  for h in $(cgroup_hierarchies); do
    mkdir -p "$h/$KN_CGROUP/daemons"
    if [ -e "$h/cgroup.subtree_control" ]; then
      # v2: processes only in leaves (daemons/, the kubelet's kubepods/), controllers delegated.
      local c
      for c in $(cat "$h/cgroup.subtree_control"); do
        echo "+$c" > "$h/$KN_CGROUP/cgroup.subtree_control" 2>/dev/null || true
      done
      continue
    fi
    if [ -e "$h/cpuset.cpus" ]; then
      # A cpuset cgroup takes no tasks until it has CPUs and memory nodes.
      cat "$h/cpuset.cpus" > "$h/$KN_CGROUP/cpuset.cpus"; cat "$h/cpuset.mems" > "$h/$KN_CGROUP/cpuset.mems"
      cat "$h/cpuset.cpus" > "$h/$KN_CGROUP/daemons/cpuset.cpus"; cat "$h/cpuset.mems" > "$h/$KN_CGROUP/daemons/cpuset.mems"
    fi
  done
}

# --- configuration files ------------------------------------------------------------------------
write_configs() {
  local d=$KN_DIR
  mkdir -p "$d/containerd" "$d/cni/net.d" "$d/cni/ipam" "$d/kubelet" "$d/volumes" "$d/etcd"
  cat > "$d/containerd/config.toml" <<EOF
version = 2
root = "$d/containerd/root"
state = "$d/containerd/state"
oom_score = 0
[grpc]
  address = "$d/containerd/containerd.sock"
[ttrpc]
  address = ""
[debug]
  address = ""
[metrics]
  address = ""
[plugins."io.containerd.internal.v1.opt"]
  path = "$d/containerd/opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$pause_image"
  # Kubernetes asks for oom_score_adj -998 for the sandbox; lowering it needs CAP_SYS_RESOURCE,
  # which this machine does not grant. Restricted, runc keeps the inherited value.
  restrict_oom_score_adj = true
  enable_selinux = false
  # Pod network namespaces under the state directory, not /var/run/netns (down unmounts them).
  netns_mounts_under_state_dir = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$d/cni/net.d"
EOF
  cat > "$d/cni/net.d/10-tusk.conflist" <<EOF
{
  "cniVersion": "0.4.0",
  "name": "tusk",
  "plugins": [
    { "type": "bridge", "bridge": "cni0", "isGateway": true, "ipMasq": true, "hairpinMode": true,
      "ipam": { "type": "host-local", "dataDir": "$d/cni/ipam",
                "ranges": [[{ "subnet": "$KN_POD_CIDR" }]], "routes": [{ "dst": "0.0.0.0/0" }] } },
    { "type": "portmap", "capabilities": { "portMappings": true } }
  ]
}
EOF
  cat > "$d/kubelet/config.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $KN_NODE_IP
port: 10250
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: 10248
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: $d/pki/ca.crt}
authorization: {mode: Webhook}
tlsCertFile: $d/pki/kubelet-serving.crt
tlsPrivateKeyFile: $d/pki/kubelet-serving.key
cgroupDriver: cgroupfs
cgroupRoot: /$KN_CGROUP
cgroupsPerQOS: true
enforceNodeAllocatable: [pods]
failSwapOn: false
rotateCertificates: false
serverTLSBootstrap: false
serializeImagePulls: false
# Images come from tarballs, never a registry: do not collect them.
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
evictionHard: {memory.available: 100Mi, nodefs.available: 1%, imagefs.available: 1%, nodefs.inodesFree: 1%}
protectKernelDefaults: false
makeIPTablesUtilChains: true
hairpinMode: hairpin-veth
maxPods: 110
podPidsLimit: 4096
resolvConf: /etc/resolv.conf
syncFrequency: 10s
nodeStatusUpdateFrequency: 4s
EOF
  cat > "$d/kube-proxy.yaml" <<EOF
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection: {kubeconfig: $d/kube-proxy.kubeconfig}
mode: iptables
clusterCIDR: $KN_POD_CIDR
hostnameOverride: $node_name
bindAddress: 0.0.0.0
healthzBindAddress: 127.0.0.1:10256
metricsBindAddress: 127.0.0.1:10249
# Zero: leave the host-wide conntrack table size and timeouts alone.
conntrack: {maxPerCore: 0, min: 0, tcpEstablishedTimeout: 0s, tcpCloseWaitTimeout: 0s}
iptables: {masqueradeAll: false, syncPeriod: 10s, minSyncPeriod: 0s}
EOF
}

# --- up -----------------------------------------------------------------------------------------
cmd_up() {
  local dir=${1:?usage: kube-node.sh up <dir>}
  [ "$(id -u)" -eq 0 ] || die "run as root"
  local c
  for c in kube-apiserver kubelet kube-controller-manager kube-scheduler kube-proxy kubectl; do
    [ -x "$(bin "$c")" ] || die "$(bin "$c") is missing: run scripts/kube-node.sh build"
  done
  [ -s "$images/pause-3.4.tar" ] || die "$images/pause-3.4.tar is missing: run scripts/kube-node.sh build"
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  if [ -f "$dir/env" ]; then die "$dir already holds a node (scripts/kube-node.sh down $dir first)"; fi
  local t0; t0=$(now)
  KN_DIR=$dir
  KN_SLOT=$(allocate_slot) || die "no free slot (network namespaces tuskkn1..200 or their routes are taken)"
  KN_NS=tuskkn$KN_SLOT
  KN_CGROUP=tuskkn$KN_SLOT
  KN_VETH=tuskkn${KN_SLOT}h
  KN_HOST_IP=10.251.$KN_SLOT.1
  KN_NODE_IP=10.251.$KN_SLOT.2
  KN_POD_CIDR=10.252.$KN_SLOT.0/24
  KN_SERVICE_CIDR=10.253.$KN_SLOT.0/24
  KN_API_SERVICE_IP=10.253.$KN_SLOT.1
  mkdir -p "$dir/logs" "$dir/pids"
  write_env   # from here on, down can undo whatever follows
  setup_network
  setup_mountns
  setup_cgroups
  make_pki
  write_configs
  log "slot $KN_SLOT: namespace $KN_NS, API https://$KN_NODE_IP:6443, pods $KN_POD_CIDR, services $KN_SERVICE_CIDR"

  start etcd /usr/bin/etcd --name node --data-dir "$dir/etcd" \
    --listen-client-urls http://127.0.0.1:2379 --advertise-client-urls http://127.0.0.1:2379 \
    --listen-peer-urls http://127.0.0.1:2380 --initial-advertise-peer-urls http://127.0.0.1:2380 \
    --initial-cluster node=http://127.0.0.1:2380 --log-level warn
  start containerd /usr/bin/containerd --config "$dir/containerd/config.toml"
  # The kubelet and kube-proxy start before the API server is ready (they retry): the kubelet's
  # own start (cAdvisor, the runtime) takes seconds that overlap the API server's.
  start kube-apiserver "$(bin kube-apiserver)" \
    --etcd-servers=http://127.0.0.1:2379 \
    --bind-address=0.0.0.0 --secure-port=6443 --insecure-port=0 \
    --advertise-address="$KN_NODE_IP" \
    --service-cluster-ip-range="$KN_SERVICE_CIDR" \
    --cert-dir="$dir/pki" \
    --tls-cert-file="$dir/pki/apiserver.crt" --tls-private-key-file="$dir/pki/apiserver.key" \
    --client-ca-file="$dir/pki/ca.crt" \
    --kubelet-client-certificate="$dir/pki/apiserver-kubelet-client.crt" \
    --kubelet-client-key="$dir/pki/apiserver-kubelet-client.key" \
    --kubelet-certificate-authority="$dir/pki/ca.crt" \
    --kubelet-preferred-address-types=InternalIP \
    --authorization-mode=Node,RBAC \
    --enable-admission-plugins=NodeRestriction \
    --allow-privileged=true \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --service-account-key-file="$dir/pki/sa.pub" \
    --service-account-signing-key-file="$dir/pki/sa.key" \
    --api-audiences=https://kubernetes.default.svc.cluster.local \
    --profiling=false --v=0
  wait_for "containerd" 30 test -S "$dir/containerd/containerd.sock" \
    || { tail -20 "$dir/logs/containerd.log" >&2; die "containerd did not start"; }
  import_images "$images/pause-3.4.tar"

  start kubelet "$(bin kubelet)" \
    --config="$dir/kubelet/config.yaml" \
    --kubeconfig="$dir/kubelet.kubeconfig" \
    --root-dir="$dir/kubelet" --cert-dir="$dir/kubelet/pki" \
    --container-runtime=remote \
    --container-runtime-endpoint="unix://$dir/containerd/containerd.sock" \
    --runtime-request-timeout=5m \
    --pod-infra-container-image="$pause_image" \
    --hostname-override="$node_name" --node-ip="$KN_NODE_IP" \
    --v=0
  start kube-proxy "$(bin kube-proxy)" --config="$dir/kube-proxy.yaml" --v=0
  start provisioner bash "$here/kube-node/provisioner.sh" "$dir"

  wait_for "kube-apiserver /readyz" 60 curl -sf --cacert "$dir/pki/ca.crt" \
    --cert "$dir/pki/admin.crt" --key "$dir/pki/admin.key" "https://$KN_NODE_IP:6443/readyz" \
    || { tail -20 "$dir/logs/kube-apiserver.log" >&2; die "kube-apiserver did not become ready"; }
  local t_api; t_api=$(since "$t0")
  log "kube-apiserver ready after ${t_api}s"

  # The controller-manager and the scheduler exit if the API server's bootstrap RBAC is not there yet.
  start kube-controller-manager "$(bin kube-controller-manager)" \
    --kubeconfig="$dir/controller-manager.kubeconfig" \
    --authentication-kubeconfig="$dir/controller-manager.kubeconfig" \
    --authorization-kubeconfig="$dir/controller-manager.kubeconfig" \
    --bind-address=127.0.0.1 --port=0 --secure-port=10257 \
    --leader-elect=false --use-service-account-credentials=true \
    --service-account-private-key-file="$dir/pki/sa.key" --root-ca-file="$dir/pki/ca.crt" \
    --cluster-signing-cert-file="$dir/pki/ca.crt" --cluster-signing-key-file="$dir/pki/ca.key" \
    --controllers='*' --service-cluster-ip-range="$KN_SERVICE_CIDR" \
    --profiling=false --v=0
  start kube-scheduler "$(bin kube-scheduler)" \
    --kubeconfig="$dir/scheduler.kubeconfig" \
    --authentication-kubeconfig="$dir/scheduler.kubeconfig" \
    --authorization-kubeconfig="$dir/scheduler.kubeconfig" \
    --bind-address=127.0.0.1 --port=0 --secure-port=10259 --leader-elect=false --profiling=false --v=0

  kc apply -f - >/dev/null <<EOF
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: tusk-hostpath
  annotations: {storageclass.kubernetes.io/is-default-class: "true"}
provisioner: tusk.dev/hostpath
reclaimPolicy: Delete
volumeBindingMode: Immediate
EOF
  node_ready() { [ "$(kc get node "$node_name" -o 'jsonpath={.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null)" = True ]; }
  wait_for "node $node_name Ready" 120 node_ready \
    || { tail -30 "$dir/logs/kubelet.log" >&2; die "the node did not become Ready"; }
  local t_node; t_node=$(since "$t0")
  wait_for "the default ServiceAccount" 60 kc -n default get serviceaccount default \
    || { tail -20 "$dir/logs/kube-controller-manager.log" >&2; die "no default ServiceAccount"; }
  local t_sa; t_sa=$(since "$t0")
  for c in etcd containerd kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy provisioner; do
    alive "$c" || { tail -20 "$dir/logs/$c.log" >&2; die "$c exited"; }
  done
  printf 'KN_TIMINGS="apiserver=%s node=%s serviceaccount=%s"\n' "$t_api" "$t_node" "$t_sa" >> "$dir/env"
  log "up: kube-apiserver ready ${t_api}s, node Ready ${t_node}s, default ServiceAccount ${t_sa}s"
  echo "$dir/kubeconfig"
}

import_images() {
  local a
  for a in "$@"; do
    [ -s "$a" ] || die "no image archive $a"
    /usr/bin/ctr --address "$KN_DIR/containerd/containerd.sock" -n k8s.io images import "$a" >/dev/null \
      || die "could not import $a"
  done
}

cmd_import() {
  local dir=${1:?usage: kube-node.sh import <dir> <docker-archive.tar>...}; shift
  load_env "$dir" || die "no node in $dir"
  [ $# -gt 0 ] || die "usage: kube-node.sh import <dir> <docker-archive.tar>..."
  import_images "$@"
}

# --- down ---------------------------------------------------------------------------------------
stop_daemon() { # SIGTERM a daemon if its pid is still one of this node's processes
  local pid; pid=$(cat "$KN_DIR/pids/$1.pid" 2>/dev/null) || return 0
  grep -qs "$KN_CGROUP" "/proc/$pid/cgroup" && kill -TERM "$pid" 2>/dev/null || true
}

cmd_down() {
  local dir=${1:?usage: kube-node.sh down <dir>}
  [ "$(id -u)" -eq 0 ] || die "run as root"
  [ -d "$dir" ] || return 0
  dir=$(cd "$dir" && pwd)
  if load_env "$dir"; then
    KN_DIR=$dir
    local t0; t0=$(now)
    # The kubelet and the provisioner first (they would restart what follows), then the rest.
    local c
    for c in provisioner kubelet kube-proxy kube-scheduler kube-controller-manager; do stop_daemon "$c"; done
    # Containers and shims: everything left in the node's cgroups except the API server and
    # etcd, killed outright (pods are disposable), then containerd.
    local keep=" $(cat "$dir/pids/kube-apiserver.pid" "$dir/pids/etcd.pid" 2>/dev/null | tr '\n' ' ') "
    # (each shim's address file holds one unix:// URL and no newline)
    local shim_sockets="" f
    for f in "$dir"/containerd/state/io.containerd.runtime.v2.task/*/*/address; do
      [ -f "$f" ] && shim_sockets+=" $(cat "$f")"
    done
    local pid round
    for round in $(seq 1 50); do
      local left=0
      for pid in $(node_pids); do
        [[ "$keep" == *" $pid "* ]] && continue
        left=1
        kill -KILL "$pid" 2>/dev/null || true
      done
      [ "$left" -eq 1 ] || break
      sleep 0.1
    done
    stop_daemon kube-apiserver; stop_daemon etcd
    for round in $(seq 1 50); do
      [ -n "$(node_pids)" ] || break
      [ "$round" -lt 30 ] || for pid in $(node_pids); do kill -KILL "$pid" 2>/dev/null || true; done
      sleep 0.1
    done
    [ -z "$(node_pids)" ] || log "warning: processes left in cgroup $KN_CGROUP: $(node_pids | tr '\n' ' ')"
    # Shim sockets live under /run/containerd/s; a killed shim leaves its socket behind.
    local s
    for s in $shim_sockets; do s=${s#unix://}; [[ "$s" == /run/containerd/s/* ]] && rm -f "$s"; done
  fi
  # Mounts under the directory, deepest first: the node's mount namespace (with everything the
  # kubelet and containerd mounted in it, released with its last process and this bind mount),
  # and anything a caller mounted there.
  local m round2
  for round2 in 1 2 3; do
    local mounts; mounts=$(awk -v d="$dir/" 'index($2, d) == 1 || $2 == substr(d, 1, length(d) - 1) { print $2 }' /proc/self/mounts | sort -r)
    [ -n "$mounts" ] || break
    for m in $mounts; do umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true; done
  done
  if [ -n "${KN_NS:-}" ]; then
    # Deleting the namespace removes its bridge, the veth pair (so the host routes through it),
    # and the iptables rules kube-proxy and the kubelet made there.
    ip netns del "$KN_NS" 2>/dev/null || true
    ip link del "$KN_VETH" 2>/dev/null || true
    ip route del "$KN_POD_CIDR" 2>/dev/null || true
    ip route del "$KN_SERVICE_CIDR" 2>/dev/null || true
  fi
  if [ -n "${KN_CGROUP:-}" ]; then
    local h
    for h in $(cgroup_hierarchies); do
      [ -d "$h/$KN_CGROUP" ] || continue
      find "$h/$KN_CGROUP" -depth -type d -exec rmdir {} + 2>/dev/null || true
      [ ! -d "$h/$KN_CGROUP" ] || log "warning: could not remove cgroup $h/$KN_CGROUP"
    done
  fi
  if awk -v d="$dir/" 'index($2, d) == 1 { found = 1 } END { exit !found }' /proc/self/mounts; then
    log "warning: mounts are left under $dir; not removing its files"
  else
    # Everything but the logs (and the pki, which holds nothing useful without the node).
    local f
    for f in "$dir"/*; do
      [ "$f" = "$dir/logs" ] || rm -rf "$f"
    done
  fi
  [ -z "${t0:-}" ] || log "down in $(since "$t0")s"
}

# --- diagnostics --------------------------------------------------------------------------------
cmd_diag() {
  local dir=${1:?usage: kube-node.sh diag <dir>}
  load_env "$dir" || die "no node in $dir"
  KN_DIR=$(cd "$dir" && pwd)
  echo "=== node $KN_NODE_NAME in $KN_DIR (namespace $KN_NS, API $KN_SERVER)"
  echo "=== kubectl get nodes,all,pvc,pv -A -o wide"
  kc get nodes -o wide 2>&1 || true
  kc get all,pvc -A -o wide 2>&1 || true
  kc get pv -o wide 2>&1 || true
  echo "=== events"
  kc get events -A --sort-by=.lastTimestamp 2>&1 | tail -60 || true
  echo "=== pods not Running/Succeeded, described"
  local line ns name
  kc get pods -A --no-headers -o custom-columns=NS:.metadata.namespace,NAME:.metadata.name,PHASE:.status.phase 2>/dev/null \
    | while read -r ns name line; do
      [ "$line" = Running ] || [ "$line" = Succeeded ] || { echo "--- $ns/$name ($line)"; kc -n "$ns" describe pod "$name" 2>&1 | tail -40; }
    done
  echo "=== pod logs (last 50 lines per container, and the previous instance's)"
  kc get pods -A --no-headers -o custom-columns=NS:.metadata.namespace,NAME:.metadata.name 2>/dev/null \
    | while read -r ns name; do
      echo "--- $ns/$name"
      kc -n "$ns" logs "$name" --all-containers --tail=50 --prefix 2>&1 || true
      kc -n "$ns" logs "$name" --all-containers --tail=20 --prefix --previous 2>/dev/null || true
    done
  local c
  for c in kubelet containerd kube-controller-manager kube-scheduler kube-proxy kube-apiserver provisioner; do
    echo "=== $c log (last 20 lines)"
    tail -20 "$KN_DIR/logs/$c.log" 2>/dev/null || true
  done
}

cmd=${1:-}
[ $# -eq 0 ] || shift
case "$cmd" in
  build) cmd_build ;;
  up) cmd_up "$@" ;;
  down) cmd_down "$@" ;;
  import) cmd_import "$@" ;;
  diag) cmd_diag "$@" ;;
  kubectl)
    dir=${1:?usage: kube-node.sh kubectl <dir> <args>...}; shift
    load_env "$dir" || die "no node in $dir"
    exec "$(bin kubectl)" --kubeconfig "$KN_KUBECONFIG" "$@" ;;
  exec)
    dir=${1:?usage: kube-node.sh exec <dir> <command>...}; shift
    load_env "$dir" || die "no node in $dir"
    exec nsenter --net="/run/netns/$KN_NS" -- "$@" ;;
  *) sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac

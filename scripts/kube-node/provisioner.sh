#!/usr/bin/env bash
# The node's volume provisioner (started by scripts/kube-node.sh up): a polling loop that gives
# every Pending PersistentVolumeClaim of StorageClass tusk-hostpath a `local` PersistentVolume
# on a new directory under <dir>/volumes, bound to that claim, and deletes the volume and its
# directory once the claim is gone (reclaim policy Delete). A `local` volume, unlike hostPath,
# gets the pod's fsGroup, so non-root pods can write to it.
#
#   scripts/kube-node/provisioner.sh <dir>
set -uo pipefail

dir=${1:?usage: provisioner.sh <dir>}
. "$dir/env"
kubectl="/var/cache/tusk/kubectl-1.20.2"
[ -z "${TUSK_KUBE_CACHE:-}" ] || kubectl="$TUSK_KUBE_CACHE/kubectl-1.20.2"
kc() { "$kubectl" --kubeconfig "$dir/provisioner.kubeconfig" "$@"; }
provisioner=tusk.dev/hostpath

provision() { # provision <namespace> <claim> <uid> <size> <access modes as JSON>
  local name="pvc-$3" path="$dir/volumes/pvc-$3"
  mkdir -p "$path"
  # Any pod user may write here (the pod's fsGroup is applied on top).
  chmod 0777 "$path"
  kc create -f - <<EOF >/dev/null && echo "provisioned $name for $1/$2 ($4)"
apiVersion: v1
kind: PersistentVolume
metadata:
  name: $name
  annotations: {pv.kubernetes.io/provisioned-by: $provisioner}
spec:
  storageClassName: tusk-hostpath
  capacity: {storage: $4}
  accessModes: $5
  persistentVolumeReclaimPolicy: Delete
  volumeMode: Filesystem
  claimRef: {namespace: $1, name: $2, uid: $3}
  local: {path: $path}
  nodeAffinity:
    required:
      nodeSelectorTerms:
      - matchExpressions:
        - {key: kubernetes.io/hostname, operator: In, values: [$KN_NODE_NAME]}
EOF
}

while true; do
  volumes=" $(kc get pv -o jsonpath='{range .items[*]}{.metadata.name}{" "}{end}' 2>/dev/null) "
  kc get pvc -A -o jsonpath='{range .items[?(@.status.phase=="Pending")]}{.metadata.namespace}{"\t"}{.metadata.name}{"\t"}{.metadata.uid}{"\t"}{.spec.storageClassName}{"\t"}{.spec.resources.requests.storage}{"\t"}{.spec.accessModes}{"\n"}{end}' 2>/dev/null \
    | while IFS=$'\t' read -r ns claim uid class size modes; do
        [ "$class" = tusk-hostpath ] || continue
        [[ "$volumes" == *" pvc-$uid "* ]] && continue
        provision "$ns" "$claim" "$uid" "$size" "${modes:-[ReadWriteOnce]}"
      done
  kc get pv -o jsonpath='{range .items[?(@.status.phase=="Released")]}{.metadata.name}{"\t"}{.metadata.annotations.pv\.kubernetes\.io/provisioned-by}{"\n"}{end}' 2>/dev/null \
    | while IFS=$'\t' read -r name by; do
        [ "$by" = "$provisioner" ] || continue
        rm -rf "${dir:?}/volumes/$name"
        kc delete pv "$name" --wait=false >/dev/null && echo "deleted $name"
      done
  sleep 1
done

#!/usr/bin/env bash
# Restores the local stack's store from a backup made by `just backup`
# (imrfctl store backup): stops the stack, moves the store aside (never
# deletes it: .data/nats.before-restore-<time>), starts nats-server alone on
# an empty store, restores every stream, bucket and object store, then
# starts the services, which rebuild their read models and consumers from
# what was restored.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
backup="${1:?usage: restore.sh BACKUP_DIR}"
data="${IMRF_DATA_DIR:-$root/.data}"
profile="${IMRF_PROFILE:-debug}"

# A damaged or partial backup is refused before the store is touched.
cargo_flags=(--quiet --bin imrfctl)
[[ "$profile" == "release" ]] && cargo_flags+=(--release)
cargo build "${cargo_flags[@]}"
imrfctl="target/$profile/imrfctl"
"$imrfctl" store verify "$backup"

deploy/local/down.sh
if [[ -d "$data/nats" ]]; then
  aside="$data/nats.before-restore-$(date -u +%Y%m%dT%H%M%SZ)"
  mv "$data/nats" "$aside"
  echo "the store before the restore is kept in $aside"
fi
IMRF_NATS_ONLY=1 deploy/local/up.sh
IMRF_DATA_DIR="$data" "$imrfctl" store restore "$backup" --nats-url "nats://127.0.0.1:${IMRF_NATS_PORT:-4250}"
deploy/local/up.sh

# Tasks a user or CI runs. `just --list` shows them.

set shell := ["bash", "-euo", "pipefail", "-c"]

# Run the whole review cycle on the bundled data (for now: start the local
# stack, show the four services healthy over gRPC, stop it).
demo: setup
    deploy/local/demo.sh

# Run the whole test suite (real nats-server per test, real gRPC).
test: setup
    #!/usr/bin/env bash
    set -euo pipefail
    export IMRF_NATS_SERVER="$(deploy/local/ensure-nats-server.sh)"
    # The console's journeys drive Debian's chromium over chromedriver and
    # check each page with axe-core (installed when missing, where it can).
    eval "$(deploy/local/ensure-browser.sh)"
    # The workbook tests fill templates with openpyxl (installed when missing).
    eval "$(deploy/local/ensure-openpyxl.sh)"
    # The alert rules are checked and unit-tested by promtool (Debian's
    # prometheus package, installed when missing).
    eval "$(deploy/local/ensure-promtool.sh)"
    # The end-to-end tests start the real service binaries; cargo builds a
    # package's binaries only for its own tests, so build them all first.
    cargo build --workspace --bins
    if cargo nextest --version >/dev/null 2>&1; then
        cargo nextest run --workspace --no-fail-fast
    else
        cargo test --workspace --no-fail-fast
    fi

# Find or install nats-server 2.10+ into .tools/ (idempotent; instant when done).
setup:
    @deploy/local/ensure-nats-server.sh >/dev/null

# Formatting, clippy with warnings as errors, and buf lint of the contract
# when npx is available.
lint:
    cargo fmt --all -- --check
    cargo clippy --workspace --all-targets -- -D warnings
    if command -v npx >/dev/null 2>&1; then (cd proto && npx --yes @bufbuild/buf@1.75 lint); else echo "npx not found: skipping buf lint"; fi

# Benchmarks (release build), each figure against a baseline measured in the
# same run; pass arguments through, for example `just bench --operations 500`.
bench *ARGS: setup
    #!/usr/bin/env bash
    set -euo pipefail
    export IMRF_NATS_SERVER="$(deploy/local/ensure-nats-server.sh)"
    cargo build --release --quiet --bins
    cargo bench --quiet -p imrf-loadgen --bench imrf-bench -- {{ARGS}}

# Start nats-server on 127.0.0.1:4250 (store in .data/nats), the four
# services on 50051-50054 and the web console on http://127.0.0.1:8080.
up: setup
    deploy/local/up.sh

# Browse the cycle `just demo` ran, in the web console on
# http://127.0.0.1:8080 (sign in as anyone: it is a local stack); stop it
# with `just down-demo`.
browse-demo: setup
    IMRF_DATA_DIR="$PWD/.data/demo" deploy/local/up.sh

# Stop what `just browse-demo` started.
down-demo:
    IMRF_DATA_DIR="$PWD/.data/demo" deploy/local/down.sh

# Stop exactly what `just up` started.
down:
    deploy/local/down.sh

# Back up the local stack's whole store (every stream, bucket and object
# store, as JetStream snapshots) into a new directory, for example
# `just backup backups/$(date +%F)`; the stack keeps running.
backup DIR:
    cargo run --quiet --bin imrfctl -- store backup "{{DIR}}"

# Restore the local stack from a backup: stop it, set its store aside in
# .data/, restore onto an empty one, start it again.
restore DIR: setup
    deploy/local/restore.sh "{{DIR}}"

# Show whether each local service is serving.
status:
    cargo run --quiet --bin imrfctl -- stack status

# Convert a draft DOCX (default: the demo's out/draft.docx) to PDF with
# LibreOffice, where it is installed, and print its page count; the PDF is
# written beside it for a reader to look at (pdftoppm renders its pages).
check-docx DOCX="out/draft.docx":
    #!/usr/bin/env bash
    set -euo pipefail
    soffice="$(command -v soffice || command -v libreoffice || true)"
    if [ -z "$soffice" ]; then
        echo "LibreOffice is not installed (apt-get install libreoffice-writer-nogui): not checked"
        exit 0
    fi
    docx="{{DOCX}}"
    out="$(dirname "$docx")"
    "$soffice" --headless --convert-to pdf --outdir "$out" "$docx" >/dev/null
    pdf="$out/$(basename "${docx%.docx}").pdf"
    pages="$(python3 -c 'import re,sys; print(len(re.findall(rb"/Type\s*/Page[^s]", open(sys.argv[1],"rb").read())))' "$pdf")"
    echo "$pdf: $pages pages"

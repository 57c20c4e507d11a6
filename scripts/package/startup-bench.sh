#!/usr/bin/env bash
# Start-up time of the single executable against the source tree's CLI, as in docs/package.md:
#   dist/logagg version   cold (a fresh cache dir each run: unpacks the bundle and the addon)
#   dist/logagg version   warm (files already unpacked)
#   node bin/logagg version, and --help for both (no SQLite), and a bare `node -e 0`.
# Needs hyperfine (apt-get install hyperfine); without it, a plain loop prints means.
# Usage: scripts/package/startup-bench.sh [RUNS]     (after npm run package; default 30 runs)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
RUNS=${1:-30}
[ -x "$ROOT/dist/logagg" ] || { echo "dist/logagg is missing: run npm run package" >&2; exit 1; }

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkdir "$WORK/empty"
cp "$ROOT/dist/logagg" "$WORK/logagg"
cd "$WORK/empty"
export XDG_CACHE_HOME="$WORK/cache"
echo "# $(date -u +%FT%TZ) $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $RUNS runs each"

if command -v hyperfine >/dev/null; then
  hyperfine -N --warmup 3 --runs "$RUNS" --style basic --export-markdown "$WORK/cold.md" \
    --prepare "rm -rf $WORK/cache" -n 'dist/logagg version (cold)' "$WORK/logagg version" >/dev/null
  hyperfine -N --warmup 3 --runs "$RUNS" --style basic --export-markdown "$WORK/warm.md" \
    -n 'dist/logagg version (warm)' "$WORK/logagg version" \
    -n 'node bin/logagg version' "node $ROOT/bin/logagg version" \
    -n 'dist/logagg --help (warm)' "$WORK/logagg --help" \
    -n 'node bin/logagg --help' "node $ROOT/bin/logagg --help" \
    -n 'node -e 0' 'node -e 0' >/dev/null
  cat "$WORK/cold.md"
  tail -n +3 "$WORK/warm.md"
else
  mean() { # NAME PREPARE CMD...
    local name=$1 prep=$2 total=0 t0 t1
    shift 2
    for _ in $(seq "$RUNS"); do
      eval "$prep"
      t0=$(date +%s%N)
      "$@" >/dev/null
      t1=$(date +%s%N)
      total=$((total + t1 - t0))
    done
    printf '| %s | %d ms |\n' "$name" $((total / RUNS / 1000000))
  }
  echo '| Command | Mean |'
  echo '|:---|---:|'
  mean 'dist/logagg version (cold)' "rm -rf $WORK/cache" "$WORK/logagg" version
  mean 'dist/logagg version (warm)' : "$WORK/logagg" version
  mean 'node bin/logagg version' : node "$ROOT/bin/logagg" version
  mean 'dist/logagg --help (warm)' : "$WORK/logagg" --help
  mean 'node bin/logagg --help' : node "$ROOT/bin/logagg" --help
  mean 'node -e 0' : node -e 0
fi

#!/usr/bin/env bash
# The same prisoner's dilemma round robin, played by the Axelrod Python library and
# by `common-enemy tournament`, one after the other in one run: both turns-per-second
# figures and their ratio. The library is installed from PyPI in a temporary virtual
# environment that is removed afterwards.
#
# Usage: bench/axelrod_side_by_side.sh [REPETITIONS]   (default 20; from the repo root)
#
# Both are timed whole-process (start-up, imports and scenario loading included), the
# best of RUNS runs each (default 3), because that is what a user waits for. The
# round robin: the eight classics below, 200 turns, self-play included, every pair
# once per repetition (36 pairs, 7,200 turns per repetition). Set THREADS to pass
# `--threads` to ours; by default it uses every core, as a user's run does. The
# library plays on one process (its default).
set -euo pipefail

REPS=${1:-20}
RUNS=${RUNS:-3}
TURNS=200
OURS=(cooperator defector random tit_for_tat grudger win_stay_lose_shift alternator tit_for_two_tats)
THEIRS=(Cooperator Defector Random TitForTat Grudger WinStayLoseShift Alternator TitForTwoTats)
PAIRS=$(( ${#OURS[@]} * (${#OURS[@]} + 1) / 2 ))
TOTAL=$(( PAIRS * TURNS * REPS ))

cd "$(dirname "$0")/.."
venv=$(mktemp -d)
trap 'rm -rf "$venv"' EXIT

echo "installing the axelrod library in $venv ..." >&2
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check axelrod
version=$("$venv/bin/python" -c 'import axelrod; print(axelrod.__version__)')

echo "building common-enemy (release) ..." >&2
cargo build --release --quiet
target_dir=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
bin="$target_dir/release/common-enemy"

cat > "$venv/round_robin.py" <<EOF
import axelrod as axl
players = [$(printf 'axl.%s(), ' "${THEIRS[@]}")]
axl.Tournament(players, turns=$TURNS, repetitions=$REPS).play(progress_bar=False)
EOF

# Wall seconds of the fastest of RUNS runs of a command.
best_of() {
    local best=""
    for _ in $(seq "$RUNS"); do
        local t0 t1
        t0=$(date +%s.%N)
        "$@" > /dev/null
        t1=$(date +%s.%N)
        best=$(python3 -c "t = $t1 - $t0; b = '$best'; print(t if not b else min(t, float(b)))")
    done
    echo "$best"
}

strategies=$(IFS=,; echo "${OURS[*]}")
threads=()
if [[ -n "${THREADS:-}" ]]; then threads=(--threads "$THREADS"); fi

echo "playing $TOTAL turns ($PAIRS pairs x $TURNS turns x $REPS repetitions), best of $RUNS ..." >&2
theirs=$(best_of "$venv/bin/python" "$venv/round_robin.py")
ours=$(best_of "$bin" tournament --scenario scenarios/prisoners_dilemma.ron \
    --strategies "$strategies" --turns "$TURNS" --repetitions "$REPS" --seed 1 "${threads[@]}")

python3 - "$TOTAL" "$theirs" "$ours" "$version" "${THREADS:-all cores}" <<'EOF'
import sys
total, theirs, ours = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
print(f"axelrod {sys.argv[4]}: {total} turns in {theirs:.3f} s: {total / theirs:,.0f} turns/s")
print(f"common-enemy ({sys.argv[5]}): {total} turns in {ours:.3f} s: {total / ours:,.0f} turns/s")
print(f"ratio: {theirs / ours:.1f}x")
EOF

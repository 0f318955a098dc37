#!/usr/bin/env bash
# The same prisoner's dilemma round robin, played by the Axelrod Python library and
# by `common-enemy tournament`, their runs alternating in one run: both turns-per-second
# figures and their ratio. The library is installed from PyPI in a temporary virtual
# environment that is removed afterwards.
#
# Usage: bench/axelrod_side_by_side.sh [REPETITIONS]   (default 100; from the repo root)
# (100 repetitions, 720,000 turns: ours then runs long enough, about a tenth of a
# second, that starting its threads no longer weighs on the figure.)
#
# Both are timed inside the process, round robin only (imports, start-up and the
# scenario's loading left out: importing the library alone takes seconds), the best
# of RUNS runs each (default 5), one of theirs then one of ours in turn. The library's `Tournament.play` builds its result
# set, as ours tallies its ranking; AXELROD_RESULTS=0 skips that, the least work the
# library can be asked for. The round robin: the eight classics below, 200 turns, self-play included,
# every pair once per repetition (36 pairs, 7,200 turns per repetition). Set THREADS
# to pass `--threads` to ours; by default it uses every core, as a user's run does.
# The library plays in one process (its default).
set -euo pipefail
shopt -s inherit_errexit

REPS=${1:-100}
RUNS=${RUNS:-5}
TURNS=200
OURS=(cooperator defector random tit_for_tat grudger win_stay_lose_shift alternator tit_for_two_tats)
THEIRS=(Cooperator Defector Random TitForTat Grudger WinStayLoseShift Alternator TitFor2Tats)
PAIRS=$(( ${#OURS[@]} * (${#OURS[@]} + 1) / 2 ))
TOTAL=$(( PAIRS * TURNS * REPS ))

cd "$(dirname "$0")/.."
venv=$(mktemp -d)
trap 'rm -rf "$venv"' EXIT

# AXELROD_PYTHON: a Python that already has the library, to skip the install.
python=${AXELROD_PYTHON:-$venv/bin/python}
if [[ -z "${AXELROD_PYTHON:-}" ]]; then
    echo "installing the axelrod library in $venv ..." >&2
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check axelrod
fi
version=$("$python" -c 'import axelrod; print(axelrod.__version__)')

echo "building common-enemy (release) ..." >&2
cargo build --release --quiet
target_dir=$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')
bin="$target_dir/release/common-enemy"

cat > "$venv/round_robin.py" <<EOF
import time
import axelrod as axl
players = [$(printf 'axl.%s(), ' "${THEIRS[@]}")]
tournament = axl.Tournament(players, turns=$TURNS, repetitions=$REPS)
start = time.perf_counter()
tournament.play(build_results=${AXELROD_RESULTS:-1} == 1, progress_bar=False)
print(time.perf_counter() - start)
EOF

strategies=$(IFS=,; echo "${OURS[*]}")
threads=()
if [[ -n "${THREADS:-}" ]]; then threads=(--threads "$THREADS"); fi

theirs_run() { "$python" "$venv/round_robin.py"; }
ours_run() {
    "$bin" tournament --scenario scenarios/prisoners_dilemma.ron --strategies "$strategies" \
        --turns "$TURNS" --repetitions "$REPS" --seed 1 "${threads[@]}" |
        sed -n 's/^\([0-9]*\) turns in \([0-9.]*\) s.*/\1 \2/p' |
        { read -r turns secs && [[ "$turns" == "$TOTAL" ]] && echo "$secs"; }
}

# The runs alternate, one of theirs then one of ours, so that both meet the
# machine in the same state (on a shared VM its speed drifts by a third over
# minutes); each side's best run counts.
echo "playing $TOTAL turns ($PAIRS pairs x $TURNS turns x $REPS repetitions), $RUNS runs each, alternating ..." >&2
theirs_all=() ours_all=()
for _ in $(seq "$RUNS"); do
    theirs_all+=("$(theirs_run)")
    ours_all+=("$(ours_run)")
done
theirs=$(python3 -c 'import sys; print(min(map(float, sys.argv[1:])))' "${theirs_all[@]}")
ours=$(python3 -c 'import sys; print(min(map(float, sys.argv[1:])))' "${ours_all[@]}")
echo "runs (s): axelrod ${theirs_all[*]}; common-enemy ${ours_all[*]}" >&2

python3 - "$TOTAL" "$theirs" "$ours" "$version" "${THREADS:-all cores}" <<'EOF'
import sys
total, theirs, ours = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
print(f"axelrod {sys.argv[4]}: {total} turns in {theirs:.3f} s: {total / theirs:,.0f} turns/s")
print(f"common-enemy ({sys.argv[5]}): {total} turns in {ours:.3f} s: {total / ours:,.0f} turns/s")
print(f"ratio: {theirs / ours:.1f}x")
EOF

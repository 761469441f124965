#!/usr/bin/env bash
# Side-by-side benchmark: mql-studio against DuckDB and pandas, in one run, on one data set.
#
#   benches/compare/run.sh [DATA_DIR]        (default: bench-data/1000000)
#
# DATA_DIR holds leads.csv and events.csv. Each contender's time is the wall clock of its whole
# process as /usr/bin/time -v reports it, best of $RUNS rounds (default 3) in which the contenders
# take turns (fairer on a shared machine than back-to-back runs), with its largest peak RSS:
#   (a) cat leads.csv events.csv > /dev/null        the limit: read the input bytes once
#   (b) DuckDB load                                 load_duckdb.py (CREATE TABLE AS read_csv)
#   (c) mql-studio load                             `mql-studio explain` of one lead (loads the
#                                                   model, leads and events, explains one lead),
#                                                   and the in-process figure printed by
#                                                   `cargo bench --bench scale` (SCALE_BENCH=1)
#   (d) mql-studio score, end to end to a CSV
#   (e) DuckDB SQL, end to end to a CSV             score_duckdb.py + score_duckdb.sql
#   (f) pandas, end to end to a CSV (once)          score_pandas.py
# then prints a table with the ratios and checks that the three scored CSVs are identical
# (sorted by id; the number of differing rows is reported). The Python scripts also time
# themselves without Python's start-up and imports: the "in-script" column.
#
# Environment:
#   MQL        the mql-studio binary (default: /work/target-compare/release/mql-studio, built with
#              `CARGO_TARGET_DIR=/work/target-compare cargo build --release`)
#   PYTHON     the Python with duckdb and pandas (default: /work/venv-compare/bin/python)
#   RUNS       repetitions for best-of (default 3)
#   PANDAS     0 to skip pandas (it is slow)
#   SCALE_BENCH 1 to also run `cargo bench --bench scale` for its load figure (only for
#              DATA_DIR = bench-data/N; it takes a few minutes)
#   OUT        where the outputs and /usr/bin/time logs go (default: a new temporary directory)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
cd "$ROOT"

DATA="${1:-bench-data/1000000}"
LEADS="$DATA/leads.csv"
EVENTS="$DATA/events.csv"
MODEL="$ROOT/models/default.ron"
MQL="${MQL:-/work/target-compare/release/mql-studio}"
PYTHON="${PYTHON:-/work/venv-compare/bin/python}"
RUNS="${RUNS:-3}"
PANDAS="${PANDAS:-1}"
SCALE_BENCH="${SCALE_BENCH:-0}"
OUT="${OUT:-$(mktemp -d /tmp/mql-compare.XXXXXX)}"
mkdir -p "$OUT"

for f in "$LEADS" "$EVENTS" "$MODEL" "$MQL" "$PYTHON"; do
    [[ -e "$f" ]] || { echo "missing: $f" >&2; exit 2; }
done
[[ -x /usr/bin/time ]] || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 2; }

echo "data: $DATA ($(du -shL "$LEADS" | cut -f1) leads.csv, $(du -shL "$EVENTS" | cut -f1) events.csv)"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "versions: $("$MQL" --version), $("$PYTHON" -c 'import duckdb, pandas, sys; print(f"duckdb {duckdb.__version__}, pandas {pandas.__version__}, python {sys.version.split()[0]}")')"
echo "outputs and logs: $OUT"
echo

# Warm the page cache so that every contender reads from memory.
cat "$LEADS" "$EVENTS" > /dev/null

# once NAME COMMAND…: runs COMMAND once under /usr/bin/time -v and appends "wall_s rss_kib" to
# $OUT/NAME.runs (stdout, stderr and the time log of each run are kept in $OUT).
once() {
    local name="$1"
    shift
    local i=$(($(cat "$OUT/$name.runs" 2> /dev/null | wc -l) + 1))
    local log="$OUT/$name.$i.time" start end wall kib
    start=$(date +%s%N)
    if ! /usr/bin/time -v -o "$log" "$@" > "$OUT/$name.$i.stdout" 2> "$OUT/$name.$i.stderr"; then
        echo "FAILED: $name (see $OUT/$name.$i.stderr)" >&2
        cat "$OUT/$name.$i.stderr" >&2
        exit 1
    fi
    end=$(date +%s%N)
    # The wall time to the millisecond (time -v's "Elapsed" has only 10 ms steps); RSS from time -v.
    wall=$(awk -v a="$start" -v b="$end" 'BEGIN {printf "%.3f", (b - a) / 1e9}')
    kib=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$log")
    echo "$wall $kib" >> "$OUT/$name.runs"
    printf '  %-14s %8.3f s %7.0f MiB\n' "$name" "$wall" "$(awk -v k="$kib" 'BEGIN {print k/1024}')"
}
# summarize NAME: the best wall time and the largest peak RSS (MiB) of NAME's runs.
summarize() {
    [[ -f "$OUT/$1.runs" ]] || return 0
    awk 'NR == 1 || $1 < best {best = $1} $2 > rss {rss = $2} END {printf "%s %.0f\n", best, rss / 1024}' \
        "$OUT/$1.runs" > "$OUT/$1.result"
}

FIRST_ID=$(awk -F',' 'NR == 2 {print $1; exit}' "$LEADS")
rm -f "$OUT"/*.runs "$OUT"/*.result "$OUT"/*.sorted "$OUT"/*.time "$OUT"/*.stdout "$OUT"/*.stderr "$OUT"/{mql,duckdb,pandas}.csv

# The contenders take turns, round after round, so that a burst of load from other processes on
# a shared machine does not fall on one of them only; each one's best round counts.
for ((round = 1; round <= RUNS; round++)); do
    echo "round $round of $RUNS (load average $(cut -d' ' -f1-3 /proc/loadavg))"
    once cat sh -c "cat '$LEADS' '$EVENTS' > /dev/null"
    once duckdb_load "$PYTHON" "$HERE/load_duckdb.py" "$LEADS" "$EVENTS"
    once mql_load "$MQL" explain --model "$MODEL" --leads "$LEADS" --events "$EVENTS" --id "$FIRST_ID"
    once mql_score "$MQL" score --model "$MODEL" --leads "$LEADS" --events "$EVENTS" --out "$OUT/mql.csv"
    once duckdb_score "$PYTHON" "$HERE/score_duckdb.py" "$LEADS" "$EVENTS" "$OUT/duckdb.csv"
    if [[ "$PANDAS" != 0 && $round == 1 ]]; then
        once pandas_score "$PYTHON" "$HERE/score_pandas.py" "$LEADS" "$EVENTS" "$OUT/pandas.csv"
    fi
done
for name in cat duckdb_load mql_load mql_score duckdb_score pandas_score; do summarize "$name"; done

SCALE_LOAD=""
if [[ "$SCALE_BENCH" == 1 ]]; then
    size=$(basename "$DATA")
    if [[ "$(cd "$DATA" && pwd -P)" == "$(cd "$ROOT/bench-data/$size" 2>/dev/null && pwd -P)" ]]; then
        echo "(c') cargo bench --bench scale (MQL_BENCH_LEADS=$size)"
        CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/work/target-compare}" MQL_BENCH_LEADS="$size" \
            cargo bench --bench scale > "$OUT/scale.txt" 2> "$OUT/scale.stderr"
        sed 's/^/  /' "$OUT/scale.txt"
        # "load: leads 1234 ms + events 2345 ms = 3579 ms (…)"
        SCALE_LOAD=$(awk '/^load:/ {for (i = 1; i <= NF; i++) if ($i == "=") {print $(i + 1) / 1000; exit}}' "$OUT/scale.txt")
    else
        echo "(c') skipped: the scale bench reads bench-data/N only"
    fi
fi
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo

# --- Do the outputs agree? ---------------------------------------------------------------------
# The rows without the header, sorted (by id first); a differing row counts once.
sorted() { tail -n +2 "$1" | LC_ALL=C sort > "$2"; }
sorted "$OUT/mql.csv" "$OUT/mql.sorted"
compare() {
    local other="$1"
    [[ -f "$OUT/$other.csv" ]] || { echo "  $other: not run"; return 0; }
    sorted "$OUT/$other.csv" "$OUT/$other.sorted"
    local only_mql only_other rows header=""
    only_mql=$(LC_ALL=C comm -23 "$OUT/mql.sorted" "$OUT/$other.sorted" | wc -l)
    only_other=$(LC_ALL=C comm -13 "$OUT/mql.sorted" "$OUT/$other.sorted" | wc -l)
    rows=$(wc -l < "$OUT/$other.sorted")
    [[ "$(head -n 1 "$OUT/mql.csv")" == "$(head -n 1 "$OUT/$other.csv")" ]] || header=" (and the header differs)"
    if cmp -s "$OUT/mql.csv" "$OUT/$other.csv"; then
        echo "  $other: identical to mql-studio's file, byte for byte ($rows rows)"
    elif ((only_mql == 0 && only_other == 0)); then
        echo "  $other: same rows as mql-studio's, in another order ($rows rows)$header"
    else
        echo "  $other: $only_mql of mql-studio's $(wc -l < "$OUT/mql.sorted") rows differ or are missing, $only_other rows only in $other's ($rows rows)$header; first differences (< mql-studio, > $other):"
        diff <(LC_ALL=C comm -23 "$OUT/mql.sorted" "$OUT/$other.sorted" | head -n 3) \
             <(LC_ALL=C comm -13 "$OUT/mql.sorted" "$OUT/$other.sorted" | head -n 3) | sed 's/^/    /' || true
    fi
}
echo "outputs (sorted by id, compared with mql-studio's):"
compare duckdb
compare pandas
echo

# --- The table ---------------------------------------------------------------------------------
get() { [[ -f "$OUT/$1.result" ]] && cut -d' ' -f"$2" "$OUT/$1.result" || echo ""; }
# inner NAME: the script's own timing of its best run (without Python's start-up), if it prints one.
inner() {
    [[ -f "$OUT/$1.runs" ]] || return 0
    local i
    i=$(awk 'NR == 1 || $1 < best {best = $1; at = NR} END {print at}' "$OUT/$1.runs")
    grep -oE '(= |score: )[0-9.]+ s' "$OUT/$1.$i.stderr" 2> /dev/null | tail -n 1 | grep -oE '[0-9.]+' || true
}
row() { # label result-name
    local t m n
    t=$(get "$2" 1)
    m=$(get "$2" 2)
    n=$(inner "$2")
    [[ -n "$t" ]] && printf '| %-54s | %9.3f | %13s | %14s |\n' "$1" "$t" "${n:--}" "$m"
    return 0
}
ratio() { # label numerator denominator
    [[ -n "$2" && -n "$3" ]] && printf '| %-54s | %8.2fx |\n' "$1" "$(awk -v a="$2" -v b="$3" 'BEGIN {print a / b}')"
    return 0
}
best="best of $RUNS"
printf '| %-54s |  time (s) | in-script (s) | peak RSS (MiB) |\n' "wall clock of the whole process, $best"
echo "|--------------------------------------------------------|----------:|--------------:|---------------:|"
row "(a) cat leads.csv events.csv > /dev/null" cat
row "(b) DuckDB load (CREATE TABLE AS read_csv, 2 tables)" duckdb_load
row "(c) mql-studio load (explain: model + leads + events)" mql_load
[[ -n "$SCALE_LOAD" ]] && printf '| %-54s | %9s | %13.3f | %14s |\n' "(c') mql-studio load (scale bench, in-process)" "-" "$SCALE_LOAD" "-"
row "(d) mql-studio score -> CSV" mql_score
row "(e) DuckDB SQL -> CSV" duckdb_score
row "(f) pandas -> CSV (1 run)" pandas_score
echo
printf '| %-54s | %9s |\n' ratio value
echo "|--------------------------------------------------------|----------:|"
ratio "load: DuckDB / mql-studio (explain)" "$(get duckdb_load 1)" "$(get mql_load 1)"
[[ -n "$SCALE_LOAD" ]] && ratio "load, in-process: DuckDB (in-script) / scale bench" "$(inner duckdb_load)" "$SCALE_LOAD"
ratio "score: DuckDB / mql-studio" "$(get duckdb_score 1)" "$(get mql_score 1)"
ratio "score: pandas / mql-studio" "$(get pandas_score 1)" "$(get mql_score 1)"
ratio "score: mql-studio / cat" "$(get mql_score 1)" "$(get cat 1)"
ratio "load: mql-studio (explain) / cat" "$(get mql_load 1)" "$(get cat 1)"
echo
echo "(ratios above 1 for DuckDB/mql-studio and pandas/mql-studio mean mql-studio is faster)"

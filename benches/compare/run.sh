#!/usr/bin/env bash
# Side-by-side benchmark: mql-studio against DuckDB, PostgreSQL, Spark, pandas and polars, in one
# run, on one data set.
#
#   benches/compare/run.sh [DATA_DIR]        (default: bench-data/1000000)
#
# DATA_DIR holds leads.csv and events.csv. Each contender's time is the wall clock of its whole
# process, best of $RUNS rounds (default 3) in which the contenders take turns (fairer on a shared
# machine than back-to-back runs), with its largest peak RSS (/usr/bin/time -v):
#   (a) cat leads.csv events.csv > /dev/null        the limit: read the input bytes once
#   (b) DuckDB load                                 load_duckdb.py (CREATE TABLE AS read_csv)
#   (c) mql-studio load                             `mql-studio explain` of one lead (loads the
#                                                   model, leads and events, explains one lead),
#                                                   and the in-process figure printed by
#                                                   `cargo bench --bench scale` (SCALE_BENCH=1)
#   (d) mql-studio score, end to end to a CSV
#   (e) DuckDB, hand-written SQL, to a CSV          score_duckdb.py + score_duckdb.sql
#   (f) pandas, to a CSV (once)                     score_pandas.py
#   (g) the model compiled by `mql-studio sql`, on DuckDB       score_sql.py --engine duckdb
#   (h) the same on PostgreSQL (a server on 127.0.0.1)          score_sql.py --engine postgres
#   (h') the same with its CTEs made AS MATERIALIZED            score_sql.py --materialize
#   (i) the same on Spark (pyspark, local[2])                   score_sql.py --engine spark
#   (j) polars, to a CSV                            score_polars.py
# (g)-(i) load both files into all-text tables, run the compiled query and have the engine write
# the scored CSV; they print their start, load and query times apart. The query is compiled once
# per dialect before the rounds, with --as-of the day `mql-studio` scores as of (the latest
# event's day, read from `explain`).
#
# Then every scored CSV is compared with mql-studio's: "identical" when the files are the same
# bytes; "identical once sorted" when the header is the same and the rows are the same bytes in
# another order (`LC_ALL=C sort`; the compiled queries have no ORDER BY); otherwise the first
# differing leads are printed, both rows (diff_scored.py), and the run ends with exit code 1.
#
# Environment:
#   MQL        the mql-studio binary (default: /work/target-compare/release/mql-studio, built with
#              `CARGO_TARGET_DIR=/work/target-compare cargo build --release`)
#   PYTHON     the Python with duckdb, pandas and polars (default: /work/venv-compare/bin/python;
#              benches/compare/requirements.txt); it also runs (g)
#   ENGINES_PYTHON  the Python with pyspark, for (i) (default: the venv of .ci/engines.sh,
#              ~/.cache/mql-studio/engines-venv/bin/python; tests/engines/requirements.txt; needs
#              java on PATH)
#   MQL_PG     a libpq conninfo string of a PostgreSQL server for (h); when unset, run.sh starts a
#              throwaway one (PG_BIN, default the newest
#              /usr/lib/postgresql/*/bin) as the user `postgres` on 127.0.0.1, data in /tmp/mql-compare-pg.*,
#              stopped and removed at exit (settings: see PG_SETTINGS below)
#   PG_TIMEOUT seconds after which PostgreSQL stops the compiled query of (h) (statement_timeout;
#              default 300): the table then says "stopped"
#   PG_MATERIALIZED  1 to add (h'): the compiled query on PostgreSQL with every CTE made
#              `AS MATERIALIZED` by score_sql.py --materialize (a patch; the compiler itself
#              marks its heavy steps MATERIALIZED since the query did not finish without)
#   RUNS       repetitions for best-of (default 3)
#   PANDAS / POLARS / SQL / POSTGRES / SPARK   0 to skip pandas / polars / all of (g)-(i) / (h) / (i)
#   SCALE_BENCH 1 to also run `cargo bench --bench scale` for its load figure (only for
#              DATA_DIR = bench-data/N; it takes a few minutes)
#   OUT        where the outputs and logs go (default: a new temporary directory; the scored
#              CSVs of 1M leads take ~60 MiB each, the PostgreSQL data directory ~3 GiB)
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
ENGINES_PYTHON="${ENGINES_PYTHON:-${XDG_CACHE_HOME:-$HOME/.cache}/mql-studio/engines-venv/bin/python}"
RUNS="${RUNS:-3}"
PANDAS="${PANDAS:-1}"
POLARS="${POLARS:-1}"
SQL="${SQL:-1}"
POSTGRES="${POSTGRES:-$SQL}"
SPARK="${SPARK:-$SQL}"
SCALE_BENCH="${SCALE_BENCH:-0}"
PG_TIMEOUT="${PG_TIMEOUT:-300}"
PG_MATERIALIZED="${PG_MATERIALIZED:-0}"
OUT="${OUT:-$(mktemp -d /tmp/mql-compare.XXXXXX)}"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"

for f in "$LEADS" "$EVENTS" "$MODEL" "$MQL" "$PYTHON"; do
    [[ -e "$f" ]] || { echo "missing: $f" >&2; exit 2; }
done
[[ -x /usr/bin/time ]] || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 2; }
if [[ "$SPARK" != 0 ]]; then
    [[ -x "$ENGINES_PYTHON" ]] || { echo "missing: $ENGINES_PYTHON (source .ci/engines.sh once, or SPARK=0)" >&2; exit 2; }
    command -v java > /dev/null || { echo "Spark needs java on PATH (or SPARK=0)" >&2; exit 2; }
fi

# --- PostgreSQL: the given server, or a throwaway one --------------------------------------------
# The throwaway server's settings: a benchmark's disposable database (no fsync, as .ci/engines.sh
# does), 2 GiB of shared buffers and WAL room so that the load is not paced by checkpoints; the
# query's session sets work_mem (PG_WORK_MEM, default 256MB, in score_sql.py). Parallel query as
# PostgreSQL ships it (up to 2 workers per gather).
PG_SETTINGS="-c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c shared_buffers=2GB -c max_wal_size=8GB"
PG_DIR=""
stop_pg() {
    if [[ -n "$PG_DIR" && -d "$PG_DIR" ]]; then
        (cd / && runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop > /dev/null 2>&1) || true
        rm -rf "$PG_DIR"
        echo "PostgreSQL stopped, $PG_DIR removed"
    fi
}
start_pg() {
    PG_BIN="${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2> /dev/null | sort -V | tail -n 1)}"
    [[ -x "$PG_BIN/postgres" ]] || { echo "no PostgreSQL server (apt-get install postgresql, or POSTGRES=0)" >&2; exit 2; }
    id -u postgres > /dev/null 2>&1 || { echo "PostgreSQL runs as the user postgres: there is none" >&2; exit 2; }
    PG_DIR="$(mktemp -d /tmp/mql-compare-pg.XXXXXX)"
    chown postgres "$PG_DIR" && chmod 700 "$PG_DIR"
    trap stop_pg EXIT
    (cd / && runuser -u postgres -- "$PG_BIN/initdb" -D "$PG_DIR/data" --username=postgres --auth=trust \
        --locale=C.UTF-8 --encoding=UTF8 --no-sync > "$PG_DIR/initdb.log" 2>&1) ||
        { cat "$PG_DIR/initdb.log" >&2; exit 1; }
    local port
    for ((port = 55600; port < 55700; port++)); do
        python3 -c 'import socket, sys; s = socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1])))' "$port" 2> /dev/null || continue
        if (cd / && runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 60 \
            -o "-p $port -k $PG_DIR $PG_SETTINGS" start > /dev/null 2>&1); then
            MQL_PG="host=127.0.0.1 port=$port user=postgres dbname=postgres"
            return 0
        fi
    done
    cat "$PG_DIR/server.log" >&2 || true
    echo "PostgreSQL did not start" >&2
    exit 1
}
if [[ "$POSTGRES" != 0 ]]; then
    MQL_PG="${MQL_PG:-}"   # not MQL_TEST_PG: the figures are for the throwaway server's settings
    [[ -n "$MQL_PG" ]] || start_pg
    command -v psql > /dev/null || export PATH="$PATH:${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)}"
    export MQL_PG
fi

echo "data: $DATA ($(du -shL "$LEADS" | cut -f1) leads.csv, $(du -shL "$EVENTS" | cut -f1) events.csv)"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "versions: $("$MQL" --version), $("$PYTHON" -c 'import duckdb, pandas, sys; print(f"duckdb {duckdb.__version__}, pandas {pandas.__version__}, python {sys.version.split()[0]}")')"
[[ "$POLARS" != 0 ]] && echo "          polars $("$PYTHON" -c 'import polars; print(polars.__version__)')"
[[ "$SPARK" != 0 ]] && echo "          $("$ENGINES_PYTHON" -c 'import pyspark; print("pyspark", pyspark.__version__)'), $(java -version 2>&1 | head -n 1)"
[[ "$POSTGRES" != 0 ]] && echo "          PostgreSQL $(psql -X -A -t -d "$MQL_PG" -c 'SHOW server_version') ($MQL_PG)"
echo "outputs and logs: $OUT"
echo

# Warm the page cache so that every contender reads from memory.
cat "$LEADS" "$EVENTS" > /dev/null

# once NAME COMMAND…: runs COMMAND once under /usr/bin/time -v and appends "wall_s rss_kib" to
# $OUT/NAME.runs (stdout, stderr and the time log of each run are kept in $OUT). When the command
# reports the peak RSS of an engine process that is not its own child ("engine peak RSS: N KiB":
# PostgreSQL's backend, Spark's JVM), the larger of the two is kept.
once() {
    local name="$1"
    shift
    local i=$(($(cat "$OUT/$name.runs" 2> /dev/null | wc -l) + 1))
    local log="$OUT/$name.$i.time" start end wall kib engine
    local rc=0
    start=$(date +%s%N)
    /usr/bin/time -v -o "$log" "$@" > "$OUT/$name.$i.stdout" 2> "$OUT/$name.$i.stderr" || rc=$?
    end=$(date +%s%N)
    if ((rc == 3)) && grep -q '^timed out' "$OUT/$name.$i.stderr"; then
        # score_sql.py --timeout: the engine stopped the query; no time, no output for this one.
        grep -oE 'stopped after [0-9.]+ s' "$OUT/$name.$i.stderr" | grep -oE '[0-9.]+' > "$OUT/$name.timeout"
        printf '  %-14s stopped after %s s (timeout)\n' "$name" "$(cat "$OUT/$name.timeout")"
        return 0
    elif ((rc != 0)); then
        echo "FAILED: $name (see $OUT/$name.$i.stderr)" >&2
        tail -n 30 "$OUT/$name.$i.stderr" >&2
        exit 1
    fi
    # The wall time to the millisecond (time -v's "Elapsed" has only 10 ms steps); RSS from time -v.
    wall=$(awk -v a="$start" -v b="$end" 'BEGIN {printf "%.3f", (b - a) / 1e9}')
    kib=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$log")
    engine=$(awk '/^engine peak RSS: [0-9]+ KiB/ {print $4}' "$OUT/$name.$i.stderr" | tail -n 1)
    [[ -n "$engine" ]] && ((engine > kib)) && kib=$engine
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
rm -f "$OUT"/*.runs "$OUT"/*.result "$OUT"/*.sorted "$OUT"/*.time "$OUT"/*.stdout "$OUT"/*.stderr "$OUT"/*.csv

# --- The compiled queries ------------------------------------------------------------------------
# The as-of day mql-studio scores with (the latest event's day): `explain` prints it.
AS_OF=$("$MQL" explain --model "$MODEL" --leads "$LEADS" --events "$EVENTS" --id "$FIRST_ID" 2>&1 |
    grep -oE 'as of [0-9]{4}-[0-9]{2}-[0-9]{2}' | head -n 1 | cut -c7-)
[[ -n "$AS_OF" ]] || { echo "could not read the as-of day from mql-studio explain" >&2; exit 1; }
DIALECTS=()
if [[ "$SQL" != 0 ]]; then
    DIALECTS+=(duckdb)
    [[ "$POSTGRES" != 0 ]] && DIALECTS+=(postgres)
    [[ "$SPARK" != 0 ]] && DIALECTS+=(spark)
fi
for dialect in "${DIALECTS[@]}"; do
    "$MQL" sql --model "$MODEL" --dialect "$dialect" --leads-table leads --events-table events \
        --events-columns "Lead ID,Activity,Timestamp" --leads-header "$LEADS" --as-of "$AS_OF" \
        --out "$OUT/query-$dialect.sql" > "$OUT/query-$dialect.log" 2>&1 ||
        { cat "$OUT/query-$dialect.log" >&2; exit 1; }
done
((${#DIALECTS[@]})) && echo "compiled: ${DIALECTS[*]} (mql-studio sql … --as-of $AS_OF), in $OUT/query-*.sql"
echo

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
    for dialect in "${DIALECTS[@]}"; do
        python="$PYTHON"
        extra=()
        [[ "$dialect" == spark ]] && python="$ENGINES_PYTHON"
        [[ "$dialect" == postgres ]] && extra=(--timeout "$PG_TIMEOUT")
        # A query that was stopped once is not run again.
        if [[ ! -f "$OUT/sql_$dialect.timeout" ]]; then
            once "sql_$dialect" "$python" "$HERE/score_sql.py" --engine "$dialect" --query "$OUT/query-$dialect.sql" \
                "${extra[@]}" "$LEADS" "$EVENTS" "$OUT/sql_$dialect.csv"
        fi
        if [[ "$dialect" == postgres && "$PG_MATERIALIZED" != 0 ]]; then
            once sql_postgres_mat "$python" "$HERE/score_sql.py" --engine postgres --materialize \
                --query "$OUT/query-postgres.sql" "$LEADS" "$EVENTS" "$OUT/sql_postgres_mat.csv"
        fi
    done
    if [[ "$POLARS" != 0 ]]; then
        once polars_score "$PYTHON" "$HERE/score_polars.py" "$LEADS" "$EVENTS" "$OUT/polars.csv"
    fi
done
NAMES=(cat duckdb_load mql_load mql_score duckdb_score pandas_score sql_duckdb sql_postgres sql_postgres_mat sql_spark polars_score)
for name in "${NAMES[@]}"; do summarize "$name"; done

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
# The header, then the rows sorted bytewise: two files with the same rows in another order give
# the same bytes.
sorted() { { head -n 1 "$1"; tail -n +2 "$1" | LC_ALL=C sort; } > "$2"; }
sorted "$OUT/mql.csv" "$OUT/mql.sorted"
MISMATCH=0
compare() { # name (the scored CSV is $OUT/name.csv)
    local other="$1" rows verdict
    [[ -f "$OUT/$other.csv" ]] || return 0
    rows=$(($(wc -l < "$OUT/$other.csv") - 1))
    if cmp -s "$OUT/mql.csv" "$OUT/$other.csv"; then
        verdict="identical"
        echo "  $other: identical to mql-studio's file, byte for byte ($rows rows)"
    else
        sorted "$OUT/$other.csv" "$OUT/$other.sorted"
        if cmp -s "$OUT/mql.sorted" "$OUT/$other.sorted"; then
            verdict="identical once sorted"
            echo "  $other: identical to mql-studio's file once both are sorted, byte for byte ($rows rows, in another order)"
        else
            verdict="DIFFERS"
            MISMATCH=1
            echo "  $other: DIFFERS from mql-studio's file (reference: mql-studio, other: $other):"
            python3 "$HERE/diff_scored.py" "$OUT/mql.csv" "$OUT/$other.csv" | sed 's/^/    /' || true
        fi
        rm -f "$OUT/$other.sorted"
    fi
    echo "$verdict" > "$OUT/$other.verdict"
}
echo "outputs (compared with mql-studio's, $(($(wc -l < "$OUT/mql.csv") - 1)) rows):"
compare duckdb
compare pandas
for dialect in "${DIALECTS[@]}"; do compare "sql_$dialect"; done
compare sql_postgres_mat
for name in "${NAMES[@]}"; do
    [[ -f "$OUT/$name.timeout" ]] && echo "  $name: no output (the query was stopped after $(cat "$OUT/$name.timeout") s)"
done
compare polars
echo

# --- The table ---------------------------------------------------------------------------------
get() { [[ -f "$OUT/$1.result" ]] && cut -d' ' -f"$2" "$OUT/$1.result" || echo ""; }
# stat NAME KEY: "KEY: N s" from the stderr of NAME's best run (the scripts' own timings).
stat() {
    [[ -f "$OUT/$1.runs" ]] || return 0
    local i
    i=$(awk 'NR == 1 || $1 < best {best = $1; at = NR} END {print at}' "$OUT/$1.runs")
    grep -oE "^$2: [0-9.]+ s" "$OUT/$1.$i.stderr" 2> /dev/null | tail -n 1 | grep -oE '[0-9.]+' || true
}
# inner NAME: the script's own timing of its best run (without Python's start-up).
inner() {
    [[ -f "$OUT/$1.runs" ]] || return 0
    local i
    i=$(awk 'NR == 1 || $1 < best {best = $1; at = NR} END {print at}' "$OUT/$1.runs")
    grep -oE '(= |score: )[0-9.]+ s' "$OUT/$1.$i.stderr" 2> /dev/null | tail -n 1 | grep -oE '[0-9.]+' || true
}
verdict() { [[ -f "$OUT/$1.verdict" ]] && cat "$OUT/$1.verdict" || echo "-"; }
row() { # label result-name reference-name
    local t m n parts="-" ratio="-"
    t=$(get "$2" 1)
    if [[ -z "$t" && -f "$OUT/$2.timeout" ]]; then
        printf '| %-46s | %8s | %9s | %-23s | %8s | %6s | %-21s |\n' "$1" "> $(cat "$OUT/$2.timeout")" "-" "stopped (timeout)" "-" "-" "no output"
        return 0
    fi
    [[ -n "$t" ]] || return 0
    m=$(get "$2" 2)
    n=$(inner "$2")
    if [[ "$2" == sql_* ]]; then
        n=$(stat "$2" "sql score")
        parts="$(stat "$2" start) / $(stat "$2" load) / $(stat "$2" query)"
    fi
    [[ -n "$3" && -n "$(get "$3" 1)" ]] && ratio=$(awk -v a="$t" -v b="$(get "$3" 1)" 'BEGIN {printf "%.2fx", a / b}')
    printf '| %-46s | %8.3f | %9s | %-23s | %8s | %6s | %-21s |\n' "$1" "$t" "${n:--}" "$parts" "$m" "$ratio" "$(verdict "${4:-none}")"
}
printf '| %-46s | %8s | %9s | %-23s | %8s | %6s | %-21s |\n' "wall clock of the whole process, best of $RUNS" "time (s)" "in-script" "start / load / query" "peak RSS" "vs mql" "output vs mql-studio"
printf '| %-46s | %8s | %9s | %-23s | %8s | %6s | %-21s |\n' "" "" "(s)" "(s)" "(MiB)" "" ""
echo "|------------------------------------------------|---------:|----------:|-------------------------|---------:|-------:|-----------------------|"
row "(a) cat leads.csv events.csv > /dev/null" cat mql_load
row "(b) DuckDB load (CREATE TABLE AS read_csv)" duckdb_load mql_load
row "(c) mql-studio load (explain, whole process)" mql_load mql_load
[[ -n "$SCALE_LOAD" ]] && printf '| %-46s | %8s | %9.3f | %-23s | %8s | %6s | %-21s |\n' "(c') mql-studio load (scale bench, in-process)" "-" "$SCALE_LOAD" "-" "-" "-" "-"
row "(d) mql-studio score -> CSV" mql_score mql_score
row "(e) DuckDB, hand-written SQL -> CSV" duckdb_score mql_score duckdb
row "(f) pandas -> CSV (1 run)" pandas_score mql_score pandas
row "(g) compiled SQL on DuckDB -> CSV" sql_duckdb mql_score sql_duckdb
row "(h) compiled SQL on PostgreSQL -> CSV" sql_postgres mql_score sql_postgres
row "(h') (h), CTEs AS MATERIALIZED (patched)" sql_postgres_mat mql_score sql_postgres_mat
row "(i) compiled SQL on Spark local[2] -> CSV" sql_spark mql_score sql_spark
row "(j) polars -> CSV" polars_score mql_score polars
echo
echo "vs mql: the time divided by mql-studio's: loads (a-c) by (c), scoring (d-j) by (d); above 1 means mql-studio is faster."
echo "in-script: the script's own timing, without Python's start-up and imports; start / load / query: the compiled-SQL"
echo "runner's steps (engine start or connection, both tables loaded, query and CSV written); peak RSS of (h) and (i):"
echo "the PostgreSQL backend (the larger of load and query; parallel workers not counted) / Spark's JVM, when larger than"
echo "the Python process."
if [[ -n "$(get cat 1)" && -n "$(get mql_score 1)" ]]; then
    awk -v s="$(get mql_score 1)" -v l="$(get mql_load 1)" -v c="$(get cat 1)" \
        'BEGIN {printf "mql-studio score / cat: %.0fx; mql-studio load / cat: %.0fx\n", s / c, l / c}'
fi
[[ -n "$SCALE_LOAD" ]] && awk -v a="$(inner duckdb_load)" -v b="$SCALE_LOAD" 'BEGIN {printf "load, in-process: DuckDB (in-script) / scale bench: %.2fx\n", a / b}'
if ((MISMATCH)); then
    echo
    echo "SOME OUTPUTS DIFFER from mql-studio's (see above)"
    exit 1
fi

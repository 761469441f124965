# shellcheck shell=bash
# The SQL engines for the tests of `mql-studio sql` (tests/engines_harness.rs and the tests that
# run compiled queries): sourced by .ci/run before `cargo test`, or by hand in a shell:
#
#     source .ci/engines.sh
#
# On a fresh Debian 12 machine with python3 (3.11, with pip) it
#   - installs Java 17 (openjdk-17-jre-headless) when `java` is missing;
#   - makes a venv with tests/engines/requirements.txt (duckdb, pyspark), kept in
#     $MQL_ENGINES_CACHE (default ~/.cache/mql-studio) and reused while the requirements and the
#     Python are unchanged;
#   - installs PostgreSQL (Debian's package) when no server is found, and starts a throwaway one:
#     a new data directory under /tmp, 127.0.0.1 on a free port from 55432, trust auth, stopped
#     and removed when the sourcing shell exits (chained onto any EXIT trap already set);
#   - exports MQL_TEST_PYTHON (the venv's python) and MQL_TEST_PG (a libpq conninfo string).
#
# Sourcing it again in the same shell reuses what is there; a server left by a shell that was
# killed before its trap ran (its owner.pid is gone) is stopped and removed at the next start. A step that fails prints a banner
# saying what failed and leaves its variable unset: the rest of CI still runs, and the engine
# tests then fail (under CI=true) naming the variable. Downloads are bounded in time
# (MQL_ENGINES_TIMEOUT seconds per install step, default 1200) so a stalled mirror is reported
# instead of eating CI's time. Set MQL_TEST_PG beforehand to use a server of your own.

_mql_engines_now() { date +%s.%N; }

# Seconds since $1, with one decimal.
_mql_engines_since() {
    awk -v a="$1" -v b="$(_mql_engines_now)" 'BEGIN { printf "%.1f", b - a }'
}

_mql_engines_log() { echo "engines: $*" >&2; }

_mql_engines_fail() {
    {
        echo "=================================================================="
        echo "engines: FAILED: $*"
        echo "engines: the tests that need this engine will fail (CI) or be skipped."
        echo "=================================================================="
    } >&2
}

# apt-get install, with one `apt-get update` per shell, retries and a time bound.
_mql_engines_apt_install() {
    local timeout="${MQL_ENGINES_TIMEOUT:-1200}"
    local opts=(-o Acquire::Retries=3 -o Acquire::http::Timeout=60 -o DPkg::Lock::Timeout=120)
    if ! command -v apt-get >/dev/null 2>&1; then
        _mql_engines_log "no apt-get here to install $*"
        return 1
    fi
    if [[ -z "${_MQL_ENGINES_APT_UPDATED:-}" ]]; then
        _mql_engines_log "apt-get update"
        if ! DEBIAN_FRONTEND=noninteractive timeout "$timeout" apt-get "${opts[@]}" update -q >/dev/null; then
            _mql_engines_log "apt-get update failed or took over ${timeout}s"
            return 1
        fi
        _MQL_ENGINES_APT_UPDATED=1
    fi
    _mql_engines_log "apt-get install $*"
    if ! DEBIAN_FRONTEND=noninteractive timeout "$timeout" apt-get "${opts[@]}" install -y -q \
        --no-install-recommends "$@" >/dev/null; then
        _mql_engines_log "apt-get install $* failed or took over ${timeout}s"
        return 1
    fi
}

_mql_engines_java() {
    local start
    start="$(_mql_engines_now)"
    if ! command -v java >/dev/null 2>&1; then
        if ! _mql_engines_apt_install openjdk-17-jre-headless; then
            _mql_engines_fail "java is missing and openjdk-17-jre-headless did not install (Spark needs it)"
            return 1
        fi
    fi
    _mql_engines_log "java: $(java -version 2>&1 | head -n 1) ($(_mql_engines_since "$start") s)"
}

_mql_engines_venv() {
    local root="$1" start
    start="$(_mql_engines_now)"
    local cache="${MQL_ENGINES_CACHE:-${XDG_CACHE_HOME:-${HOME:-/root}/.cache}/mql-studio}"
    local venv="$cache/engines-venv"
    local requirements="$root/tests/engines/requirements.txt"
    local base="${MQL_ENGINES_BASE_PYTHON:-python3}"
    local timeout="${MQL_ENGINES_TIMEOUT:-1200}"
    if ! command -v "$base" >/dev/null 2>&1; then
        _mql_engines_fail "no $base to make the engines' venv with"
        return 1
    fi
    # What the venv was made from: the requirements and the Python.
    local stamp
    stamp="$({
        cat "$requirements"
        "$base" -c 'import sys; print(sys.executable, sys.version)'
    } | sha256sum | cut -c1-64)"
    if [[ -f "$venv/.mql-stamp" && "$(cat "$venv/.mql-stamp")" == "$stamp" ]] &&
        "$venv/bin/python" -c 'import duckdb, pyspark' >/dev/null 2>&1; then
        _mql_engines_log "venv: reused $venv ($(_mql_engines_since "$start") s)"
    else
        _mql_engines_log "venv: making $venv from $requirements"
        rm -rf "$venv"
        mkdir -p "$cache"
        if ! "$base" -m venv "$venv"; then
            _mql_engines_fail "python3 -m venv $venv failed (on Debian's own python: apt-get install python3-venv)"
            return 1
        fi
        # pip keeps its download and wheel cache (~/.cache/pip), so a new venv installs offline.
        if ! timeout "$timeout" "$venv/bin/python" -m pip install -q --disable-pip-version-check \
            --timeout 60 --retries 5 -r "$requirements"; then
            rm -rf "$venv"
            _mql_engines_fail "pip install -r tests/engines/requirements.txt failed or took over ${timeout}s"
            return 1
        fi
        echo "$stamp" >"$venv/.mql-stamp"
        _mql_engines_log "venv: made in $(_mql_engines_since "$start") s"
    fi
    export MQL_TEST_PYTHON="$venv/bin/python"
}

# A free TCP port on 127.0.0.1 from $1 on.
_mql_engines_free_port() {
    local port
    for ((port = $1; port < $1 + 50; port++)); do
        if python3 - "$port" <<'EOF' 2>/dev/null; then
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
EOF
            echo "$port"
            return 0
        fi
    done
    return 1
}

# Runs a command as user $1 (PostgreSQL refuses root), from a directory that user may read.
_mql_engines_as() {
    local user="$1"
    shift
    if command -v runuser >/dev/null 2>&1; then
        (cd / && runuser -u "$user" -- "$@")
    else
        (cd / && su -s /bin/sh "$user" -c "$(printf '%q ' "$@")")
    fi
}

_mql_engines_pg_stop() {
    if [[ -n "${_MQL_PG_DIR:-}" && -d "$_MQL_PG_DIR" ]]; then
        _mql_engines_as "$_MQL_PG_USER" "$_MQL_PG_BIN/pg_ctl" -D "$_MQL_PG_DIR/data" -m fast -w \
            stop >/dev/null 2>&1 || true
        rm -rf "$_MQL_PG_DIR"
        echo "engines: PostgreSQL stopped, $_MQL_PG_DIR removed" >&2
    fi
    _MQL_PG_DIR=""
}

# Servers of earlier runs whose shell is gone (killed before its EXIT trap ran): stopped, and
# their folders removed.
_mql_engines_pg_reap() {
    local dir owner
    for dir in /tmp/mql-pg.*; do
        [[ -f "$dir/owner.pid" ]] || continue
        owner="$(cat "$dir/owner.pid")"
        if [[ -n "$owner" ]] && kill -0 "$owner" 2>/dev/null; then
            continue
        fi
        if [[ -f "$dir/data/postmaster.pid" ]]; then
            _mql_engines_as "$(stat -c %U "$dir")" "$(cat "$dir/bin")/pg_ctl" -D "$dir/data" \
                -m immediate -w stop >/dev/null 2>&1 || true
        fi
        rm -rf "$dir"
        _mql_engines_log "postgres: removed $dir, left by a run that is gone"
    done
}

_mql_engines_postgres() {
    local start
    start="$(_mql_engines_now)"
    _mql_engines_pg_reap
    if [[ -n "${MQL_TEST_PG:-}" ]] && psql "$MQL_TEST_PG" -X -q -A -t -c 'select 1' >/dev/null 2>&1; then
        _mql_engines_log "postgres: reused $MQL_TEST_PG"
        return 0
    fi
    unset MQL_TEST_PG
    local server
    server="$(find /usr/lib/postgresql -path '*/bin/postgres' 2>/dev/null | sort -V | tail -n 1)"
    if [[ -z "$server" ]]; then
        if ! _mql_engines_apt_install postgresql; then
            _mql_engines_fail "no PostgreSQL server and the postgresql package did not install"
            return 1
        fi
        server="$(find /usr/lib/postgresql -path '*/bin/postgres' 2>/dev/null | sort -V | tail -n 1)"
        if [[ -z "$server" ]]; then
            _mql_engines_fail "the postgresql package installed no /usr/lib/postgresql/*/bin/postgres"
            return 1
        fi
        _mql_engines_log "postgres: installed in $(_mql_engines_since "$start") s"
    fi
    local bin
    bin="$(dirname "$server")"
    # psql from the server's own version when the client is not on PATH.
    if ! command -v psql >/dev/null 2>&1; then
        export PATH="$PATH:$bin"
    fi
    # The server refuses to run as root: run it as `postgres`, made if missing.
    local user=postgres
    if ! id -u "$user" >/dev/null 2>&1; then
        if ! useradd --system --no-create-home --shell /usr/sbin/nologin "$user"; then
            _mql_engines_fail "could not create the system user $user to run PostgreSQL"
            return 1
        fi
    fi
    local dir
    if ! dir="$(mktemp -d /tmp/mql-pg.XXXXXX)" || ! chown "$user" "$dir" || ! chmod 700 "$dir"; then
        _mql_engines_fail "could not make a data directory for PostgreSQL under /tmp"
        return 1
    fi
    # Who owns the server: the shell that sources this file (see _mql_engines_pg_reap).
    echo "${BASHPID:-$$}" >"$dir/owner.pid"
    echo "$bin" >"$dir/bin"
    _MQL_PG_DIR="$dir"
    _MQL_PG_USER="$user"
    _MQL_PG_BIN="$bin"
    # Stopped when the sourcing shell exits, after (before) whatever EXIT trap was there.
    if [[ -z "${_MQL_PG_TRAPPED:-}" ]]; then
        local previous=""
        eval "set -- $(trap -p EXIT)"
        previous="${3:-}"
        # shellcheck disable=SC2064
        trap "_mql_engines_pg_stop${previous:+; $previous}" EXIT
        _MQL_PG_TRAPPED=1
    fi
    if ! _mql_engines_as "$user" "$bin/initdb" -D "$dir/data" --username=postgres --auth=trust \
        --locale=C.UTF-8 --encoding=UTF8 --no-sync >"$dir/initdb.log" 2>&1; then
        cat "$dir/initdb.log" >&2
        _mql_engines_fail "initdb failed (log above)"
        _mql_engines_pg_stop
        return 1
    fi
    local port="" try
    for try in 1 2 3; do
        if ! port="$(_mql_engines_free_port $((55432 + (try - 1) * 50)))"; then
            continue
        fi
        if _mql_engines_as "$user" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
            -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
            start >/dev/null 2>&1; then
            break
        fi
        port=""
    done
    if [[ -z "$port" ]]; then
        cat "$dir/server.log" >&2 2>/dev/null || true
        _mql_engines_fail "PostgreSQL did not start (server log above)"
        _mql_engines_pg_stop
        return 1
    fi
    local waited=0
    until "$bin/pg_isready" -q -h 127.0.0.1 -p "$port"; do
        if ((waited >= 30)); then
            _mql_engines_fail "PostgreSQL on port $port is not ready after 30 s"
            _mql_engines_pg_stop
            return 1
        fi
        sleep 1
        waited=$((waited + 1))
    done
    export MQL_TEST_PG="host=127.0.0.1 port=$port user=postgres dbname=postgres"
    _mql_engines_log "postgres: $("$server" --version) on 127.0.0.1:$port, data in $dir ($(_mql_engines_since "$start") s)"
}

_mql_engines_main() {
    local root start
    root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
    start="$(_mql_engines_now)"
    _mql_engines_log "setting up DuckDB, Spark and PostgreSQL for the engine tests"
    _mql_engines_java || true
    _mql_engines_venv "$root" || true
    _mql_engines_postgres || true
    _mql_engines_log "MQL_TEST_PYTHON=${MQL_TEST_PYTHON:-<unset>}"
    _mql_engines_log "MQL_TEST_PG=${MQL_TEST_PG:-<unset>}"
    _mql_engines_log "ready in $(_mql_engines_since "$start") s"
}

_mql_engines_main

"""Runs a query compiled by `mql-studio sql` on an engine and writes the scored CSV.

    python benches/compare/score_sql.py --engine duckdb|postgres|spark --query Q.sql \\
        LEADS.csv EVENTS.csv OUT.csv

Q.sql is the output of `mql-studio sql --dialect <engine> --leads-table leads --events-table
events --events-columns "Lead ID,Activity,Timestamp" --leads-header LEADS.csv --as-of DATE`: one
query that reads the tables `leads` and `events` and returns id, fit, engagement, score (doubles),
status, grade and fired_rules. This script

1. starts the engine (DuckDB in process; PostgreSQL: the server given by MQL_PG or MQL_TEST_PG, a
   libpq conninfo string, reached with `psql`; Spark: pyspark, `local[2]`);
2. **loads** both CSV files into tables whose columns are named by the header and are all text
   (DuckDB: `CREATE TABLE AS SELECT * FROM read_csv(…)` with every column VARCHAR; PostgreSQL:
   `CREATE TABLE` with `text` columns, `\\copy … FROM` and `ANALYZE`; Spark: `spark.read.csv` with
   a schema of strings, cached in memory and counted);
3. runs the compiled query and has the **engine** write its rows as the scored CSV of
   `mql-studio score` (docs/model-format.md §6.1): a thin SQL layer around the query formats the
   numbers (`fmt_number`: whole numbers without decimals, else at most two, trailing zeros cut,
   `-0` as `0`), escapes control characters, neutralises formula triggers after every `,`/`;` and
   quotes the text cells that hold `,` `;` `"`, then builds each CSV line; DuckDB (`COPY … TO`
   without quoting) and PostgreSQL (`COPY … TO STDOUT` through psql) write the file, Spark writes
   text part files that are concatenated after the header. Rows come in the engine's order (the
   compiled query has no ORDER BY): compare the files sorted.

Prints on stderr the seconds of each step ("start: …", "load: …", "query: …", "sql score: …" for
the three together, without Python's own start-up), and the peak RSS of the engine's server
process when it is not this process ("engine peak RSS: N KiB": the PostgreSQL backends of the load
and of the query, the larger one, parallel workers not included; Spark's JVM).

Environment: MQL_PG (else MQL_TEST_PG) for PostgreSQL, PG_WORK_MEM (default 256MB, the session's
work_mem); SPARK_DRIVER_MEMORY (default 6g), SPARK_MASTER (default local[2]).
"""

import argparse
import csv
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HEADER = "id,fit,engagement,score,status,grade,fired_rules"


def log(message):
    print(message, file=sys.stderr, flush=True)


def read_header(path):
    with open(path, encoding="utf-8-sig", newline="") as file:
        header = next(csv.reader(file))
    return [name.strip() for name in header]


def quote_ident(name):
    return '"' + name.replace('"', '""') + '"'


def vm_hwm_kib(pid):
    """The peak resident set size of a process (Linux), in KiB, or None."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as file:
            for line in file:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return None


# --- The SQL layer that turns the query's rows into the lines of §6.1 -------------------------------

# Control characters (U+0001–U+001F, U+007F–U+009F) and their escapes (`mql_studio::text::printable`).
# U+0000 cannot be in a PostgreSQL text and is left out everywhere.
CONTROLS = [c for c in list(range(1, 0x20)) + list(range(0x7F, 0xA0))]
ESCAPES = {9: "\\t", 10: "\\n", 13: "\\r"}
# The class of those characters as a regular expression (RE2 spells code points above 0xFF {9f}).
CONTROL_CLASS = r"[\x01-\x1f\x7f-\x9f]"
CONTROL_CLASS_RE2 = r"[\x01-\x1f\x7f-\x{9f}]"


def control_escape(code):
    return ESCAPES.get(code, "\\u{%x}" % code)


class Dialect:
    """How one engine spells the pieces of the formatting layer."""

    def __init__(self, engine):
        self.engine = engine

    def lit(self, text):
        if self.engine == "spark":  # Spark SQL literals take backslash escapes
            return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"
        return "'" + text.replace("'", "''") + "'"

    def regex(self, pattern):
        """A regular-expression literal (the pattern's text reaches the regex engine as is)."""
        return self.lit(pattern)

    def has_control(self, x):
        if self.engine == "duckdb":
            return f"regexp_matches({x}, {self.regex(CONTROL_CLASS_RE2)})"
        if self.engine == "postgres":
            return f"{x} ~ {self.regex(CONTROL_CLASS)}"
        return f"{x} RLIKE {self.regex(CONTROL_CLASS)}"

    def replace_all(self, x, pattern, backrefs):
        """regexp_replace of every match; `backrefs` is a list of pieces: ints are groups."""
        if self.engine == "spark":
            repl = "".join(f"${p}" if isinstance(p, int) else p for p in backrefs)
            return f"regexp_replace({x}, {self.regex(pattern)}, {self.lit(repl)})"
        repl = "".join(f"\\{p}" if isinstance(p, int) else p for p in backrefs)
        return f"regexp_replace({x}, {self.regex(pattern)}, {self.lit(repl)}, 'g')"

    def fixed2(self, x):
        """The number with two decimals, as text."""
        if self.engine == "duckdb":
            return f"printf('%.2f', {x})"
        if self.engine == "postgres":
            return f"to_char({x}, 'FM999999999999990.00')"
        return f"format_string('%.2f', {x})"

    def whole(self, x):
        """A whole number without decimals, as text."""
        text_type = {"duckdb": "VARCHAR", "postgres": "text", "spark": "STRING"}[self.engine]
        return f"CAST(CAST({x} AS BIGINT) AS {text_type})"

    def trunc(self, x):
        return f"trunc({x})" if self.engine != "spark" else f"CAST(CAST({x} AS BIGINT) AS DOUBLE)"

    def contains(self, x, char):
        if self.engine == "duckdb":
            return f"contains({x}, {self.lit(char)})"
        if self.engine == "postgres":
            return f"strpos({x}, {self.lit(char)}) > 0"
        return f"instr({x}, {self.lit(char)}) > 0"


def fmt_number(d, x):
    """`mql_studio::model::fmt_number`: -0 is 0; a whole number (|x| < 1e15) without decimals;
    else two decimals with trailing zeros (and a trailing point) cut, and `-0` read as `0`."""
    trimmed = d.replace_all(d.replace_all(d.fixed2(x), "0+$", []), "[.]$", [])
    return (
        f"CASE WHEN {x} = 0 THEN '0' "
        f"WHEN {x} = {d.trunc(x)} AND abs({x}) < 1e15 THEN {d.whole(x)} "
        f"WHEN {trimmed} = '-0' THEN '0' ELSE {trimmed} END"
    )


def escaped(d, x):
    """Step 1 of a text cell: control characters escaped (only on the rows that have one)."""
    chain = x
    for code in CONTROLS:
        chain = f"replace({chain}, chr({code}), {d.lit(control_escape(code))})"
    return f"CASE WHEN {d.has_control(x)} THEN {chain} ELSE {x} END"


def neutralized(d, x):
    """Step 2: an apostrophe before each piece (after `,` or `;`) whose first character other
    than `"` is = + - @ (tab and CR are escaped by now)."""
    return d.replace_all(x, '(^|[,;])("*)([=+@-])', [1, "'", 2, 3])


def quoted(d, x):
    """Step 3: in double quotes, `"` doubled, when the cell holds , ; or " (CR and LF are escaped)."""
    needs = " OR ".join(d.contains(x, c) for c in (",", ";", '"'))
    return f"CASE WHEN {needs} THEN '\"' || replace({x}, '\"', '\"\"') || '\"' ELSE {x} END"


def csv_lines_sql(engine, view):
    """SELECT line FROM view: one §6.1 CSV line per lead (without the line end)."""
    d = Dialect(engine)
    texts = ("id", "grade", "fired_rules")
    step1 = ", ".join(
        [escaped(d, "coalesce(" + c + ", '')") + f" AS {c}" for c in texts]
        + ["fit", "engagement", "score", "status"]
    )
    step2 = ", ".join(
        [f"{neutralized(d, c)} AS {c}" for c in texts] + ["fit", "engagement", "score", "status"]
    )
    cells = [
        quoted(d, "id"),
        fmt_number(d, "fit"),
        fmt_number(d, "engagement"),
        fmt_number(d, "score"),
        "status",
        quoted(d, "grade"),
        quoted(d, "fired_rules"),
    ]
    line = " || ',' || ".join(f"({c})" for c in cells)
    return (
        f"SELECT {line} AS line FROM (SELECT {step2} FROM (SELECT {step1} FROM {view}) s1) s2"
    )


def strip_query(sql):
    sql = sql.strip()
    while sql.endswith(";"):
        sql = sql[:-1].rstrip()
    return sql


# --- The engines ----------------------------------------------------------------------------------


class TimedOut(Exception):
    """The engine stopped the query at --timeout."""


class DuckDb:
    def __init__(self, scratch, timeout):
        import duckdb

        self.con = duckdb.connect(":memory:")
        self.con.execute("SET TimeZone = 'UTC'")
        self.version = f"DuckDB {duckdb.__version__}"

    def load(self, table, path):
        header = read_header(path)
        columns = ", ".join(f"'{n.replace(chr(39), chr(39) * 2)}': 'VARCHAR'" for n in header)
        path_lit = "'" + os.path.abspath(path).replace("'", "''") + "'"
        self.con.execute(
            f"CREATE TABLE {table} AS SELECT * FROM read_csv({path_lit}, header = true, "
            f"auto_detect = false, delim = ',', quote = '\"', escape = '\"', columns = {{{columns}}})"
        )

    def score(self, sql, out):
        self.con.execute(f"CREATE TEMP VIEW mql_scores AS {sql}")
        lines = csv_lines_sql("duckdb", "mql_scores")
        out_lit = "'" + os.path.abspath(out).replace("'", "''") + "'"
        # The header as the one column's name; no quoting at all (the layer quoted the cells).
        self.con.execute(
            f'COPY ({lines.replace(" AS line FROM", f" AS {quote_ident(HEADER)} FROM", 1)}) '
            f"TO {out_lit} (FORMAT csv, HEADER true, QUOTE '', ESCAPE '')"
        )

    def peak_rss_kib(self):
        return None

    def close(self):
        self.con.close()


class Postgres:
    def __init__(self, scratch, timeout):
        self.conninfo = os.environ.get("MQL_PG") or os.environ.get("MQL_TEST_PG") or ""
        if not self.conninfo:
            raise RuntimeError("set MQL_PG (or MQL_TEST_PG) to a libpq conninfo string")
        if shutil.which("psql") is None:
            raise RuntimeError("psql is not on PATH")
        self.scratch = scratch
        self.work_mem = os.environ.get("PG_WORK_MEM", "256MB")
        self.timeout = timeout
        self.env = dict(os.environ, PGCLIENTENCODING="UTF8", PGAPPNAME="mql-compare")
        version = self.psql_c("SHOW server_version")
        self.version = f"PostgreSQL {version.strip()}"
        self.peaks = []

    def psql_c(self, command):
        done = subprocess.run(
            ["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", self.conninfo, "-c", command],
            capture_output=True, text=True, env=self.env, stdin=subprocess.DEVNULL,
        )
        if done.returncode != 0:
            raise RuntimeError(f"psql: {done.stderr.strip()}")
        return done.stdout

    def run_script(self, name, lines):
        """Runs a psql script; its last statement reports the backend's peak RSS (VmHWM of
        /proc/self/status, read by the backend itself: the server's user is a superuser here)."""
        script = os.path.join(self.scratch, f"{name}.sql")
        lines = [
            "SET client_min_messages = warning;",
            *lines,
            "SELECT 'VmHWM: ' || substring(pg_read_file('/proc/self/status') from 'VmHWM:\\s*([0-9]+)');",
        ]
        with open(script, "w", encoding="utf-8") as file:
            file.write("\n".join(lines) + "\n")
        done = subprocess.run(
            ["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", self.conninfo, "-f", script],
            capture_output=True, text=True, env=self.env, stdin=subprocess.DEVNULL,
        )
        if done.returncode != 0:
            if "statement timeout" in done.stderr:
                raise TimedOut(f"psql {name}: {done.stderr.strip()}")
            raise RuntimeError(f"psql {name}: {done.stderr.strip()}")
        for line in done.stdout.splitlines():
            if line.startswith("VmHWM:"):
                self.peaks.append(int(line.split()[1]))

    def literal(self, text):
        return "'" + text.replace("'", "''") + "'"

    def load(self, table, path):
        header = read_header(path)
        columns = ", ".join(f"{quote_ident(n)} text" for n in header)
        self.run_script(f"load-{table}", [
            f"DROP TABLE IF EXISTS {table};",
            f"CREATE TABLE {table} ({columns});",
            f"\\copy {table} FROM {self.literal(os.path.abspath(path))} WITH (FORMAT csv, HEADER true)",
            f"ANALYZE {table};",
        ])

    def score(self, sql, out):
        lines = csv_lines_sql("postgres", "mql_scores")
        select = lines.replace(" AS line FROM", f" AS {quote_ident(HEADER)} FROM", 1)
        self.run_script("query", [
            f"SET work_mem = {self.literal(self.work_mem)};",
            "SET TimeZone = 'UTC';",
            f"SET statement_timeout = '{int(self.timeout * 1000) if self.timeout else 0}';",
            f"CREATE TEMP VIEW mql_scores AS {sql}\n;",
            f"\\o {self.literal(os.path.abspath(out))}",
            # No quoting: the quote and delimiter characters never occur in the lines.
            f"COPY ({select}) TO STDOUT WITH (FORMAT csv, HEADER true, DELIMITER E'\\x02', QUOTE E'\\x01');",
            "\\o",
        ])

    def peak_rss_kib(self):
        return max(self.peaks) if self.peaks else None

    def close(self):
        self.psql_c("DROP TABLE IF EXISTS leads, events")


class Spark:
    def __init__(self, scratch, timeout):
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        import pyspark
        from pyspark.sql import SparkSession
        from pyspark.sql import types as spark_types

        conf_dir = os.path.join(scratch, "spark-conf")
        os.makedirs(conf_dir)
        with open(os.path.join(conf_dir, "log4j2.properties"), "w", encoding="utf-8") as file:
            file.write(
                "rootLogger.level = error\nrootLogger.appenderRef.stderr.ref = console\n"
                "appender.console.type = Console\nappender.console.name = console\n"
                "appender.console.target = SYSTEM_ERR\nappender.console.layout.type = PatternLayout\n"
                "appender.console.layout.pattern = spark: %p %c{1}: %m%n\n"
            )
        os.environ["SPARK_CONF_DIR"] = conf_dir
        os.environ["SPARK_LOCAL_DIRS"] = os.path.join(scratch, "spark-local")
        java_tmp = os.path.join(scratch, "java-tmp")
        os.makedirs(java_tmp)
        self.scratch = scratch
        self.spark = (
            SparkSession.builder.master(os.environ.get("SPARK_MASTER", "local[2]"))
            .appName("mql-compare")
            .config("spark.driver.memory", os.environ.get("SPARK_DRIVER_MEMORY", "6g"))
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.sql.warehouse.dir", os.path.join(scratch, "warehouse"))
            .config("spark.driver.extraJavaOptions", f"-Djava.io.tmpdir={java_tmp}")
            .getOrCreate()
        )
        self.spark.sparkContext.setLogLevel("ERROR")
        self.types = spark_types
        self.frames = []
        gateway = getattr(self.spark.sparkContext, "_gateway", None)
        proc = getattr(gateway, "proc", None)
        self.jvm_pid = getattr(proc, "pid", None)
        self.version = (
            f"Spark {self.spark.version} (pyspark {pyspark.__version__}, "
            f"{self.spark.sparkContext.master}, driver memory "
            f"{self.spark.sparkContext.getConf().get('spark.driver.memory')})"
        )

    def load(self, table, path):
        types = self.types
        header = read_header(path)
        schema = types.StructType(
            [types.StructField(f"_c{i}", types.StringType(), True) for i in range(len(header))]
        )
        frame = (
            self.spark.read.csv(
                os.path.abspath(path), schema=schema, header=True, quote='"', escape='"',
                encoding="UTF-8", mode="FAILFAST",
                ignoreLeadingWhiteSpace=False, ignoreTrailingWhiteSpace=False,
            )
            .toDF(*header)
            .cache()
        )
        frame.count()  # materialises the cache: the load
        frame.createOrReplaceTempView(table)
        self.frames.append(frame)

    def score(self, sql, out):
        self.spark.sql(sql).createOrReplaceTempView("mql_scores")
        parts = os.path.join(self.scratch, "parts")
        self.spark.sql(csv_lines_sql("spark", "mql_scores")).write.mode("overwrite").text(parts)
        with open(out, "wb") as file:
            file.write((HEADER + "\n").encode())
            for part in sorted(glob.glob(os.path.join(parts, "part-*"))):
                with open(part, "rb") as piece:
                    shutil.copyfileobj(piece, file, 1 << 20)

    def peak_rss_kib(self):
        return vm_hwm_kib(self.jvm_pid) if self.jvm_pid else None

    def close(self):
        self.spark.stop()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", required=True, choices=("duckdb", "postgres", "spark"))
    parser.add_argument("--query", help="the query compiled by `mql-studio sql`")
    parser.add_argument("--print-sql", action="store_true", help="print the formatting layer and exit")
    parser.add_argument("--timeout", type=float, default=None,
                        help="PostgreSQL: stop the query after this many seconds (statement_timeout); "
                        "the script then exits with code 3")
    parser.add_argument("--materialize", action="store_true",
                        help="PostgreSQL: make every CTE of the query `AS MATERIALIZED` (a patch of the "
                        "compiled query, to see what the engine does once the CTEs are not inlined)")
    parser.add_argument("leads", nargs="?")
    parser.add_argument("events", nargs="?")
    parser.add_argument("out", nargs="?")
    args = parser.parse_args()
    if args.print_sql:
        print(csv_lines_sql(args.engine, "mql_scores"))
        return 0
    if not (args.query and args.leads and args.events and args.out):
        parser.error("--query, LEADS, EVENTS and OUT are needed")
    with open(args.query, encoding="utf-8") as file:
        sql = strip_query(file.read())
    if args.materialize:
        # The compiler writes each CTE as `name AS (` alone on its line.
        sql, fenced = re.subn(r"(?m)^([A-Za-z_][A-Za-z0-9_]*) AS \($", r"\1 AS MATERIALIZED (", sql)
        log(f"patched: {fenced} CTEs made AS MATERIALIZED")

    scratch = tempfile.mkdtemp(prefix=f"mql-compare-{args.engine}-")
    try:
        started = time.perf_counter()
        engine = {"duckdb": DuckDb, "postgres": Postgres, "spark": Spark}[args.engine](scratch, args.timeout)
        log(f"engine: {engine.version}")
        t_start = time.perf_counter()
        log(f"start: {t_start - started:.3f} s")
        engine.load("leads", args.leads)
        engine.load("events", args.events)
        t_load = time.perf_counter()
        log(f"load: {t_load - t_start:.3f} s")
        try:
            engine.score(sql, args.out)
        except TimedOut as error:
            log(f"timed out: the query was stopped after {args.timeout:g} s ({error})")
            if os.path.exists(args.out):
                os.remove(args.out)
            engine.close()
            return 3
        t_query = time.perf_counter()
        peak = engine.peak_rss_kib()
        engine.close()
        log(f"query: {t_query - t_load:.3f} s")
        if peak:
            log(f"engine peak RSS: {peak} KiB")
        log(f"sql score: {t_query - started:.3f} s")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

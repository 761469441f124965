#!/usr/bin/env python3
"""Runs scoring queries on real SQL engines, for the tests of `mql-studio sql`.

    python run.py --engine duckdb|postgres|spark CASE_DIR [CASE_DIR ...]

Each CASE_DIR holds `leads.csv`, optionally `events.csv`, and `query.sql` (one statement, no
trailing semicolon). For each case the CSV files become the tables `leads` and `events`, every
column text and named by its header cell (trimmed), the query runs, and its rows are written to
`CASE_DIR/out-<engine>.jsonl`: one JSON object a row with the keys id, fit, engagement, score,
status, grade, fired_rules. Numbers are written as Python's repr writes them, so doubles read back
exactly; SQL NULL is null; NaN and infinities (which JSON has no numbers for) are the strings
"NaN", "Infinity", "-Infinity". When the case fails, `CASE_DIR/error-<engine>.txt` holds the
engine's message instead (messages of this script start with "run.py:"), and the next case runs.
The exit code is 0 unless the engine could not start (2) or the arguments are wrong.

The CSV files are read as `mql-studio` reads them: UTF-8 with or without a byte-order mark, `,`
or `;` (`;` when the header line has more of them outside quotes), `"` quoting with `""` inside,
quoted cells may hold delimiters and line breaks, lines ending in `\\n`, `\\r\\n` or `\\r`, empty
lines and records whose cells are all blank skipped, and a record with more or fewer cells than
the header an error of the case. Each file is then written again in one plain form and loaded
with the engine's own CSV reader, so all three engines see the same table:
  - a cell's text is kept as it is (no trimming, spaces and quotes included);
  - an empty cell is SQL NULL, or the empty string when MQL_TEST_EMPTY_CELLS=text.

The result must have the seven columns, with exactly these names, the three numbers as doubles
(DuckDB DOUBLE, PostgreSQL double precision, Spark double) and the four texts as text (VARCHAR,
text or character varying, string); other columns are ignored. A column of another type is an
error of the case, so that a DECIMAL or INTEGER result is seen rather than compared as a double.

Engines (one session for all the cases of a run, but one psql process per case):
  - duckdb: the `duckdb` package, an in-memory database, TimeZone UTC.
  - postgres: the `psql` client, connecting with the libpq conninfo string in MQL_TEST_PG; each
    case in a schema of its own (dropped after it), TimeZone UTC, DateStyle ISO, MDY,
    extra_float_digits 1 (doubles printed in shortest round-trip form). The query becomes the
    view `mql_result` (for its column types), read with COPY in text format (NULL is told from
    the empty string); a psql script runs it, so `:name` outside quotes is psql's variable when
    one of that name is set.
  - spark: `pyspark` with Java, local[2], UI off, 2 shuffle partitions, session time zone UTC,
    log level ERROR; the tables are temporary views. `spark.sql.ansi.enabled` is Spark's default
    (false in 3.5) unless MQL_TEST_SPARK_ANSI is true or false.
"""

import argparse
import contextlib
import csv
import io
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import traceback

COLUMNS = ("id", "fit", "engagement", "score", "status", "grade", "fired_rules")
NUMBERS = frozenset(("fit", "engagement", "score"))
ENGINES = ("duckdb", "postgres", "spark")

# The white space that mql-studio trims from a cell (ASCII, as `trim_cell` does).
BLANK = " \t\n\x0b\x0c\r"

csv.field_size_limit(2**31 - 1)


def log(message):
    print(f"run.py: {message}", file=sys.stderr, flush=True)


class CaseError(Exception):
    """A failure of one case: its files, loading them, or the query."""


# --- reading the CSV files ----------------------------------------------------------------


def detect_delimiter(text):
    """`;` when the header line has more semicolons than commas outside quotes, else `,`."""
    in_quotes = False
    commas = semicolons = 0
    for char in text:
        if char == '"':
            in_quotes = not in_quotes
        elif in_quotes:
            continue
        elif char == ",":
            commas += 1
        elif char == ";":
            semicolons += 1
        elif char in "\r\n":
            break
    return ";" if semicolons > commas else ","


def read_csv_file(path):
    """The header names (trimmed) and the records of a CSV file, as mql-studio reads them."""
    name = os.path.basename(path)
    try:
        with open(path, "rb") as file:
            text = file.read().decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise CaseError(f"run.py: {name}: {error}") from error
    text = text.removeprefix("\ufeff")
    reader = csv.reader(
        io.StringIO(text, newline=""),
        delimiter=detect_delimiter(text),
        quotechar='"',
        doublequote=True,
        strict=False,
    )
    header = None
    rows = []
    try:
        for record in reader:
            if not record or all(not cell.strip(BLANK) for cell in record):
                continue
            if header is None:
                header = [cell.strip(BLANK) for cell in record]
                continue
            if len(record) != len(header):
                raise CaseError(
                    f"run.py: {name}: record {len(rows) + 1} (line {reader.line_num}) has "
                    f"{len(record)} cells, the header has {len(header)}"
                )
            rows.append(record)
    except csv.Error as error:
        raise CaseError(f"run.py: {name}: {error}") from error
    if header is None:
        raise CaseError(f"run.py: {name}: no header row")
    for index, column in enumerate(header):
        if not column:
            raise CaseError(f"run.py: {name}: header cell {index + 1} is empty")
        if header.index(column) != index:
            raise CaseError(f"run.py: {name}: the header names {column!r} twice")
    return header, rows


def write_plain_csv(path, header, rows, empty_as_text):
    """The table as a CSV file that every engine reads alike: `,`, every non-empty cell quoted,
    `\\n` line ends; an empty cell unquoted (NULL) or `""` (the empty string)."""
    empty = '""' if empty_as_text else ""

    def cell(text):
        return '"' + text.replace('"', '""') + '"' if text else empty

    with open(path, "w", encoding="utf-8", newline="") as file:
        file.write(",".join(cell(name) for name in header) + "\n")
        for row in rows:
            file.write(",".join(cell(text) for text in row) + "\n")


# --- the engines ----------------------------------------------------------------------------


def quote_ident(name):
    return '"' + name.replace('"', '""') + '"'


def quote_literal(text):
    return "'" + text.replace("'", "''") + "'"


class DuckDb:
    name = "duckdb"
    numbers = ("DOUBLE",)
    texts = ("VARCHAR",)

    def __init__(self, scratch):
        import duckdb

        self.con = duckdb.connect(":memory:")
        self.con.execute("SET TimeZone = 'UTC'")
        self.version = f"DuckDB {duckdb.__version__}"

    def load(self, table, header, path, empty_as_text):
        columns = ", ".join(f"{quote_literal(name)}: 'VARCHAR'" for name in header)
        self.con.execute(
            f"CREATE TABLE {table} AS SELECT * FROM read_csv({quote_literal(path)}, "
            "header = true, auto_detect = false, delim = ',', quote = '\"', escape = '\"', "
            f"new_line = '\\n', allow_quoted_nulls = false, columns = {{{columns}}})"
        )

    def drop(self, table):
        self.con.execute(f"DROP TABLE IF EXISTS {table}")

    def query(self, sql):
        relation = self.con.sql(sql)
        if relation is None:
            raise CaseError("run.py: the SQL is not a query (it returned no result)")
        names = relation.columns
        types = [str(t) for t in relation.types]
        return names, types, relation.fetchall()

    def message(self, error):
        return str(error)

    def close(self):
        self.con.close()


class Postgres:
    name = "postgres"
    numbers = ("double precision",)
    texts = ("text", "character varying")

    def __init__(self, scratch):
        self.conninfo = os.environ.get("MQL_TEST_PG", "")
        if not self.conninfo:
            raise RuntimeError("MQL_TEST_PG is not set (a libpq conninfo string)")
        if shutil.which("psql") is None:
            raise RuntimeError("psql is not on PATH")
        self.scratch = scratch
        self.env = dict(os.environ, PGCLIENTENCODING="UTF8", PGAPPNAME="mql-studio-tests")
        done = self.psql(["-A", "-t", "-c", "SHOW server_version"])
        if done.returncode != 0:
            raise RuntimeError(f"psql could not connect: {done.stderr.strip()}")
        client = subprocess.run(["psql", "--version"], capture_output=True, text=True).stdout
        self.version = f"PostgreSQL {done.stdout.strip()} ({client.strip()})"
        self.count = 0
        self.tables = {}

    def psql(self, args):
        return subprocess.run(
            ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", self.conninfo, *args],
            capture_output=True,
            text=True,
            encoding="utf-8",
            env=self.env,
            stdin=subprocess.DEVNULL,
        )

    # Loading is part of the case's one psql script (see `query`).
    def load(self, table, header, path, empty_as_text):
        self.tables[table] = (header, path)

    def drop(self, table):
        self.tables.pop(table, None)

    def query(self, sql):
        self.count += 1
        schema = f"mql_test_{os.getpid()}_{self.count}"
        folder = os.path.join(self.scratch, f"pg-{self.count}")
        os.makedirs(folder)
        types_file = os.path.join(folder, "types.txt")
        rows_file = os.path.join(folder, "rows.txt")
        lines = [
            "SET client_min_messages = warning;",
            "SET extra_float_digits = 1;",
            "SET TimeZone = 'UTC';",
            "SET DateStyle = 'ISO, MDY';",
            f"DROP SCHEMA IF EXISTS {schema} CASCADE;",
            f"CREATE SCHEMA {schema};",
            f"SET search_path = {schema};",
        ]
        for table, (header, path) in self.tables.items():
            columns = ", ".join(f"{quote_ident(name)} text" for name in header)
            lines.append(f"CREATE TABLE {table} ({columns});")
            lines.append(
                f"\\copy {table} FROM {quote_literal(path)} WITH (FORMAT csv, HEADER true)"
            )
        # The query starts on the view's line, so that the LINE numbers of PostgreSQL's messages
        # are the lines of query.sql.
        lines.append(f"\\echo MQL-QUERY-STARTS\nCREATE VIEW mql_result AS {sql}\n;")
        lines.append(f"\\o {quote_literal(types_file)}")
        lines.append(
            "COPY (SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute "
            "WHERE attrelid = 'mql_result'::regclass AND attnum > 0 AND NOT attisdropped "
            "ORDER BY attnum) TO STDOUT;"
        )
        lines.append(f"\\o {quote_literal(rows_file)}")
        lines.append("COPY (SELECT * FROM mql_result) TO STDOUT;")
        lines.append("\\o")
        lines.append(f"DROP SCHEMA {schema} CASCADE;")
        script = os.path.join(folder, "case.sql")
        with open(script, "w", encoding="utf-8") as file:
            file.write("\n".join(lines) + "\n")
        done = self.psql(["-f", script])
        if done.returncode != 0:
            self.psql(["-c", f"DROP SCHEMA IF EXISTS {schema} CASCADE"])
            message = re.sub(r"^psql:[^\n]*?:\d+: ", "", done.stderr.strip(), flags=re.M)
            if "MQL-QUERY-STARTS" not in done.stdout:
                message = f"loading the tables: {message}"
            raise CaseError(message)
        with open(types_file, encoding="utf-8") as file:
            described = [copy_text_fields(line) for line in file.read().splitlines()]
        with open(rows_file, encoding="utf-8") as file:
            rows = [copy_text_fields(line) for line in file.read().split("\n")[:-1]]
        names = [name for name, _ in described]
        types = [kind for _, kind in described]
        return names, types, rows

    def message(self, error):
        return str(error)

    def close(self):
        pass


COPY_ESCAPES = {"b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}


def copy_text_fields(line):
    """The fields of a line of COPY's text format: tab-separated, `\\N` for NULL, backslash
    escapes."""

    def unescape(match):
        escape = match.group(1)
        if escape in COPY_ESCAPES:
            return COPY_ESCAPES[escape]
        if escape[0] in "01234567":
            return chr(int(escape, 8))
        if escape[0] == "x":
            return chr(int(escape[1:], 16))
        return escape

    return [
        None if field == "\\N" else re.sub(r"\\([0-7]{1,3}|x[0-9a-fA-F]{1,2}|.)", unescape, field)
        for field in line.split("\t")
    ]


LOG4J2 = """\
# The root at WARN, the level pyspark's shell wants (else it says "Setting default log level to
# WARN" at every start); run.py sets ERROR once the session is up.
rootLogger.level = warn
rootLogger.appenderRef.stderr.ref = console
appender.console.type = Console
appender.console.name = console
appender.console.target = SYSTEM_ERR
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = spark: %p %c{1}: %m%n
logger.hadoop.name = org.apache.hadoop
logger.hadoop.level = error
"""


class Spark:
    name = "spark"
    numbers = ("double",)
    texts = ("string",)

    def __init__(self, scratch):
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        import pyspark
        from pyspark.sql import SparkSession
        from pyspark.sql import types as spark_types

        # Spark's logging set-up, read from SPARK_CONF_DIR (Spark puts it on the class path).
        conf_dir = os.path.join(scratch, "spark-conf")
        os.makedirs(conf_dir)
        with open(os.path.join(conf_dir, "log4j2.properties"), "w", encoding="utf-8") as file:
            file.write(LOG4J2)
        os.environ["SPARK_CONF_DIR"] = conf_dir
        # Block manager and shuffle files, removed with the scratch folder.
        os.environ["SPARK_LOCAL_DIRS"] = os.path.join(scratch, "spark-local")
        java_tmp = os.path.join(scratch, "java-tmp")
        os.makedirs(java_tmp)
        start = time.monotonic()
        builder = (
            SparkSession.builder.master("local[2]")
            .appName("mql-studio-tests")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.shuffle.partitions", "2")
            .config("spark.default.parallelism", "2")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.sql.warehouse.dir", os.path.join(scratch, "warehouse"))
            # Spark's own temporary folders (spark-<uuid>) inside the scratch folder too.
            .config("spark.driver.extraJavaOptions", f"-Djava.io.tmpdir={java_tmp}")
        )
        ansi = os.environ.get("MQL_TEST_SPARK_ANSI", "").strip().lower()
        if ansi in ("true", "false"):
            builder = builder.config("spark.sql.ansi.enabled", ansi)
        self.spark = builder.getOrCreate()
        self.spark.sparkContext.setLogLevel("ERROR")
        self.types = spark_types
        ansi_now = self.spark.conf.get("spark.sql.ansi.enabled")
        self.version = (
            f"Spark {self.spark.version} (pyspark {pyspark.__version__}, "
            f"spark.sql.ansi.enabled={ansi_now}, started in {time.monotonic() - start:.1f} s)"
        )

    def load(self, table, header, path, empty_as_text):
        types = self.types
        # Positional names first: the header is read as a header, not as names to check.
        schema = types.StructType(
            [types.StructField(f"_c{i}", types.StringType(), True) for i in range(len(header))]
        )
        frame = self.spark.read.csv(
            path,
            schema=schema,
            header=True,
            multiLine=True,
            quote='"',
            escape='"',
            encoding="UTF-8",
            mode="FAILFAST",
            ignoreLeadingWhiteSpace=False,
            ignoreTrailingWhiteSpace=False,
            # Spark reads a quoted "" as NULL too while nullValue is "": a value that never
            # occurs keeps it the empty string.
            nullValue="\u0000mql-null\u0000" if empty_as_text else "",
        )
        frame.toDF(*header).createOrReplaceTempView(table)

    def drop(self, table):
        self.spark.catalog.dropTempView(table)

    def query(self, sql):
        frame = self.spark.sql(sql)
        fields = frame.schema.fields
        names = [field.name for field in fields]
        types = [field.dataType.simpleString() for field in fields]
        rows = [tuple(row) for row in frame.collect()]
        return names, types, rows

    def message(self, error):
        java = getattr(error, "java_exception", None)
        text = str(error)
        if java is not None:
            with contextlib.suppress(Exception):  # the JVM may be gone
                text = str(java.toString())
        # An AnalysisException ends with the query plan after "; line L pos P;", a failed job
        # with Java stack traces: both left out.
        text = re.split(r";\n(?=['A-Z+:])", text, maxsplit=1)[0]
        lines = text.splitlines()
        kept = [
            line
            for line in lines
            if not re.match(r"\s+(at |\.\.\. \d+ more)", line) and line != "Driver stacktrace:"
        ]
        return "\n".join(kept).strip()

    def close(self):
        self.spark.stop()


# --- a case -----------------------------------------------------------------------------------


def number(value, column):
    if value is None:
        return None
    if isinstance(value, str):  # PostgreSQL's text output
        value = float(value)
    if not isinstance(value, float):
        raise CaseError(f"run.py: column {column}: {value!r} is not a double")
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return value


def text(value, column):
    if value is None or isinstance(value, str):
        return value
    raise CaseError(f"run.py: column {column}: {value!r} is not text")


def result_lines(engine, names, types, rows):
    """The JSON lines of a result, after checking its columns' names and types."""
    index = {}
    for position, name in enumerate(names):
        index.setdefault(name, position)
    missing = [column for column in COLUMNS if column not in index]
    if missing:
        raise CaseError(
            f"run.py: the result has no column {', '.join(missing)} "
            f"(its columns: {', '.join(names)})"
        )
    wrong = []
    for column in COLUMNS:
        kind = types[index[column]]
        allowed = engine.numbers if column in NUMBERS else engine.texts
        if not any(kind == a or kind.startswith(a + "(") for a in allowed):
            wrong.append(f"{column} is {kind}, not {allowed[0]}")
    if wrong:
        raise CaseError(f"run.py: result column types: {'; '.join(wrong)}")
    lines = []
    for row in rows:
        record = {}
        for column in COLUMNS:
            value = row[index[column]]
            record[column] = number(value, column) if column in NUMBERS else text(value, column)
        lines.append(json.dumps(record, ensure_ascii=False, allow_nan=False) + "\n")
    return lines


def run_case(engine, case, number_, scratch, empty_as_text):
    query_file = os.path.join(case, "query.sql")
    leads_file = os.path.join(case, "leads.csv")
    events_file = os.path.join(case, "events.csv")
    for table in ("leads", "events"):
        engine.drop(table)
    if not os.path.isfile(query_file) or not os.path.isfile(leads_file):
        raise CaseError(f"run.py: {case} needs query.sql and leads.csv")
    with open(query_file, encoding="utf-8") as file:
        sql = file.read()
    folder = os.path.join(scratch, f"case-{number_}")
    os.makedirs(folder)
    for table, source in (("leads", leads_file), ("events", events_file)):
        if table == "events" and not os.path.isfile(source):
            continue
        header, rows = read_csv_file(source)
        plain = os.path.join(folder, f"{table}.csv")
        write_plain_csv(plain, header, rows, empty_as_text)
        try:
            engine.load(table, header, plain, empty_as_text)
        except CaseError:
            raise
        except Exception as error:  # noqa: BLE001 - the engine's own exception types
            raise CaseError(f"loading {table}: {engine.message(error)}") from error
    try:
        names, types, rows = engine.query(sql)
    except CaseError:
        raise
    except Exception as error:  # noqa: BLE001
        raise CaseError(engine.message(error)) from error
    return result_lines(engine, names, types, rows)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engine", required=True, choices=ENGINES)
    parser.add_argument("cases", nargs="+", metavar="CASE_DIR")
    args = parser.parse_args()
    empty_mode = os.environ.get("MQL_TEST_EMPTY_CELLS", "null").strip().lower()
    if empty_mode not in ("null", "text"):
        parser.error(f"MQL_TEST_EMPTY_CELLS is {empty_mode!r}: expected null or text")
    scratch = tempfile.mkdtemp(prefix=f"mql-engines-{args.engine}-")
    try:
        try:
            engine = {"duckdb": DuckDb, "postgres": Postgres, "spark": Spark}[args.engine](scratch)
        except Exception as error:  # noqa: BLE001
            log(f"{args.engine} could not start: {error}")
            return 2
        empty = "empty strings" if empty_mode == "text" else "NULL"
        log(f"{engine.version}; empty cells are {empty}")
        try:
            for number_, case in enumerate(args.cases, 1):
                out_file = os.path.join(case, f"out-{args.engine}.jsonl")
                error_file = os.path.join(case, f"error-{args.engine}.txt")
                for stale in (out_file, error_file):
                    if os.path.exists(stale):
                        os.remove(stale)
                try:
                    lines = run_case(engine, case, number_, scratch, empty_mode == "text")
                except CaseError as error:
                    message = str(error).strip() or "run.py: the engine failed without a message"
                except Exception:  # noqa: BLE001 - a bug here: reported for the case
                    message = "run.py: " + traceback.format_exc()
                else:
                    with open(out_file, "w", encoding="utf-8") as file:
                        file.writelines(lines)
                    continue
                if os.path.isdir(case):
                    with open(error_file, "w", encoding="utf-8") as file:
                        file.write(message + "\n")
                else:
                    print(message, file=sys.stderr, flush=True)
        finally:
            engine.close()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

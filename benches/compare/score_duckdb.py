"""Runs score_duckdb.sql: DuckDB scores leads.csv + events.csv with the default model to a CSV.

    python benches/compare/score_duckdb.py LEADS.csv EVENTS.csv OUT.csv [--threads N]

Prints the wall time of the query (read, score, write) on stderr; the process's own start-up
(importing duckdb) is not included there but is in an outside timer such as /usr/bin/time.
"""

import argparse
import pathlib
import sys
import time

import duckdb


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("leads")
    parser.add_argument("events")
    parser.add_argument("out")
    parser.add_argument("--threads", type=int, default=None, help="DuckDB threads (default: all cores)")
    args = parser.parse_args()

    sql = (pathlib.Path(__file__).with_name("score_duckdb.sql")).read_text()
    out = str(pathlib.Path(args.out).resolve()) if args.out != "/dev/null" else args.out
    sql = sql.replace("@OUT@", out.replace("'", "''"))

    started = time.perf_counter()
    con = duckdb.connect()  # in-memory database
    if args.threads:
        con.execute(f"SET threads = {args.threads}")
    con.execute("SET VARIABLE leads_csv = ?", [args.leads])
    con.execute("SET VARIABLE events_csv = ?", [args.events])
    con.execute(sql)
    con.close()
    print(f"duckdb score: {time.perf_counter() - started:.3f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

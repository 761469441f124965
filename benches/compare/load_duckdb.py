"""DuckDB loads leads.csv and events.csv into tables of an in-memory database, timed.

    python benches/compare/load_duckdb.py LEADS.csv EVENTS.csv [--threads N]

Each file is read with read_csv's defaults (type detection included) into a table:
CREATE TABLE … AS SELECT * FROM read_csv(…). Prints the time of each and the row counts on
stderr; the process's own start-up is not included (an outside timer such as /usr/bin/time
includes it).
"""

import argparse
import sys
import time

import duckdb


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("leads")
    parser.add_argument("events")
    parser.add_argument("--threads", type=int, default=None, help="DuckDB threads (default: all cores)")
    args = parser.parse_args()

    started = time.perf_counter()
    con = duckdb.connect()  # in-memory database
    if args.threads:
        con.execute(f"SET threads = {args.threads}")
    con.execute("CREATE TABLE leads AS SELECT * FROM read_csv(?)", [args.leads])
    leads_s = time.perf_counter() - started
    con.execute("CREATE TABLE events AS SELECT * FROM read_csv(?)", [args.events])
    total_s = time.perf_counter() - started
    (lead_count,) = con.execute("SELECT count(*) FROM leads").fetchone()
    (event_count,) = con.execute("SELECT count(*) FROM events").fetchone()
    print(
        f"duckdb load: leads {leads_s:.3f} s + events {total_s - leads_s:.3f} s = {total_s:.3f} s"
        f" ({lead_count} leads, {event_count} events)",
        file=sys.stderr,
    )
    con.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

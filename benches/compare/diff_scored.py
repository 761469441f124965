"""Lists how two scored CSV files differ, lead by lead (run.sh calls it when they are not the same).

    python3 benches/compare/diff_scored.py REFERENCE.csv OTHER.csv [--show N]

Reads both files' rows (the header apart), keyed by their id cell, and prints the number of leads
only in one file, the number of leads whose rows differ, and the first N of those (default 5, in
id order) with both rows exactly as written, so that a difference can be traced to its lead.
Duplicate ids are counted too. Exits 0 when the two hold the same rows, 1 otherwise.
"""

import argparse
import csv
import sys


def rows_by_id(path):
    with open(path, encoding="utf-8", newline="") as file:
        lines = file.read().split("\n")
    header = lines[0]
    if lines and lines[-1] == "":
        lines.pop()
    rows = {}
    duplicates = 0
    for line in lines[1:]:
        key = next(csv.reader([line]))[0] if line else ""
        if key in rows:
            duplicates += 1
            continue
        rows[key] = line
    return header, rows, duplicates


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("reference")
    parser.add_argument("other")
    parser.add_argument("--show", type=int, default=5)
    args = parser.parse_args()
    ref_header, ref, ref_dups = rows_by_id(args.reference)
    other_header, other, other_dups = rows_by_id(args.other)
    only_ref = sorted(set(ref) - set(other))
    only_other = sorted(set(other) - set(ref))
    differ = sorted(k for k in ref.keys() & other.keys() if ref[k] != other[k])
    same = not only_ref and not only_other and not differ and ref_header == other_header
    if ref_header != other_header:
        print(f"header differs: {ref_header!r} vs {other_header!r}")
    print(
        f"{len(ref)} leads in the reference, {len(other)} in the other; {len(differ)} rows differ, "
        f"{len(only_ref)} leads only in the reference, {len(only_other)} only in the other"
        + (f"; duplicate ids: {ref_dups} / {other_dups}" if ref_dups or other_dups else "")
    )
    for key in differ[: args.show]:
        print(f"  lead {key}:")
        print(f"    reference: {ref[key]}")
        print(f"    other:     {other[key]}")
    for key in only_ref[: args.show]:
        print(f"  only in the reference: {ref[key]}")
    for key in only_other[: args.show]:
        print(f"  only in the other: {other[key]}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())

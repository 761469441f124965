"""Batch scoring with the default model (models/default.ron), as a straightforward polars script.

    python benches/compare/score_polars.py LEADS.csv EVENTS.csv OUT.csv

score_pandas.py in polars: read_csv, a filter per engagement rule (here the filters of one
group_by), column expressions, no tuning. It follows docs/model-format.md §4 (the arithmetic) and
§6.1 (the CSV) so that its output is identical to `mql-studio score`'s. Prints its wall time on
stderr.
"""

import sys
import time

import numpy as np
import polars as pl

started = time.perf_counter()
leads_path, events_path, out_path = sys.argv[1:4]

# --- Read ---------------------------------------------------------------------------------------
# Every cell as text (no type inference); polars reads only an empty cell as missing.
leads = pl.read_csv(leads_path, infer_schema=False)
events = pl.read_csv(events_path, infer_schema=False)

lead_ids = leads["Lead ID"]


# A timestamp's day is its UTC day (offsets honoured). The generated files hold only
# `2026-10-03T14:22:05Z`; the other spellings of §3.5 that benches/compare/edge-cases uses (an
# offset, no offset, no time) are tried only when that one leaves cells unread.
def utc_day(column):
    text = pl.col(column).str.strip_chars()
    with_offset = text.str.to_datetime("%Y-%m-%dT%H:%M:%S%.f%#z", strict=False, time_zone="UTC")
    day = events.select(with_offset.dt.date().alias("day"))["day"]
    if day.null_count() > events[column].null_count():
        day = events.select(pl.coalesce(
            with_offset,
            text.str.to_datetime("%Y-%m-%dT%H:%M:%S%.f", strict=False).dt.replace_time_zone("UTC"),
            text.str.to_datetime("%Y-%m-%d %H:%M:%S%.f", strict=False).dt.replace_time_zone("UTC"),
            text.str.to_datetime("%Y-%m-%d %H:%M", strict=False).dt.replace_time_zone("UTC"),
            text.str.to_date("%Y-%m-%d", strict=False).cast(pl.Datetime("us")).dt.replace_time_zone("UTC"),
        ).dt.date().alias("day"))["day"]
    return day


# Events of leads that are not in the leads file are ignored, also for the as-of date.
events = events.with_columns(day=utc_day("Timestamp")).filter(pl.col("Lead ID").is_in(lead_ids.implode()))
as_of = events["day"].max()  # the default as-of date: the day of the latest event
events = events.with_columns(
    age=(pl.lit(as_of) - pl.col("day")).dt.total_days(),
    activity=pl.col("Activity").str.strip_chars().str.to_lowercase(),
)

# --- Effective counts (§4.3): per lead, events 0 .. window-1 days old, each weighing 1 or decayed.
COUNTS = {
    # name: (activity, window in days, half-life in days or None)
    "pricing": ("pricing_page_view", 30, None),
    "webinar": ("webinar_attended", 90, 45.0),
    "content": ("whitepaper_download", 60, None),
    "ebook": ("ebook_download", 60, None),
    "case_study": ("case_study_view", 30, None),
    "click": ("email_click", 30, None),
    "open": ("email_open", 30, None),
    "trial": ("trial_signup", 30, None),
    "booth": ("booth_scan", 90, None),
    "unsubscribe": ("unsubscribe", 90, None),
    "demo": ("demo_request", 30, None),
}


def effective_count(activity, window_days, half_life_days):
    inside = (pl.col("activity") == activity) & (pl.col("age") >= 0) & (pl.col("age") < window_days)
    if half_life_days is None:
        weight = pl.lit(1.0)
    else:
        # 0.5^(age / half-life) for the ages in the window, computed by Python: polars divides a
        # column by a constant as a multiplication by its reciprocal, 1 ulp off now and then.
        ages = list(range(window_days))
        weight = pl.col("age").replace_strict(ages, [0.5 ** (age / half_life_days) for age in ages],
                                              default=None, return_dtype=pl.Float64)
    return weight.filter(inside).sum()


per_lead = events.group_by("Lead ID").agg(
    [effective_count(*spec).alias(name) for name, spec in COUNTS.items()]
)
counts = leads.select("Lead ID").join(per_lead, on="Lead ID", how="left", maintain_order="left").fill_null(0.0)


# --- Fit rules (§4.1, §4.2) --------------------------------------------------------------------
def fold(column):
    return pl.col(column).str.strip_chars().str.to_lowercase()


def contains_words(column, words):
    """Whole-word match: no letter or digit just before or after the value (polars' regex has no
    look-around, so the boundary is spelled out)."""
    pattern = r"(^|[^\pL\pN])(" + "|".join(words) + r")($|[^\pL\pN])"
    return fold(column).str.contains(pattern).fill_null(False)


def is_true(column):
    return fold(column).is_in(["true", "yes", "y", "1", "x"]).fill_null(False)


title = "Job Title"
employees = pl.col("Number of Employees").str.strip_chars().cast(pl.Float64)
email = fold("Email")

fit_rules = [
    ("fit-senior-title", 20.0, contains_words(title, ["chief", "vp", "head of", "director", "founder"])),
    ("fit-manager-title", 10.0, contains_words(title, ["manager"])),
    ("fit-core-industry", 15.0, fold("Industry").is_in(["software", "fintech", "healthcare"]).fill_null(False)),
    ("fit-adjacent-industry", 7.0,
     fold("Industry").is_in(["professional services", "manufacturing", "logistics"]).fill_null(False)),
    ("fit-company-size", 20.0, employees.is_between(200.0, 5000.0).fill_null(False)),
    ("fit-small-company", 10.0, employees.is_between(50.0, 199.0).fill_null(False)),
    ("fit-target-account", 10.0, is_true("Target Account")),
    ("fit-free-mail", -15.0,
     (email.str.contains("@gmail.", literal=True) | email.str.contains("@yahoo.", literal=True)
      | email.str.contains("@hotmail.", literal=True) | email.str.contains("@outlook.", literal=True))
     .fill_null(False)),
    ("fit-student", -20.0, contains_words(title, ["student", "intern", "trainee"])),
]
fit_matched = leads.select([matched.alias(rule_id) for rule_id, _, matched in fit_rules])

fit_raw = pl.lit(0.0)
for rule_id, points, _ in fit_rules:
    fit_raw = fit_raw + pl.when(pl.col(rule_id)).then(points).otherwise(0.0)


# --- Engagement rules (§4.3, §4.4) -------------------------------------------------------------
def per_occurrence(points, count, cap):
    return (points * pl.col(count)).clip(-cap, cap)


def once(points, count):
    return points * pl.min_horizontal(pl.col(count), pl.lit(1.0))


def at_least(points, count, n):
    return pl.when(pl.col(count) >= n).then(points).otherwise(0.0)


engagement_rules = [
    ("eng-pricing", per_occurrence(8.0, "pricing", 24.0)),
    ("eng-webinar", per_occurrence(10.0, "webinar", 20.0)),
    ("eng-content", per_occurrence(5.0, "content", 15.0)),
    ("eng-ebook", once(5.0, "ebook")),
    ("eng-case-study", per_occurrence(4.0, "case_study", 12.0)),
    ("eng-email-click", per_occurrence(2.0, "click", 8.0)),
    ("eng-email-opens", at_least(3.0, "open", 5)),
    ("eng-trial", once(20.0, "trial")),
    ("eng-booth", at_least(15.0, "booth", 3)),
    ("eng-unsubscribe", once(-15.0, "unsubscribe")),
]
points = counts.select([expr.alias(rule_id) for rule_id, expr in engagement_rules])

engagement_raw = pl.lit(0.0)
for rule_id, _ in engagement_rules:
    engagement_raw = engagement_raw + pl.col(rule_id)

# --- Overrides (§4.7) --------------------------------------------------------------------------
overrides = leads.select(
    is_true("Is Competitor").alias("dq-competitor"),
    is_true("Is Customer").alias("dq-customer"),
).with_columns(counts.select((pl.col("demo") >= 1).alias("ft-demo-request")))


# --- Combine (§4.5, §4.6, §4.8, §4.9) ----------------------------------------------------------
# Divisions by a constant: polars computes `x / 100.0` as `x * (1 / 100.0)` (1170 / 100 gives
# 11.700000000000001), so the divisors are real columns, and a column by a column divides exactly.
divisors = pl.DataFrame({f"by_{d}": np.full(leads.height, float(d)) for d in (100, 60, 40)})


def divide(x, d):
    return x / pl.col(f"by_{d}")


def round2(x):
    """round(x × 100) / 100 with halves away from zero, like C's round. Not polars' own
    round(mode="half_away_from_zero"): it makes 267.49999999999997 (2.675 × 100) 268."""
    x = x * 100.0
    whole = pl.when(x >= 0).then(x.floor()).otherwise(x.ceil())
    return divide(whole + pl.when((x - whole).abs() >= 0.5).then(x.sign()).otherwise(0.0), 100)


frame = pl.concat(
    [leads.select(pl.col("Lead ID").alias("lead_id")), fit_matched, points, overrides, divisors],
    how="horizontal",
)
frame = frame.with_columns(
    fit=round2(fit_raw.clip(0.0, 60.0)),
    engagement=round2(engagement_raw.clip(0.0, 40.0)),
)
frame = frame.with_columns(
    score=round2((0.6 * divide(pl.col("fit"), 60) + 0.4 * divide(pl.col("engagement"), 40)) * 100.0),
)

status = (
    pl.when(pl.col("dq-competitor") | pl.col("dq-customer")).then(pl.lit("disqualified"))
    .when(pl.col("ft-demo-request")).then(pl.lit("mql_fast_track"))
    .when((pl.col("score") >= 75.0) & (pl.col("fit") >= 20.0)).then(pl.lit("mql"))
    .when(pl.col("score") >= 75.0 - 15.0).then(pl.lit("nurture"))
    .otherwise(pl.lit("lead"))
)
grade = pl.concat_str(
    pl.when(pl.col("fit") >= 45).then(pl.lit("A")).when(pl.col("fit") >= 30).then(pl.lit("B"))
    .when(pl.col("fit") >= 15).then(pl.lit("C")).otherwise(pl.lit("D")),
    pl.when(pl.col("engagement") >= 30).then(pl.lit("1")).when(pl.col("engagement") >= 20).then(pl.lit("2"))
    .when(pl.col("engagement") >= 10).then(pl.lit("3")).otherwise(pl.lit("4")),
)
fired = pl.concat_str(
    [pl.when(pl.col(rule_id)).then(pl.lit(rule_id)) for rule_id, _, _ in fit_rules]
    + [pl.when(pl.col(rule_id) != 0).then(pl.lit(rule_id)) for rule_id, _ in engagement_rules]
    + [pl.when(pl.col(rule_id)).then(pl.lit(rule_id))
       for rule_id in ("dq-competitor", "dq-customer", "ft-demo-request")],
    separator=";",
    ignore_nulls=True,
)


# --- Write (§6.1) ------------------------------------------------------------------------------
def fmt_number(column):
    """No trailing .0, at most two decimals: a round2 result's shortest form has at most two."""
    x = pl.col(column)
    return pl.when(x == x.floor()).then(x.cast(pl.Int64).cast(pl.String)).otherwise(x.cast(pl.String))


def text_cell(expr):
    """A text cell: an apostrophe before each piece (after `,` or `;`) that starts with a formula
    trigger, then quoted when it holds `,`, `;` or `"` (no control characters in these files)."""
    neutral = expr.str.replace_all(r'(^|[,;])("*)([=+@-])', "${1}'${2}${3}")
    return (
        pl.when(neutral.str.contains(r'[,;"]'))
        .then(pl.concat_str(pl.lit('"'), neutral.str.replace_all('"', '""', literal=True), pl.lit('"')))
        .otherwise(neutral)
    )


out = frame.select(
    text_cell(pl.col("lead_id")).alias("id"),
    fmt_number("fit").alias("fit"),
    fmt_number("engagement").alias("engagement"),
    fmt_number("score").alias("score"),
    status.alias("status"),
    grade.alias("grade"),
    text_cell(fired).alias("fired_rules"),
)
# The cells are written as they are: quoted above where §6.1 quotes.
out.write_csv(out_path, quote_style="never", line_terminator="\n")
print(f"polars score: {time.perf_counter() - started:.3f} s", file=sys.stderr)

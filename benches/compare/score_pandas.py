"""Batch scoring with the default model (models/default.ron), as a straightforward pandas script.

    python benches/compare/score_pandas.py LEADS.csv EVENTS.csv OUT.csv

The kind of script a data analyst would write: read_csv, a filter and a groupby per engagement
rule, vectorised column operations. It follows docs/model-format.md §4 (the arithmetic) and §6.1
(the CSV) so that its output is identical to `mql-studio score`'s. Prints its wall time on stderr.
"""

import sys
import time

import numpy as np
import pandas as pd

started = time.perf_counter()
leads_path, events_path, out_path = sys.argv[1:4]

# --- Read ---------------------------------------------------------------------------------------
# Every cell as text, and only an empty cell is missing (pandas would otherwise also read "NA",
# "null", "n/a" … as missing, which mql-studio does not).
leads = pd.read_csv(leads_path, dtype=str, keep_default_na=False, na_values=[""])
events = pd.read_csv(events_path, dtype=str, keep_default_na=False, na_values=[""])

lead_ids = leads["Lead ID"]

# A timestamp's day is its UTC day; events of leads not in the leads file are ignored.
events["day"] = pd.to_datetime(events["Timestamp"], utc=True, format="ISO8601").dt.floor("D")
events = events[events["Lead ID"].isin(lead_ids)]
as_of = events["day"].max()  # the default as-of date: the day of the latest event
events["age"] = (as_of - events["day"]).dt.days
events["activity"] = events["Activity"].str.strip().str.lower()


def effective_count(activity, window_days, half_life_days=None):
    """Per lead (in leads-file order): events 0 .. window-1 days old, each weighing 1 or decayed."""
    e = events[(events["activity"] == activity) & (events["age"] >= 0) & (events["age"] < window_days)]
    if half_life_days is None:
        weight = pd.Series(1.0, index=e.index)
    else:
        weight = 0.5 ** (e["age"] / half_life_days)
    per_lead = weight.groupby(e["Lead ID"]).sum()
    return per_lead.reindex(lead_ids, fill_value=0.0).to_numpy()


# --- Fit rules (§4.1, §4.2) --------------------------------------------------------------------
def fold(column):
    return leads[column].str.strip().str.lower()


def contains_words(column, words):
    """Whole-word match: no letter or digit just before or after the value."""
    pattern = r"(?<![^\W_])(?:" + "|".join(words) + r")(?![^\W_])"
    return fold(column).str.contains(pattern, regex=True).fillna(False).astype(bool)


def is_true(column):
    return fold(column).isin(["true", "yes", "y", "1", "x"])


title = "Job Title"
employees = pd.to_numeric(leads["Number of Employees"].str.strip())
email = fold("Email")

fit_rules = [
    ("fit-senior-title", 20.0, contains_words(title, ["chief", "vp", "head of", "director", "founder"])),
    ("fit-manager-title", 10.0, contains_words(title, ["manager"])),
    ("fit-core-industry", 15.0, fold("Industry").isin(["software", "fintech", "healthcare"])),
    ("fit-adjacent-industry", 7.0,
     fold("Industry").isin(["professional services", "manufacturing", "logistics"])),
    ("fit-company-size", 20.0, employees.between(200.0, 5000.0)),
    ("fit-small-company", 10.0, employees.between(50.0, 199.0)),
    ("fit-target-account", 10.0, is_true("Target Account")),
    ("fit-free-mail", -15.0,
     email.str.contains("@gmail.", regex=False).fillna(False).astype(bool)
     | email.str.contains("@yahoo.", regex=False).fillna(False).astype(bool)
     | email.str.contains("@hotmail.", regex=False).fillna(False).astype(bool)
     | email.str.contains("@outlook.", regex=False).fillna(False).astype(bool)),
    ("fit-student", -20.0, contains_words(title, ["student", "intern", "trainee"])),
]

fit_raw = np.zeros(len(leads))
for _, points, matched in fit_rules:
    fit_raw = fit_raw + np.where(matched, points, 0.0)

# --- Engagement rules (§4.3, §4.4) -------------------------------------------------------------
def per_occurrence(points, count, cap=None):
    raw = points * count
    return raw if cap is None else np.clip(raw, -cap, cap)


def once(points, count):
    return points * np.minimum(count, 1.0)


def at_least(points, count, n):
    return np.where(count >= n, points, 0.0)


engagement_rules = [
    ("eng-pricing", per_occurrence(8.0, effective_count("pricing_page_view", 30), cap=24.0)),
    ("eng-webinar", per_occurrence(10.0, effective_count("webinar_attended", 90, 45.0), cap=20.0)),
    ("eng-content", per_occurrence(5.0, effective_count("whitepaper_download", 60), cap=15.0)),
    ("eng-ebook", once(5.0, effective_count("ebook_download", 60))),
    ("eng-case-study", per_occurrence(4.0, effective_count("case_study_view", 30), cap=12.0)),
    ("eng-email-click", per_occurrence(2.0, effective_count("email_click", 30), cap=8.0)),
    ("eng-email-opens", at_least(3.0, effective_count("email_open", 30), 5)),
    ("eng-trial", once(20.0, effective_count("trial_signup", 30))),
    ("eng-booth", at_least(15.0, effective_count("booth_scan", 90), 3)),
    ("eng-unsubscribe", once(-15.0, effective_count("unsubscribe", 90))),
]

engagement_raw = np.zeros(len(leads))
for _, points in engagement_rules:
    engagement_raw = engagement_raw + points

# --- Overrides (§4.7) --------------------------------------------------------------------------
overrides = [
    ("dq-competitor", "disqualify", is_true("Is Competitor").to_numpy()),
    ("dq-customer", "disqualify", is_true("Is Customer").to_numpy()),
    ("ft-demo-request", "fast_track", effective_count("demo_request", 30) >= 1),
]
disqualified = overrides[0][2] | overrides[1][2]
fast_tracked = overrides[2][2]


# --- Combine (§4.5, §4.6, §4.8, §4.9) ----------------------------------------------------------
def round2(x):
    """round(x × 100) / 100 with halves away from zero, like C's round (np.round rounds halves
    to even, so it would not do)."""
    x = np.asarray(x) * 100.0
    whole = np.trunc(x)
    return (whole + np.where(np.abs(x - whole) >= 0.5, np.sign(x), 0.0)) / 100.0


fit = round2(np.clip(fit_raw, 0.0, 60.0))
engagement = round2(np.clip(engagement_raw, 0.0, 40.0))
score = round2((0.6 * (fit / 60.0) + 0.4 * (engagement / 40.0)) * 100.0)

status = np.select(
    [disqualified, fast_tracked, (score >= 75.0) & (fit >= 20.0), score >= 75.0 - 15.0],
    ["disqualified", "mql_fast_track", "mql", "nurture"],
    default="lead",
)
grade = pd.Series(np.select([fit >= 45, fit >= 30, fit >= 15], ["A", "B", "C"], default="D")) + \
    pd.Series(np.select([engagement >= 30, engagement >= 20, engagement >= 10], ["1", "2", "3"], default="4"))

fired = pd.Series("", index=range(len(leads)))
for rule_id, _, matched in fit_rules:
    fired = fired + np.where(matched, rule_id + ";", "")
for rule_id, points in engagement_rules:
    fired = fired + np.where(points != 0, rule_id + ";", "")
for rule_id, _, matched in overrides:
    fired = fired + np.where(matched, rule_id + ";", "")
fired = fired.str.rstrip(";")


# --- Write (§6.1) ------------------------------------------------------------------------------
def fmt_number(values):
    """No trailing .0, at most two decimals."""
    return pd.Series(values).map("{:.2f}".format).str.rstrip("0").str.rstrip(".")


def text_cell(values):
    """A text cell: an apostrophe before each piece (after `,` or `;`) that starts with a formula
    trigger, then quoted when it holds `,`, `;` or `"` (no control characters in these files)."""
    values = pd.Series(values).str.replace(r'(^|[,;])("*)([=+@-])', r"\1'\2\3", regex=True)
    needs_quotes = values.str.contains(r'[,;"]', regex=True)
    return values.where(~needs_quotes, '"' + values.str.replace('"', '""', regex=False) + '"')


# The cells are written as they are (quoted above where §6.1 quotes), one line per lead.
lines = (
    text_cell(lead_ids.reset_index(drop=True))
    + "," + fmt_number(fit) + "," + fmt_number(engagement) + "," + fmt_number(score)
    + "," + pd.Series(status) + "," + grade + "," + text_cell(fired)
)
with open(out_path, "w", encoding="utf-8", newline="") as file:
    file.write("id,fit,engagement,score,status,grade,fired_rules\n")
    file.write("\n".join(lines))
    file.write("\n")
print(f"pandas score: {time.perf_counter() - started:.3f} s", file=sys.stderr)

"""mql-studio's joint fit (`mql-studio fit`) against scikit-learn and a known logistic truth.

    python benches/fit_compare.py [--leads 50000] [--data-seed 7] [--mql PATH] [--out DIR]

1. `mql-studio generate --truth logistic` writes leads whose chance to reach SQL is known:

       P(reach SQL) = sigmoid(b0 + Σ_k β_k · x_k)

   with x_k the contribution of rule k of models/default.ron in the rule's own unit, as the
   scorer counts it (a fit rule: 1 when it matches; an engagement rule: its events in the window,
   decayed where the rule decays, counted per occurrence up to cap / points, once, or "at least
   n"), b0 = LOGISTIC_INTERCEPT and β_k from LOGISTIC_TRUTH in src/generate/truth.rs (read from
   there by this script). Competitors and customers never convert; a demo request within 30 days
   (the model's fast track) adds 1.5 to the log-odds. The true probability is the leads column
   `True SQL Probability`.
2. `mql-studio fit --model models/default.ron … --holdout 0.3 --seed 42` fits every rule's
   points jointly on the 70 % training part and writes the design (`--design-out`: each lead's
   units per rule, its split and outcome) and its numbers (`--report-json`).
3. scikit-learn fits the same objective on the training rows of the design:
   `LogisticRegression(C=1/λ, l1_ratio=0 (L2), fit_intercept=True)` on the raw units, i.e.
   Σ log-loss + λ/2 ‖β‖² with the intercept unpenalised, λ the report's `penalty`.
4. `mql-studio score` scores every lead with the fitted model; the points model's holdout AUC is
   recomputed here from those scores and compared with the report's.

Prints the coefficients (truth, mql-studio, scikit-learn) and the holdout ROC AUCs of the truth,
scikit-learn, mql-studio's raw fitted log-odds and its points model (as scored: caps, floors,
rounding), and exits 1 when a tolerance below is broken.

The binary: --mql, else $MQL, else target/release/mql-studio (build it first with
`cargo build --release`). Needs numpy and scikit-learn (benches/fit_requirements.txt).
"""

import argparse
import csv
import json
import math
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

REPO = Path(__file__).resolve().parent.parent
MODEL = REPO / "models" / "default.ron"
TRUTH_SOURCE = REPO / "src" / "generate" / "truth.rs"
AS_OF = "2026-11-01"  # the generator's default last day of activity

# Tolerances (the "within a stated tolerance").
COEF_TOL = 1e-3  # |β_rust − β_sklearn| ≤ COEF_TOL · max(1, |β_sklearn|), intercept included
AUC_TOL = 0.01  # the points model's holdout AUC within this of the truth's and of sklearn's
LINEAR_AUC_TOL = 1e-4  # mql-studio's raw log-odds vs scikit-learn's (the same objective)
REPORT_TOL = 1e-9  # the report's AUCs vs the same AUCs recomputed here


def run(cmd):
    print("$ " + " ".join(str(c) for c in cmd), file=sys.stderr)
    result = subprocess.run([str(c) for c in cmd], capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result.stdout


def read_truth():
    """b0 and β per rule id, as src/generate/truth.rs states them."""
    text = TRUTH_SOURCE.read_text()
    intercept = float(re.search(r"LOGISTIC_INTERCEPT: f64 = (-?[0-9.]+);", text).group(1))
    betas = dict(
        re.findall(r'rule_id: "([^"]+)",.*?beta: (-?[0-9.]+),', text, flags=re.S)
    )
    return intercept, {k: float(v) for k, v in betas.items()}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--leads", type=int, default=50_000)
    parser.add_argument("--data-seed", type=int, default=7, help="the generator's seed")
    parser.add_argument("--holdout", type=float, default=0.3)
    parser.add_argument("--seed", type=int, default=42, help="the holdout split's seed")
    parser.add_argument("--target-rate", type=float, help="passed on to `fit`")
    parser.add_argument("--mql", default=os.environ.get("MQL", REPO / "target/release/mql-studio"))
    parser.add_argument("--out", help="where the files go (default: a new temporary directory)")
    args = parser.parse_args()

    mql = Path(args.mql)
    if not mql.exists():
        sys.exit(f"{mql} not found: run `cargo build --release` or pass --mql")
    out = Path(args.out or tempfile.mkdtemp(prefix="fit-compare-"))
    out.mkdir(parents=True, exist_ok=True)
    data = out / "data"

    run([mql, "generate", "--truth", "logistic", "--leads", args.leads,
         "--seed", args.data_seed, "--as-of", AS_OF, "--out-dir", data])
    fit_stdout = run([mql, "fit", "--model", MODEL, "--leads", data / "leads.csv",
                      "--events", data / "events.csv", "--as-of", AS_OF,
                      "--holdout", args.holdout, "--seed", args.seed,
                      "--out", out / "fitted.ron", "--design-out", out / "design.csv",
                      "--report-json", out / "report.json"]
                     + (["--target-rate", args.target_rate] if args.target_rate else []))
    (out / "fit.txt").write_text(fit_stdout)
    run([mql, "score", "--model", out / "fitted.ron", "--leads", data / "leads.csv",
         "--events", data / "events.csv", "--as-of", AS_OF, "--out", out / "scored.csv"])
    report = json.loads((out / "report.json").read_text())

    # --- The design, the truth and the scores ----------------------------------------------------
    with open(out / "design.csv", newline="") as f:
        rows = list(csv.reader(f))
    header, rows = rows[0], rows[1:]
    rule_ids = header[3:]
    ids = [r[0] for r in rows]
    holdout = np.array([r[1] == "holdout" for r in rows])
    y = np.array([int(r[2]) for r in rows])
    X = np.array([[float(v) for v in r[3:]] for r in rows])
    train = ~holdout

    with open(data / "leads.csv", newline="") as f:
        truth_p = {r["Lead ID"]: float(r["True SQL Probability"]) for r in csv.DictReader(f)}
    p_true = np.array([truth_p[i] for i in ids])
    with open(out / "scored.csv", newline="") as f:
        scored = {r["id"]: (float(r["score"]), r["status"]) for r in csv.DictReader(f)}
    points = np.array([scored[i][0] for i in ids])
    # Design rows are the leads no override decides: none is fast-tracked or disqualified.
    decided = {scored[i][1] for i in ids if "fast" in scored[i][1] or "disq" in scored[i][1]}
    if decided:
        sys.exit(f"design rows with an override's status: {decided}")

    # --- scikit-learn on the training rows ---------------------------------------------------------
    penalty = report["penalty"]
    sk = LogisticRegression(C=1.0 / penalty, l1_ratio=0.0, fit_intercept=True, solver="lbfgs",
                            tol=1e-12, max_iter=100_000)
    sk.fit(X[train], y[train])
    sk_coef = dict(zip(rule_ids, sk.coef_[0]))
    rust_coef = report["coefficients"]
    b0_true, beta_true = read_truth()

    rust_linear = report["intercept"] + X @ np.array([rust_coef[r] for r in rule_ids])
    auc = {
        "truth (True SQL Probability)": roc_auc_score(y[holdout], p_true[holdout]),
        "scikit-learn (log-odds)": roc_auc_score(y[holdout], sk.decision_function(X[holdout])),
        "mql-studio, raw fitted log-odds": roc_auc_score(y[holdout], rust_linear[holdout]),
        "mql-studio, points model as scored": roc_auc_score(y[holdout], points[holdout]),
    }

    # --- The table ---------------------------------------------------------------------------------
    failures = []
    print(f"{args.leads} generated leads (seed {args.data_seed}); design {len(rows)} leads "
          f"({train.sum()} train, {holdout.sum()} holdout), base rate {y.mean():.3f}; "
          f"λ = {penalty}; {report.get('points_per_logit', float('nan')):.3f} points per logit")
    print()
    print(f"{'coefficient':<24} {'truth':>8} {'mql-studio':>12} {'scikit-learn':>13} {'|diff|':>10}")
    worst = 0.0
    for name, truth, rust, skl in [("(intercept)", b0_true, report["intercept"], sk.intercept_[0])] + [
        (r, beta_true.get(r, math.nan), rust_coef[r], sk_coef[r]) for r in rule_ids
    ]:
        diff = abs(rust - skl)
        worst = max(worst, diff / max(1.0, abs(skl)))
        flag = ""
        if diff > COEF_TOL * max(1.0, abs(skl)):
            flag = "  <- over tolerance"
            failures.append(f"coefficient {name}: mql-studio {rust:.6f}, scikit-learn {skl:.6f}")
        print(f"{name:<24} {truth:>8.3f} {rust:>12.6f} {skl:>13.6f} {diff:>10.2e}{flag}")
    print(f"max relative coefficient difference {worst:.2e} (tolerance {COEF_TOL:g})")
    print()
    print(f"{'holdout ROC AUC':<38} {'AUC':>7}")
    for name, value in auc.items():
        print(f"{name:<38} {value:>7.4f}")
    print(f"(the report: points {report['holdout_auc']:.4f}, raw log-odds "
          f"{report['holdout_auc_linear']:.4f}, the model before the fit "
          f"{report.get('holdout_auc_before') or math.nan:.4f}; threshold {report.get('threshold')})")

    truth_auc = auc["truth (True SQL Probability)"]
    sk_auc = auc["scikit-learn (log-odds)"]
    points_auc = auc["mql-studio, points model as scored"]
    linear_auc = auc["mql-studio, raw fitted log-odds"]
    checks = [
        ("points model vs truth", points_auc, truth_auc, AUC_TOL),
        ("points model vs scikit-learn", points_auc, sk_auc, AUC_TOL),
        ("raw log-odds vs truth", linear_auc, truth_auc, AUC_TOL),
        ("raw log-odds vs scikit-learn", linear_auc, sk_auc, LINEAR_AUC_TOL),
        ("report's points AUC vs recomputed", report["holdout_auc"], points_auc, REPORT_TOL),
        ("report's raw AUC vs recomputed", report["holdout_auc_linear"], linear_auc, REPORT_TOL),
    ]
    print()
    for name, a, b, tol in checks:
        ok = abs(a - b) <= tol
        print(f"{'ok  ' if ok else 'FAIL'} {name}: |{a:.4f} − {b:.4f}| = {abs(a - b):.2e} "
              f"(tolerance {tol:g})")
        if not ok:
            failures.append(name)
    if report["holdout_leads"] != int(holdout.sum()):
        failures.append(f"report holdout_leads {report['holdout_leads']} != {holdout.sum()}")
    print(f"\nThe figures tests/fit_truth.rs stores when it is these data (--leads {args.leads} "
          f"--data-seed {args.data_seed} --holdout {args.holdout} --seed {args.seed}):")
    print(f"const TRUTH_AUC: f64 = {truth_auc:.6f};")
    print(f"const SKLEARN_AUC: f64 = {sk_auc:.6f};")
    print(f"const POINTS_AUC: f64 = {points_auc:.6f};")
    print(f"const BEFORE_AUC: f64 = {report.get('holdout_auc_before') or math.nan:.6f};")
    print(f"const SKLEARN_INTERCEPT: f64 = {sk.intercept_[0]:.6f};")
    print("const SKLEARN_COEFFICIENTS: &[(&str, f64)] = &[")
    for r in rule_ids:
        print(f'    ("{r}", {sk_coef[r]:.6f}),')
    print("];")
    print(f"const HOLDOUT_LEADS: usize = {int(holdout.sum())};")
    print(f"\nfiles in {out}")
    if failures:
        print("FAILED: " + "; ".join(failures), file=sys.stderr)
        return 1
    print("all within tolerance")
    return 0


if __name__ == "__main__":
    sys.exit(main())

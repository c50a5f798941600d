#!/usr/bin/python3
"""Kiln's reference models against scikit-learn on exactly Kiln's folds.

Reads what io.kiln.examples.bench.ReferenceParity wrote (per table: <name>.json with the data file,
its columns and Kiln's per-fold reference scores, and <name>.folds.csv with the fold of every data
row), runs scikit-learn on the same rows of the same file, fold by fold, and prints a Markdown table
of fold means (docs/benchmarks.md, "Reference models against scikit-learn"). Not a test.

Models (preprocessing fitted on the training folds only, as Kiln's: mean imputation, standardization):
  linear, primary:   SimpleImputer(mean) + StandardScaler + LogisticRegression(max_iter=10000), C = 1
                     (regression: LinearRegression)
  linear, diagnosis: LogisticRegression with C = 1 / (1e-4 * training rows), the penalty Kiln's
                     logistic regression had before (L2 1e-4 on the mean loss); regression: Ridge(1)
  trees, primary:    HistGradientBoostingClassifier/Regressor with scikit-learn's defaults
                     (100 iterations, learning rate 0.1, 31 leaves, min_samples_leaf 20, no L2, no
                     early stopping below 10,000 rows)
  trees, diagnosis:  where the spec stops early, Kiln's trees train without a tenth of the fold's
                     training rows and keep the round of lowest loss on that tenth (patience 20, as the
                     network's fold; <name>.watched.csv); "stopped like Kiln" does the same with
                     scikit-learn's defaults (staged predictions on those rows).
                     "set like Kiln's XGBoost before": 200 iterations, max_depth 6, no leaf limit,
                     min_samples_leaf 1, l2_regularization 1 (stopped like Kiln where it stops).

Usage: reference_parity.py [DIR] [--tolerance 0.01]
"""
import csv
import json
import math
import os
import sys
import time

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LinearRegression, LogisticRegression, Ridge
from sklearn.metrics import accuracy_score, log_loss, mean_absolute_error, r2_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

OLD_KILN_L2 = 1e-4       # References.L2 of logistic regression before it became 1 / rows
OLD_XGB_ROUNDS = 200     # BoostedTrees.ROUNDS before
XGB_PATIENCE = 20        # BoostedTrees.PATIENCE


def read_table(meta, folds_csv):
    """The feature matrix (NaN for missing cells), targets, folds and file lines of the data rows."""
    missing = set(meta["missing"]) | {""}
    delim = meta["delimiter"]
    with open(meta["file"], newline="", encoding="utf-8") as f:
        lines = f.read().splitlines()
    records = []  # (1-based line, cells)
    for i, line in enumerate(lines):
        if line.strip() == "":
            continue
        records.append((i + 1, next(csv.reader([line], delimiter=delim))))
    if meta["header"]:
        header = [c.strip() for c in records[0][1]]
        records = records[1:]
        cols = [header.index(c) for c in meta["features"]]
        label = header.index(meta["label"])
    else:
        cols = list(range(len(meta["features"])))
        label = len(meta["features"])
    x = np.array([[math.nan if r[1][c].strip() in missing else float(r[1][c]) for c in cols] for r in records])
    cells = [r[1][label].strip() for r in records]
    coding = meta["label_coding"]
    if coding == "INDEX":
        y = np.array([int(float(c)) for c in cells])
    elif coding == "NAME":
        y = np.array([meta["classes"].index(c) for c in cells])
    else:
        y = np.array([float(c) for c in cells])
    with open(folds_csv, newline="") as f:
        rows = list(csv.DictReader(f))
    if len(rows) != len(records):
        sys.exit(f"{meta['name']}: Kiln read {len(rows)} rows, the file has {len(records)}")
    fold = np.array([int(r["fold"]) for r in rows])
    kiln_y = np.array([float(r["target"]) for r in rows])
    kiln_lines = np.array([int(r["line"]) for r in rows])
    if not np.allclose(kiln_y, y):
        sys.exit(f"{meta['name']}: targets differ from Kiln's")
    if not np.array_equal(kiln_lines, np.array([r[0] for r in records])):
        sys.exit(f"{meta['name']}: Kiln's data rows are not the file's records in order")
    return x, y, fold


def early_stopped(model, x_watch, y_watch, x_held, classification):
    """Kiln's rule (BoostedTrees): the round of lowest loss on the watched rows, stopping PATIENCE rounds
    after it; the held-out rows predicted at that round."""
    best, best_loss = 0, math.inf
    staged = model.staged_predict_proba(x_watch) if classification else model.staged_predict(x_watch)
    for i, out in enumerate(staged):
        if classification:
            loss = log_loss(y_watch, out, labels=model.classes_)
        else:
            loss = math.sqrt(np.mean((out - y_watch) ** 2))
        if loss < best_loss:
            best_loss, best = loss, i + 1
        elif i + 1 - best >= XGB_PATIENCE:
            break
    held = model.staged_predict_proba(x_held) if classification else model.staged_predict(x_held)
    for i, out in enumerate(held):
        if i + 1 == max(1, best):
            return model.classes_[np.argmax(out, axis=1)] if classification else out
    raise RuntimeError("no round " + str(best))


def read_watched(path, n):
    """Per fold, a mask of the rows Kiln's fold stops on (empty when the spec does not stop early)."""
    watched = {}
    if not os.path.exists(path):
        return watched
    with open(path) as f:
        next(f)
        for line in f:
            fold, row = (int(v) for v in line.split(","))
            watched.setdefault(fold, np.zeros(n, dtype=bool))[row] = True
    return watched


def sklearn_folds(meta, x, y, fold, watched):
    """Per model, per fold: the metrics of scikit-learn's models on Kiln's folds."""
    classification = meta["task"] in ("BINARY_CLASSIFICATION", "MULTICLASS_CLASSIFICATION")
    seed = meta["seed"]
    stopping = meta["early_stopping"]
    scores = {}
    times = {}
    for f in range(meta["k"]):
        train, held = fold != f, fold == f
        n = int(train.sum())
        hgb = HistGradientBoostingClassifier if classification else HistGradientBoostingRegressor
        old = dict(max_iter=OLD_XGB_ROUNDS, learning_rate=0.1, max_depth=6, max_leaf_nodes=None,
                   min_samples_leaf=1, l2_regularization=1.0, early_stopping=False, random_state=seed)
        if classification:
            models = {
                "linear": LogisticRegression(max_iter=10000),
                "linear, old L2": LogisticRegression(C=1.0 / (OLD_KILN_L2 * n), max_iter=10000),
            }
        else:
            models = {"linear": LinearRegression(), "linear, Ridge": Ridge(alpha=1.0)}
        models["trees"] = hgb(random_state=seed)
        if stopping:
            models["trees, stopped like Kiln"] = hgb(random_state=seed)
        models["trees, set like Kiln's XGBoost before"] = hgb(**old)
        for name, model in models.items():
            t0 = time.perf_counter()
            pipe = make_pipeline(SimpleImputer(strategy="mean"), StandardScaler(), model)
            stopped = stopping and name != "trees" and name.startswith("trees")
            # stopped like Kiln: trained without the fold's watched rows, the round chosen on them
            fit_rows = train & ~watched[f] if stopped else train
            pipe.fit(x[fit_rows], y[fit_rows])
            if stopped:
                prep = pipe[:-1]
                pred = early_stopped(model, prep.transform(x[watched[f]]), y[watched[f]], prep.transform(x[held]),
                                     classification)
            else:
                pred = pipe.predict(x[held])
            times[name] = times.get(name, 0.0) + time.perf_counter() - t0
            if classification:
                m = {"accuracy": accuracy_score(y[held], pred)}
            else:
                m = {"r2": r2_score(y[held], pred), "mae": mean_absolute_error(y[held], pred)}
            scores.setdefault(name, []).append(m)
    return scores, times


def mean_std(values):
    v = np.array(values, dtype=float)
    return v.mean(), (v.std(ddof=1) if len(v) > 1 else 0.0)  # Kiln's std: over folds, n - 1


def main():
    args = sys.argv[1:]
    tolerance = 0.01
    if "--tolerance" in args:
        i = args.index("--tolerance")
        tolerance = float(args[i + 1])
        del args[i:i + 2]
    out = args[0] if args else "examples/target/bench-references"
    with open(os.path.join(out, "tables.txt")) as f:
        tables = [t.strip() for t in f if t.strip()]
    import sklearn
    print(f"scikit-learn {sklearn.__version__}, numpy {np.__version__}; Kiln's folds from {out}\n")
    header = ("| table | rows × features | model | metric | Kiln mean ± std | scikit-learn model | "
              "scikit-learn mean ± std | difference | within {:g}? |".format(tolerance))
    print(header)
    print("|---|---|---|---|---|---|---|---|---|")
    failures = []
    results = {}
    for name in tables:
        with open(os.path.join(out, name + ".json"), encoding="utf-8") as f:
            meta = json.load(f)
        x, y, fold = read_table(meta, os.path.join(out, name + ".folds.csv"))
        classification = meta["task"] in ("BINARY_CLASSIFICATION", "MULTICLASS_CLASSIFICATION")
        metrics = ["accuracy"] if classification else ["r2", "mae"]
        watched = read_watched(os.path.join(out, name + ".watched.csv"), x.shape[0])
        ours, _ = sklearn_folds(meta, x, y, fold, watched)
        results[name] = (meta, ours)
        linear = "logistic regression" if classification else "linear regression"
        size = f"{x.shape[0]} × {x.shape[1]}"
        for kiln_name, key in ((linear, "linear"), ("gradient-boosted trees", "trees")):
            kfolds = meta["kiln"][kiln_name]["folds"]
            for sk_name in [n for n in ours if n == key or n.startswith(key + ",")]:
                for metric in metrics:
                    km, ks = mean_std([fo[metric] for fo in kfolds])
                    sm, ss = mean_std([fo[metric] for fo in ours[sk_name]])
                    diff = km - sm
                    # MAE is in the target's units: the 0.01 bar is for accuracy and R²
                    bar = metric != "mae"
                    ok = abs(diff) <= tolerance + 1e-12
                    primary = sk_name == key
                    verdict = ("**yes**" if ok else "**no**") if bar and primary else (
                        ("yes" if ok else "no") if bar else "—")
                    print(f"| {name} | {size} | Kiln {kiln_name} | {metric} | {km:.4f} ± {ks:.4f} | "
                          f"{describe(sk_name, classification)} | {sm:.4f} ± {ss:.4f} | {diff:+.4f} | {verdict} |")
                    if bar and primary and not ok:
                        failures.append(f"{name} {kiln_name} {metric} {diff:+.4f}")
    print()
    print("Per fold (Kiln − scikit-learn, primary models):")
    for name in tables:
        meta, ours = results[name]
        classification = meta["task"] in ("BINARY_CLASSIFICATION", "MULTICLASS_CLASSIFICATION")
        metric = "accuracy" if classification else "r2"
        linear = "logistic regression" if classification else "linear regression"
        for kiln_name, key in ((linear, "linear"), ("gradient-boosted trees", "trees")):
            k = [fo[metric] for fo in meta["kiln"][kiln_name]["folds"]]
            s = [fo[metric] for fo in ours[key]]
            print(f"  {name:16s} {kiln_name:23s} {metric:8s} Kiln " + " ".join(f"{v:.4f}" for v in k)
                  + " | sklearn " + " ".join(f"{v:.4f}" for v in s))
    print()
    if failures:
        print(f"outside {tolerance:g} (Kiln against scikit-learn's default models): " + "; ".join(failures))
    else:
        print(f"every table within {tolerance:g} of scikit-learn's default models")
    return 0


def describe(sk_name, classification):
    hgb = "HistGradientBoostingClassifier" if classification else "HistGradientBoostingRegressor"
    return {
        "linear": "LogisticRegression (C = 1)" if classification else "LinearRegression",
        "linear, old L2": "LogisticRegression, C = 1 / (1e-4 · n) (Kiln's L2 before)",
        "linear, Ridge": "Ridge (alpha = 1)",
        "trees": hgb + " (defaults)",
        "trees, stopped like Kiln": hgb + " (defaults), stopped like Kiln on the rows its fold sets aside",
        "trees, set like Kiln's XGBoost before": hgb + " set like Kiln's XGBoost before",
    }[sk_name]


if __name__ == "__main__":
    sys.exit(main())

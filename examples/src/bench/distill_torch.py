#!/usr/bin/python3
"""Kiln's distillation benchmark in PyTorch, on exactly Kiln's splits.

Reads the splits io.kiln.examples.bench.distill.DistillBench wrote (target/bench-distill/split-S.txt:
the training rows, then the test rows, 0-based data rows of the bundled digits.csv) and runs the same
experiment: pixels standardized on the training rows (a constant pixel keeps scale 1, as Kiln's), the
teacher MLP 64-256-256-10 (ReLU, Adam 1e-3, batch 32, 50 epochs), the student 64-16-10 distilled from
it (T = 4, alpha = 0.5: alpha * T^2 * CE(q_T, p_T) + (1 - alpha) * CE(y, p)) and the same student on the
labels alone, for 50 and 200 student epochs. Weights start from PyTorch's defaults (Kiln's from
DL4J's Xavier), so the two agree in distribution, not run for run. Prints a Markdown table
(docs/benchmarks.md, "Distillation and ensembles"). Not a test.

Usage: distill_torch.py [DIR] [DATA]
"""
import csv
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

DIR = sys.argv[1] if len(sys.argv) > 1 else "target/bench-distill"
DATA = sys.argv[2] if len(sys.argv) > 2 else "src/main/resources/io/kiln/examples/digits/digits.csv"
T, ALPHA = 4.0, 0.5
torch.set_num_threads(2)


def read(path):
    with open(path) as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    label = header.index("label")
    x = np.array([[float(v) for i, v in enumerate(r) if i != label] for r in body], dtype=np.float32)
    y = np.array([int(r[label]) for r in body])
    return x, y


def mlp(*sizes):
    layers = []
    for a, b in zip(sizes, sizes[1:]):
        layers += [torch.nn.Linear(a, b), torch.nn.ReLU()]
    return torch.nn.Sequential(*layers[:-1])


def train(model, x, y, epochs, seed, soft=None):
    g = torch.Generator().manual_seed(seed)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    n = len(x)
    for _ in range(epochs):
        order = torch.randperm(n, generator=g)
        for i in range(0, n, 32):
            idx = order[i:i + 32]
            z = model(x[idx])
            hard = F.cross_entropy(z, y[idx])
            if soft is None:
                loss = hard
            else:
                log_pt = F.log_softmax(z / T, dim=1)
                loss = ALPHA * T * T * -(soft[idx] * log_pt).sum(1).mean() + (1 - ALPHA) * hard
            opt.zero_grad()
            loss.backward()
            opt.step()
    return model


def score(model, x, y):
    with torch.no_grad():
        p = F.softmax(model(x), dim=1)
    acc = (p.argmax(1) == y).float().mean().item()
    ll = F.nll_loss(torch.log(p.clamp_min(1e-15)), y).item()
    return acc, ll


def main():
    x_all, y_all = read(DATA)
    results = {}
    splits = sorted(f for f in os.listdir(DIR) if f.startswith("split-"))
    started = time.time()
    for name in splits:
        seed = int(name[len("split-"):-len(".txt")])
        with open(os.path.join(DIR, name)) as f:
            train_rows = np.array([int(v) for v in f.readline().split()])
            test_rows = np.array([int(v) for v in f.readline().split()])
        mean = x_all[train_rows].mean(0)
        std = x_all[train_rows].std(0)
        std[std == 0] = 1
        x = torch.tensor((x_all - mean) / std)
        y = torch.tensor(y_all)
        xt, yt, xs, ys = x[train_rows], y[train_rows], x[test_rows], y[test_rows]
        torch.manual_seed(seed)
        teacher = train(mlp(64, 256, 256, 10), xt, yt, 50, seed)
        with torch.no_grad():
            soft = F.softmax(teacher(xt) / T, dim=1)
        for epochs in (50, 200):
            results.setdefault(f"{epochs} epochs: teacher", []).append(score(teacher, xs, ys))
            torch.manual_seed(seed)
            student = train(mlp(64, 16, 10), xt, yt, epochs, seed, soft)
            results.setdefault(f"{epochs} epochs: student", []).append(score(student, xs, ys))
            torch.manual_seed(seed)
            hard = train(mlp(64, 16, 10), xt, yt, epochs, seed)
            results.setdefault(f"{epochs} epochs: hard-only student", []).append(score(hard, xs, ys))
        print(f"seed {seed} done ({time.time() - started:.0f} s)", file=sys.stderr)

    def ms(v):
        return f"{np.mean(v):.4f} ± {np.std(v, ddof=1) if len(v) > 1 else 0:.4f}"

    print(f"PyTorch {torch.__version__}, {len(splits)} seeds, {time.time() - started:.0f} s in all")
    print("| model (PyTorch) | test accuracy | test log loss |")
    print("|---|---|---|")
    for k, v in results.items():
        print(f"| {k} | {ms([a for a, _ in v])} | {ms([l for _, l in v])} |")
    print()
    print("| paired difference (per seed) | mean ± std | seeds better |")
    print("|---|---|---|")
    for epochs in (50, 200):
        a = [s[0] for s in results[f"{epochs} epochs: student"]]
        b = [s[0] for s in results[f"{epochs} epochs: hard-only student"]]
        d = np.array(a) - np.array(b)
        print(f"| {epochs} epochs: student − hard-only student | {d.mean():+.4f} ± "
              f"{d.std(ddof=1) if len(d) > 1 else 0:.4f} | {int((d > 0).sum())} of {len(d)} |")


if __name__ == "__main__":
    main()

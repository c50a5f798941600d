"""The Fashion-MNIST stream of LearnBench in PyTorch: the same first rows, the same 24 batches, the same
phase test sets (the CSV files the Java run wrote to target/bench-learn/), the same MLP (784-128-10, ReLU,
Adam 1e-3, batch 64, pixels standardized on the first model's rows; a fine-tuned challenger goes on with
its champion's weights and Adam state) and the same policies, with the same rules: each batch scored before it is learnt from; every 1,000 rows a challenger trained on the selected
rows (the last 250 held out) replaces the champion only if it is more accurate on those 250.

Run from examples/ after the Java run: /usr/bin/python3 src/bench/learn_torch.py
"""
import csv
import random
import sys
import time

import numpy as np
import torch
from torch import nn

DIR = "target/bench-learn/"
torch.set_num_threads(1)


def read(name):
    with open(DIR + name) as f:
        rows = list(csv.reader(f))[1:]
    a = np.array(rows, dtype=np.float32)
    return a[:, :-1], a[:, -1].astype(np.int64)


def network(seed):
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))


class Model:
    def __init__(self, net, mean, std):
        self.net, self.mean, self.std = net, mean, std
        self.opt = None

    def accuracy(self, x, y):
        with torch.no_grad():
            out = self.net(torch.from_numpy((x - self.mean) / self.std))
        return float((out.argmax(1).numpy() == y).mean())


def fit(model, x, y, epochs, seed, optimizer=None):
    opt = torch.optim.Adam(model.net.parameters(), lr=1e-3)
    if optimizer is not None:  # a warm start goes on with the parent's moment estimates
        opt.load_state_dict(optimizer.state_dict())
    model.opt = opt
    g = torch.Generator().manual_seed(seed)
    xs = torch.from_numpy((x - model.mean) / model.std)
    ys = torch.from_numpy(y)
    loss = nn.CrossEntropyLoss()
    for _ in range(epochs):
        order = torch.randperm(len(xs), generator=g)
        for i in range(0, len(xs), 64):
            b = order[i:i + 64]
            opt.zero_grad()
            loss(model.net(xs[b]), ys[b]).backward()
            opt.step()
    return opt


def scaled(x):
    mean = x.mean(0)
    std = x.std(0)
    std[std == 0] = 1
    return mean, std


def run(policy, first_x, first_y, batches, tests, seed=42):
    mean, std = scaled(first_x)
    champion = Model(network(seed), mean, std)
    fit(champion, first_x, first_y, 5, seed)
    kept_x, kept_y = [first_x], [first_y]
    last = len(first_x)  # the first row a retraining on new rows takes: the last one's acceptance window
    scores, champions = [], [champion]
    retrains = accepted = 0
    for n, (x, y) in enumerate(batches, 1):
        scores.append(champion.accuracy(x, y))
        kept_x.append(x)
        kept_y.append(y)
        if policy == "static" or n % 2:
            continue
        all_x, all_y = np.concatenate(kept_x), np.concatenate(kept_y)
        ax, ay = all_x[-250:], all_y[-250:]
        cx, cy = all_x[:-250], all_y[:-250]
        rng = random.Random(seed * 7919 + retrains)
        if policy == "scratch, all rows":
            m, s = scaled(cx)
            challenger = Model(network(seed + retrains + 1), m, s)
            fit(challenger, cx, cy, 5, seed + retrains + 1)
        else:
            new_x, new_y = cx[last:], cy[last:]  # since the last retraining's acceptance window, outside this one
            if policy == "fine-tune, new + replay" and last > 0:
                k = min(last, round(0.5 * len(new_x)))
                pick = rng.sample(range(last), k)
                new_x = np.concatenate([cx[pick], new_x])
                new_y = np.concatenate([cy[pick], new_y])
            challenger = Model(network(0), champion.mean, champion.std)
            challenger.net.load_state_dict(champion.net.state_dict())
            fit(challenger, new_x, new_y, 3, seed + retrains + 1, champion.opt)
        retrains += 1
        last = len(all_x) - 250
        if challenger.accuracy(ax, ay) > champion.accuracy(ax, ay):
            champion = challenger
            champions.append(challenger)
            accepted += 1
    final = [champion.accuracy(x, y) for x, y in tests]
    forgetting = [max(c.accuracy(x, y) for c in champions) - f for (x, y), f in zip(tests, final)]
    return scores, final, forgetting, retrains, accepted


def main():
    first_x, first_y = read("fashion-initial.csv")
    batches = [read("fashion-inbox/batch-%02d.csv" % b) for b in range(1, 25)]
    tests = [read("fashion-test-%s.csv" % p) for p in "ABC"]
    print("| policy (PyTorch) | mean prequential | final on A | final on B | final on C | forgetting A | "
          "forgetting B | forgetting C | retrainings (accepted) | seconds |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    curves = {}
    for policy in ["static", "scratch, all rows", "fine-tune, new rows", "fine-tune, new + replay"]:
        t0 = time.perf_counter()
        scores, final, forgetting, retrains, accepted = run(policy, first_x, first_y, batches, tests)
        seconds = time.perf_counter() - t0  # the first model's training included
        curves[policy] = scores
        print("| %s | %.4f | %s | %s | %d (%d) | %.1f |" % (policy, float(np.mean(scores)),
              " | ".join("%.4f" % f for f in final), " | ".join("%.4f" % f for f in forgetting), retrains, accepted,
              seconds))
    print()
    for policy, scores in curves.items():
        print("  %-24s %s" % (policy, " ".join("%.3f" % s for s in scores)))


if __name__ == "__main__":
    sys.exit(main())

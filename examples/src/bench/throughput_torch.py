#!/usr/bin/python3
"""The digits MLP of Kiln's throughput benchmark in PyTorch and scikit-learn, one thread each.

The same network and settings as ThroughputChild: 64-64-10, ReLU, softmax with cross-entropy, Adam
1e-3, batch 32, on 60% of the bundled digits rows (Kiln's 0.2 / 0.2 holdout keeps the same count),
features standardized on those rows, reshuffled every epoch; PyTorch also scores the 20% validation
rows every epoch (loss and accuracy), as Kiln's trainer does. The first 3 epochs warm up and are not
timed. Prints one line per trainer: "mode=torch samples_per_s=..." and "mode=sklearn samples_per_s=...".
Run by io.kiln.examples.bench.SpeedBench, interleaved with Kiln's runs. Not a test.

Usage: throughput_torch.py EPOCHS [CSV]
"""
import sys
import time
import warnings

import numpy as np
import torch
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier

torch.set_num_threads(1)
warnings.filterwarnings("ignore", category=ConvergenceWarning)

epochs = int(sys.argv[1]) if len(sys.argv) > 1 else 50
path = sys.argv[2] if len(sys.argv) > 2 else "src/main/resources/io/kiln/examples/digits/digits.csv"
data = np.genfromtxt(path, delimiter=",", skip_header=1)
x, y = data[:, :-1].astype(np.float32), data[:, -1].astype(np.int64)
rng = np.random.default_rng(42)
order = rng.permutation(len(x))
n_train = int(round(len(x) * 0.6))
n_val = int(round(len(x) * 0.2))
train, val = order[:n_train], order[n_train:n_train + n_val]
mean, std = x[train].mean(0), x[train].std(0)
std[std == 0] = 1
xs = (x - mean) / std
warmup = 3

# PyTorch: tensor slicing of a reshuffled copy each epoch
torch.manual_seed(42)
xt, yt = torch.from_numpy(xs[train]), torch.from_numpy(y[train])
xv, yv = torch.from_numpy(xs[val]), torch.from_numpy(y[val])
model = torch.nn.Sequential(torch.nn.Linear(64, 64), torch.nn.ReLU(), torch.nn.Linear(64, 10))
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
loss_fn = torch.nn.CrossEntropyLoss()
timed = 0.0
for epoch in range(epochs + warmup):
    started = time.perf_counter()
    perm = torch.randperm(len(xt))
    xe, ye = xt[perm], yt[perm]
    for i in range(0, len(xe), 32):
        optimizer.zero_grad()
        loss = loss_fn(model(xe[i:i + 32]), ye[i:i + 32])
        loss.backward()
        optimizer.step()
    with torch.no_grad():
        out = model(xv)
        val_loss = loss_fn(out, yv).item()
        val_acc = (out.argmax(1) == yv).float().mean().item()
    if epoch >= warmup:
        timed += time.perf_counter() - started
print(f"mode=torch samples_per_s={len(xt) * epochs / timed:.0f} val_accuracy={val_acc:.4f}")

# scikit-learn: its own loop, no validation
clf = MLPClassifier(hidden_layer_sizes=(64,), batch_size=32, learning_rate_init=1e-3, max_iter=epochs,
                    random_state=42, shuffle=True)
started = time.perf_counter()
clf.fit(xs[train], y[train])  # n_iter_: the epochs it ran (it may stop early on a flat loss)
seconds = time.perf_counter() - started
print(f"mode=sklearn samples_per_s={len(train) * clf.n_iter_ / seconds:.0f} "
      f"val_accuracy={clf.score(xs[val], y[val]):.4f}")

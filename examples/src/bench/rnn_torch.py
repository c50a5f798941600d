#!/usr/bin/python3
"""The examples' sunspots LSTM in PyTorch, one thread, for Kiln's recurrent speed benchmark.

The same network and settings as io.kiln.examples.sunspots.SunspotsLstm: windows of the 22 years
before as one-feature sequences, an LSTM of 32 units (tanh) whose last step feeds a linear output,
mean squared error, Adam 0.005, batch 16, each layer's gradient clipped to L2 norm 1 (as DL4J's
ClipL2PerLayer); the first TRAIN windows train (the values standardized on them) and every epoch
scores the next VAL windows (loss, in one batch), as Kiln's trainer scores its validation rows.
The first epoch warms up; the next EPOCHS are timed. Prints "mode=torch rows_per_s=..." (training
rows per second of epoch time). Run by io.kiln.examples.bench.RnnSpeedBench, interleaved with
Kiln's runs. Not a test.

Usage: rnn_torch.py CSV TRAIN VAL EPOCHS
"""
import sys
import time

import numpy as np
import torch

torch.set_num_threads(1)
csv, train_rows, val_rows, epochs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
series = np.loadtxt(csv, delimiter=",", skiprows=1, usecols=1, dtype=np.float32)
window = 22
xs = np.stack([series[i:i + window] for i in range(len(series) - window)])
ys = series[window:].reshape(-1, 1)
mean, std = xs[:train_rows].mean(), xs[:train_rows].std()
xs = (xs - mean) / std
x = torch.from_numpy(xs[:train_rows]).unsqueeze(2)  # [batch, steps, 1]
y = torch.from_numpy(ys[:train_rows])
xv = torch.from_numpy(xs[train_rows:train_rows + val_rows]).unsqueeze(2)
yv = torch.from_numpy(ys[train_rows:train_rows + val_rows])


class Forecaster(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = torch.nn.LSTM(1, 32, batch_first=True)
        self.out = torch.nn.Linear(32, 1)

    def forward(self, v):
        h, _ = self.lstm(v)
        return self.out(h[:, -1, :])


torch.manual_seed(42)
model = Forecaster()
optimizer = torch.optim.Adam(model.parameters(), lr=0.005)
loss_fn = torch.nn.MSELoss()
timed = 0.0
for epoch in range(epochs + 1):
    started = time.perf_counter()
    model.train()
    perm = torch.randperm(len(x))
    xe, ye = x[perm], y[perm]
    for i in range(0, len(xe), 16):
        optimizer.zero_grad()
        loss = loss_fn(model(xe[i:i + 16]), ye[i:i + 16])
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.lstm.parameters(), 1.0)
        torch.nn.utils.clip_grad_norm_(model.out.parameters(), 1.0)
        optimizer.step()
    model.eval()
    with torch.no_grad():
        val_loss = loss_fn(model(xv), yv).item()
    if epoch >= 1:
        timed += time.perf_counter() - started
print("mode=torch rows_per_s=%.1f" % (train_rows * epochs / timed))

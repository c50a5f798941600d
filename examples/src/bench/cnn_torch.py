#!/usr/bin/python3
"""The examples' Fashion-MNIST CNN in PyTorch, one thread, for Kiln's CNN speed benchmark.

The same network and settings as io.kiln.examples.fashion.FashionCnn: 3x3 convolution to 32 maps
(ReLU), 2x2 max pooling, 3x3 convolution to 64 maps (ReLU), 2x2 max pooling, dropout 0.25, dense 128
(ReLU), dropout 0.5, softmax output with cross-entropy; Adam 1e-3, batch 128; on the first ROWS
images of the official training file, pixels standardized, and every epoch scores the next VAL
images (loss and accuracy, in batches of 256), as Kiln's trainer scores its validation rows. The
first epoch warms up; the next EPOCHS are timed. Prints "mode=torch rows_per_s=..." (training rows
per second of epoch time). Run by io.kiln.examples.bench.CnnSpeedBench, interleaved with Kiln's runs.
Not a test.

Usage: cnn_torch.py ROWS EPOCHS [VAL]
"""
import gzip
import sys
import time

import numpy as np
import torch

torch.set_num_threads(1)
rows = int(sys.argv[1]) if len(sys.argv) > 1 else 6000
epochs = int(sys.argv[2]) if len(sys.argv) > 2 else 2
val_rows = int(sys.argv[3]) if len(sys.argv) > 3 else 0
base = "/usr/share/datasets/fashion-mnist/"
with gzip.open(base + "train-images-idx3-ubyte.gz") as f:
    images = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 1, 28, 28)[:rows + val_rows].astype(np.float32)
with gzip.open(base + "train-labels-idx1-ubyte.gz") as f:
    labels = np.frombuffer(f.read(), np.uint8, offset=8)[:rows + val_rows].astype(np.int64)
images = (images - images[:rows].mean()) / images[:rows].std()
x, y = torch.from_numpy(images[:rows]), torch.from_numpy(labels[:rows])
xv, yv = torch.from_numpy(images[rows:]), torch.from_numpy(labels[rows:])

torch.manual_seed(42)
model = torch.nn.Sequential(
    torch.nn.Conv2d(1, 32, 3), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
    torch.nn.Conv2d(32, 64, 3), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
    torch.nn.Dropout(0.25), torch.nn.Flatten(),
    torch.nn.Linear(64 * 5 * 5, 128), torch.nn.ReLU(), torch.nn.Dropout(0.5),
    torch.nn.Linear(128, 10))
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
loss_fn = torch.nn.CrossEntropyLoss()
timed = 0.0
for epoch in range(epochs + 1):
    started = time.perf_counter()
    model.train()
    perm = torch.randperm(len(x))
    xe, ye = x[perm], y[perm]
    for i in range(0, len(xe), 128):
        optimizer.zero_grad()
        loss = loss_fn(model(xe[i:i + 128]), ye[i:i + 128])
        loss.backward()
        optimizer.step()
    if val_rows > 0:
        model.eval()
        with torch.no_grad():
            val_loss, correct = 0.0, 0
            for i in range(0, len(xv), 256):
                out = model(xv[i:i + 256])
                val_loss += loss_fn(out, yv[i:i + 256]).item() * len(out)
                correct += (out.argmax(1) == yv[i:i + 256]).sum().item()
    if epoch >= 1:
        timed += time.perf_counter() - started
print("mode=torch rows_per_s=%.1f" % (rows * epochs / timed))

"""Writes the Keras 2 HDF5 test model of the transfer tests, without Keras: an MLP 4-8-6-3 (ReLU,
ReLU, softmax) trained by scikit-learn on standardized iris, saved in the layout Keras 2's
model.save("m.h5") writes (model_config, model_weights/<layer>/<layer>/kernel:0 and bias:0), and the
file's own outputs on a few inputs, computed here with numpy, for the test to compare with.

Run with Debian's python3-sklearn and python3-h5py:
    python3 runtime/src/test/python/keras_iris_mlp.py
"""
import json
import os

import h5py
import numpy as np
from sklearn.neural_network import MLPClassifier

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "resources", "io", "kiln", "runtime", "keras")

data = np.loadtxt(os.path.join(HERE, "..", "resources", "io", "kiln", "runtime", "iris.csv"), delimiter=",",
                  skiprows=1)
x, y = data[:, :4], data[:, 4].astype(int)
x = (x - x.mean(axis=0)) / x.std(axis=0)
mlp = MLPClassifier(hidden_layer_sizes=(8, 6), activation="relu", max_iter=2000, random_state=0).fit(x, y)
print("training accuracy", mlp.score(x, y))

names = ["dense", "dense_1", "dense_2"]
units = [8, 6, 3]
activations = ["relu", "relu", "softmax"]


def dense_config(i):
    c = {"name": names[i], "trainable": True, "dtype": "float32", "units": units[i],
         "activation": activations[i], "use_bias": True,
         "kernel_initializer": {"class_name": "GlorotUniform", "config": {"seed": None}},
         "bias_initializer": {"class_name": "Zeros", "config": {}},
         "kernel_regularizer": None, "bias_regularizer": None, "activity_regularizer": None,
         "kernel_constraint": None, "bias_constraint": None}
    if i == 0:
        c["batch_input_shape"] = [None, 4]
    return {"class_name": "Dense", "config": c}


config = {"class_name": "Sequential", "config": {"name": "sequential", "layers": [
    {"class_name": "InputLayer", "config": {"batch_input_shape": [None, 4], "dtype": "float32", "sparse": False,
                                            "ragged": False, "name": "dense_input"}}]
    + [dense_config(i) for i in range(3)]}, "keras_version": "2.11.0", "backend": "tensorflow"}

path = os.path.join(OUT, "iris-mlp.h5")
with h5py.File(path, "w") as f:
    f.attrs["keras_version"] = np.bytes_("2.11.0")
    f.attrs["backend"] = np.bytes_("tensorflow")
    f.attrs["model_config"] = np.bytes_(json.dumps(config))
    weights = f.create_group("model_weights")
    weights.attrs["layer_names"] = np.array([n.encode() for n in names])
    weights.attrs["backend"] = np.bytes_("tensorflow")
    weights.attrs["keras_version"] = np.bytes_("2.11.0")
    for i, n in enumerate(names):
        g = weights.create_group(n)
        g.attrs["weight_names"] = np.array([(n + "/kernel:0").encode(), (n + "/bias:0").encode()])
        inner = g.create_group(n)
        inner.create_dataset("kernel:0", data=mlp.coefs_[i].astype(np.float32))
        inner.create_dataset("bias:0", data=mlp.intercepts_[i].astype(np.float32))


def forward(v):
    h = v.astype(np.float64)
    for i in range(3):
        h = h @ mlp.coefs_[i].astype(np.float32).astype(np.float64) + mlp.intercepts_[i].astype(np.float32)
        if i < 2:
            h = np.maximum(h, 0)
    e = np.exp(h - h.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


rows = x[[0, 25, 50, 75, 100, 125, 149]].astype(np.float32)
out = forward(rows)
with open(os.path.join(OUT, "iris-mlp-expected.csv"), "w") as f:
    f.write("x0,x1,x2,x3,p0,p1,p2\n")
    for r, p in zip(rows, out):
        f.write(",".join("%.9g" % v for v in list(r) + list(p)) + "\n")
print("wrote", path)

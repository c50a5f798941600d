#!/usr/bin/python3
"""Grid search against successive halving in scikit-learn, on the bundled diabetes table.

The field's version of Kiln's diabetes search (docs/benchmarks.md, "Hyperparameter search"): an
MLPRegressor over a 27-configuration grid (hidden units 8, 32, 128; learning rate 3e-4, 1e-3, 3e-3;
L2 penalty alpha 0, 1e-4, 1e-3: scikit-learn's MLP has no dropout), each scored by 5-fold R² on 80% of
the rows (scikit-learn's own shuffled split, seed 42, not Kiln's rows), with GridSearchCV (200 epochs,
early stopping on 10% of each fold's rows, patience 20) and HalvingGridSearchCV (the epochs as the
resource: 7, 21, 63, 200; factor 3). Prints the best cross-validated R², the test R² of the refitted
winner, the epochs spent (summed over every fit and fold) and the time. Not a test.

Usage: search_sklearn.py [CSV]
"""
import sys
import time
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.experimental import enable_halving_search_cv  # noqa: F401
from sklearn.model_selection import GridSearchCV, HalvingGridSearchCV, KFold, train_test_split
from sklearn.neural_network import MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

warnings.filterwarnings("ignore", category=ConvergenceWarning)

path = sys.argv[1] if len(sys.argv) > 1 else "src/main/resources/io/kiln/examples/diabetes/diabetes_regression.csv"
data = np.genfromtxt(path, delimiter=",", skip_header=1)
x, y = data[:, :-1], data[:, -1]
y_mean, y_std = y.mean(), y.std()
x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.2, random_state=42)

grid = {"mlpregressor__hidden_layer_sizes": [(8,), (32,), (128,)],
        "mlpregressor__learning_rate_init": [3e-4, 1e-3, 3e-3],
        "mlpregressor__alpha": [0.0, 1e-4, 1e-3]}
folds = KFold(5, shuffle=True, random_state=42)


def model(max_iter):
    return make_pipeline(StandardScaler(), MLPRegressor(batch_size=16, max_iter=max_iter, early_stopping=True,
                                                        n_iter_no_change=20, validation_fraction=0.1,
                                                        random_state=42))


class Counting:
    """Sums the epochs every fit trained (n_iter_), folds and refits included."""
    epochs = 0


def fit_counting(search):
    original = MLPRegressor.fit

    def fit(self, *args, **kwargs):
        result = original(self, *args, **kwargs)
        Counting.epochs += self.n_iter_
        return result

    MLPRegressor.fit = fit
    try:
        Counting.epochs = 0
        started = time.time()
        search.fit(x_train, (y_train - y_mean) / y_std)
        return Counting.epochs, time.time() - started
    finally:
        MLPRegressor.fit = original


def test_r2(search):
    predicted = search.best_estimator_.predict(x_test) * y_std + y_mean
    return 1 - ((y_test - predicted) ** 2).sum() / ((y_test - y_test.mean()) ** 2).sum()


print("| scikit-learn | configurations | fits | epochs | best cross-validated R² | test R² | seconds |")
print("|---|---|---|---|---|---|---|")
g = GridSearchCV(model(200), grid, cv=folds, scoring="r2", n_jobs=1)
grid_epochs, seconds = fit_counting(g)
print(f"| GridSearchCV | 27 | {27 * 5 + 1} | {grid_epochs} | {g.best_score_:.4f} | {test_r2(g):.4f} | {seconds:.0f} |")
h = HalvingGridSearchCV(model(200), grid, cv=folds, scoring="r2", resource="mlpregressor__max_iter",
                        min_resources=7, max_resources=200, factor=3, random_state=42, n_jobs=1)
halving_epochs, seconds = fit_counting(h)
print(f"| HalvingGridSearchCV (7, 21, 63, 189 epochs) | 27 | {sum(h.n_candidates_) * 5 + 1} | {halving_epochs} | "
      f"{h.best_score_:.4f} | {test_r2(h):.4f} | {seconds:.0f} |")
chosen = {k: v for k, v in h.best_params_.items() if k != "mlpregressor__max_iter"}
at_full = next(score for params, score in zip(g.cv_results_["params"], g.cv_results_["mean_test_score"])
               if params == chosen)
print("grid best:", g.best_params_)
print("halving best:", h.best_params_)
print(f"halving's winner scores {at_full:.4f} at 200 epochs: {g.best_score_ - at_full:.4f} below the grid's best, "
      f"with {halving_epochs / grid_epochs:.2f} of its epochs")

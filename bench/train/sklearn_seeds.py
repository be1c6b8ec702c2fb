"""scikit-learn's learners whose result moves with the seed (decision tree, random forest,
MLP), run over seeds 0..N-1 on the same rows and settings as shared/peers/parity_sklearn.py,
one JSON line per (dataset, learner) with the mean. bench-train.ts compares the engine's
mean over the same number of seeds with this, instead of with scikit-learn's one run.

usage: /usr/bin/python3 sklearn_seeds.py --data ../shared/data --seeds 5 [--only digits,letters]
"""
import argparse
import json
import os
import time
import warnings

import numpy as np
import pandas as pd

warnings.filterwarnings("ignore")  # MLP convergence warnings at max_iter, as in the reference


def load(data, name):
    with open(os.path.join(data, "splits", f"{name}.json")) as f:
        spec = json.load(f)
    df = pd.read_csv(os.path.join(data, spec["dataset"]))
    y = df.pop(spec["target"]).to_numpy()
    X = df.to_numpy(dtype=np.float64)
    test = np.zeros(len(y), dtype=bool)
    test[spec["test"]] = True
    return X[~test], y[~test], X[test], y[test]


def main():
    from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
    from sklearn.neural_network import MLPClassifier, MLPRegressor
    from sklearn.preprocessing import StandardScaler
    from sklearn.tree import DecisionTreeClassifier

    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--only", default="")
    args = ap.parse_args()
    only = set(filter(None, args.only.split(",")))
    sets = ["breast_cancer", "digits", "wine", "iris", "spambase", "letters", "diabetes"]
    for name in [s for s in sets if not only or s in only]:
        Xtr, ytr, Xte, yte = load(args.data, name)
        sc = StandardScaler().fit(Xtr)
        Str, Ste = sc.transform(Xtr), sc.transform(Xte)
        regression = name == "diabetes"
        if regression:
            learners = [
                ("random_forest", lambda s: RandomForestRegressor(n_estimators=100, n_jobs=2, random_state=s), False),
                ("mlp", lambda s: MLPRegressor(hidden_layer_sizes=(128, 64), max_iter=500, random_state=s), True),
            ]
        else:
            learners = [
                ("decision_tree", lambda s: DecisionTreeClassifier(random_state=s), False),
                ("random_forest", lambda s: RandomForestClassifier(n_estimators=100, n_jobs=2, random_state=s), False),
                ("mlp", lambda s: MLPClassifier(hidden_layer_sizes=(128, 64), max_iter=50, random_state=s), True),
            ]
        for learner, make, scaled in learners:
            a, b = (Str, Ste) if scaled else (Xtr, Xte)
            values, seconds = [], []
            for seed in range(args.seeds):
                est = make(seed)
                t = time.perf_counter()
                est.fit(a, ytr)
                seconds.append(time.perf_counter() - t)
                p = est.predict(b)
                values.append(float(np.sqrt(np.mean((p - yte) ** 2))) if regression else float(np.mean(p == yte)))
            print(json.dumps({"dataset": name, "learner": learner, "seeds": args.seeds,
                              "value": float(np.mean(values)), "fitSeconds": float(np.mean(seconds)),
                              "metric": "rmse" if regression else "accuracy"}), flush=True)


if __name__ == "__main__":
    main()

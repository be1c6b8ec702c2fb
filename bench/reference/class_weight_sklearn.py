#!/usr/bin/python3
"""scikit-learn's answers with class_weight, for the engine's class-weight tests.

    /usr/bin/python3 bench/reference/class_weight_sklearn.py \
        > packages/engine/test-support/class-weight-reference.json

Debian's python3-sklearn (1.2.1). The task: the digits fixture (test/fixtures/data) with
the fixed split the other parity references use, as "is it a 9?" (about one row in ten
positive). Linear models, the SVMs and the MLP see standardised features, trees the raw
ones, as in shared/peers/parity_sklearn.py. For each learner, with class_weight=None and
"balanced" (and one explicit weighting), it records the test rows' balanced accuracy and
the positives' recall, and for the convex linear models the fitted weights themselves,
which have one optimum and so must match closely. scikit-learn's MLPClassifier takes no
class or sample weights; the engine's MLP is checked against its own unweighted fit.
"""
import gzip
import json
import os

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import balanced_accuracy_score, recall_score
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC, LinearSVC
from sklearn.tree import DecisionTreeClassifier

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
DATA = os.path.join(ROOT, "test", "fixtures", "data")

split = json.load(open(os.path.join(DATA, "splits", "digits.json")))
with gzip.open(os.path.join(DATA, "tabular-sklearn", "digits.csv.gz"), "rt") as f:
    frame = pd.read_csv(f)
x = frame.drop(columns=frame.columns[split["targetIndex"]]).to_numpy(dtype=float)
y = (frame.iloc[:, split["targetIndex"]].to_numpy() == 9).astype(int)
test = np.zeros(len(y), dtype=bool)
test[split["test"]] = True
x_train, x_test, y_train, y_test = x[~test], x[test], y[~test], y[test]
scaler = StandardScaler().fit(x_train)
xs_train, xs_test = scaler.transform(x_train), scaler.transform(x_test)

LEARNERS = {
    "logistic-regression": (lambda cw: LogisticRegression(C=1.0, max_iter=1000, tol=1e-8, class_weight=cw), True),
    "linear-svm": (lambda cw: LinearSVC(C=1.0, dual=False, tol=1e-8, max_iter=10000, class_weight=cw), True),
    "kernel-svm": (lambda cw: SVC(C=1.0, kernel="rbf", gamma="scale", tol=1e-5, class_weight=cw), True),
    "decision-tree": (lambda cw: DecisionTreeClassifier(random_state=0, class_weight=cw), False),
    "random-forest": (lambda cw: RandomForestClassifier(n_estimators=100, random_state=0, class_weight=cw), False),
    "gradient-boosting": (lambda cw: HistGradientBoostingClassifier(random_state=0, early_stopping=False, class_weight=cw), False),
}
WEIGHTINGS = {"none": None, "balanced": "balanced", "explicit": {0: 1.0, 1: 5.0}}

out = {"task": "digits, target == 9", "sklearn": __import__("sklearn").__version__,
       "nTrain": int(len(y_train)), "positivesTrain": int(y_train.sum()), "nTest": int(len(y_test)),
       "positivesTest": int(y_test.sum()), "results": {}}
for name, (make, scaled) in LEARNERS.items():
    xtr, xte = (xs_train, xs_test) if scaled else (x_train, x_test)
    out["results"][name] = {}
    for wname, cw in WEIGHTINGS.items():
        model = make(cw).fit(xtr, y_train)
        pred = model.predict(xte)
        rec = {"balancedAccuracy": round(balanced_accuracy_score(y_test, pred), 6),
               "recall": round(recall_score(y_test, pred), 6),
               "predictedPositives": int(pred.sum())}
        if name in ("logistic-regression", "linear-svm"):
            rec["coef"] = [round(float(v), 8) for v in model.coef_[0]]
            rec["intercept"] = round(float(model.intercept_[0]), 8)
        if name == "kernel-svm":
            rec["decision"] = [round(float(v), 6) for v in model.decision_function(xte)]
        out["results"][name][wname] = rec
print(json.dumps(out, indent=1))

"""Metrics on held-out text: a split, grouped cross-validation, calibration and the incertain band."""

from collections import defaultdict

import numpy as np
from sklearn.metrics import (
    accuracy_score, brier_score_loss, confusion_matrix, f1_score, log_loss, precision_recall_fscore_support,
)

from reseaumedia.classifier import LABELS

POSITIVE = LABELS[1]  # "reseau": the class whose probability the estimator's second column gives


def classification_metrics(y_true, y_pred) -> dict:
    precision, recall, f1, support = precision_recall_fscore_support(
        y_true, y_pred, labels=list(LABELS), zero_division=0
    )
    return {
        "n": len(y_true),
        "accuracy": round(float(accuracy_score(y_true, y_pred)), 4),
        "macro_f1": round(float(f1_score(y_true, y_pred, labels=list(LABELS), average="macro", zero_division=0)), 4),
        "per_label": {
            label: {"precision": round(float(p), 4), "recall": round(float(r), 4), "f1": round(float(f), 4), "n": int(s)}
            for label, p, r, f, s in zip(LABELS, precision, recall, f1, support)
        },
        "confusion": {"labels": list(LABELS), "matrix": confusion_matrix(y_true, y_pred, labels=list(LABELS)).tolist()},
    }


def reliability(truth, p_positive, bins=10) -> dict:
    """Expected calibration error over `bins` equal-width bins of confidence, and the table.

    Confidence is the probability of the predicted label; each bin compares its mean confidence
    with the share of texts predicted right.
    """
    truth = np.asarray([t == POSITIVE for t in truth])
    p = np.asarray(p_positive, dtype=float)
    predicted = p >= 0.5
    confidence = np.where(predicted, p, 1 - p)
    correct = predicted == truth
    edges = np.linspace(0.5, 1.0, bins + 1)
    table, ece = [], 0.0
    for i, (low, high) in enumerate(zip(edges[:-1], edges[1:])):
        inside = (confidence >= low) & ((confidence < high) if i < bins - 1 else (confidence <= high))
        if not inside.any():
            table.append({"bin": f"{low:.2f}-{high:.2f}", "n": 0})
            continue
        mean_confidence, accuracy = float(confidence[inside].mean()), float(correct[inside].mean())
        ece += inside.mean() * abs(mean_confidence - accuracy)
        table.append({"bin": f"{low:.2f}-{high:.2f}", "n": int(inside.sum()),
                      "confidence": round(mean_confidence, 4), "accuracy": round(accuracy, 4)})
    return {"ece": round(float(ece), 4), "bins": table}


def band_report(truth, p_positive, margin) -> dict:
    """Share of texts inside the incertain band, and the accuracy on those outside it."""
    truth = np.asarray([t == POSITIVE for t in truth])
    p = np.asarray(p_positive, dtype=float)
    outside = np.abs(p - 0.5) >= margin
    correct = (p >= 0.5) == truth
    return {
        "margin": margin,
        "share_uncertain": round(float(1 - outside.mean()), 4),
        "accuracy_outside": round(float(correct[outside].mean()), 4) if outside.any() else None,
        "n_outside": int(outside.sum()),
    }


def bootstrap_interval(truth, predicted, metric, n=1000, seed=0):
    """95 % percentile bootstrap interval of `metric(truth, predicted)` over resampled texts."""
    truth, predicted = np.asarray(truth), np.asarray(predicted)
    rng = np.random.default_rng(seed)
    values = []
    for _ in range(n):
        idx = rng.integers(0, len(truth), len(truth))
        values.append(metric(truth[idx], predicted[idx]))
    low, high = np.percentile(values, [2.5, 97.5])
    return [round(float(low), 4), round(float(high), 4)]


def macro_f1(truth, predicted):
    return f1_score(truth, predicted, labels=list(LABELS), average="macro", zero_division=0)


def probability_metrics(examples, p_positive, margin=0.0) -> dict:
    """Every metric of held-out probabilities of "reseau" for `examples`."""
    truth = [e.label for e in examples]
    p = np.asarray(p_positive, dtype=float)
    predicted = [POSITIVE if x >= 0.5 else LABELS[0] for x in p]
    metrics = classification_metrics(truth, predicted)
    metrics["accuracy_ci95"] = bootstrap_interval(truth, predicted, accuracy_score)
    metrics["macro_f1_ci95"] = bootstrap_interval(truth, predicted, macro_f1)
    clipped = np.clip(p, 1e-7, 1 - 1e-7)
    metrics["log_loss"] = round(float(log_loss(truth, np.column_stack([1 - clipped, clipped]), labels=list(LABELS))), 4)
    metrics["brier"] = round(float(brier_score_loss([t == POSITIVE for t in truth], p)), 4)
    metrics["calibration"] = reliability(truth, p)
    metrics["band"] = band_report(truth, p, margin)
    hard = [(e.label, g) for e, g in zip(examples, predicted) if e.hard]
    if hard:
        metrics["hard_accuracy"] = round(sum(t == g for t, g in hard) / len(hard), 4)
        metrics["hard_n"] = len(hard)
    metrics.update(kind_metrics(examples, predicted))
    return metrics


def kind_metrics(examples, predicted) -> dict:
    """Accuracy per kind of post, and text and pair accuracy on the contrast pairs."""
    per_kind = defaultdict(list)
    pairs = defaultdict(list)
    for e, guess in zip(examples, predicted):
        for kind in e.kinds:
            per_kind[kind].append(e.label == guess)
        if e.pair:
            pairs[e.pair].append(e.label == guess)
    result = {}
    if per_kind:
        result["kinds"] = {k: {"n": len(v), "accuracy": round(sum(v) / len(v), 4)} for k, v in sorted(per_kind.items())}
    complete = [v for v in pairs.values() if len(v) == 2]
    if complete:
        result["contrast_pairs"] = {
            "pairs": len(complete),
            "text_accuracy": round(sum(map(sum, complete)) / (2 * len(complete)), 4),
            "pair_accuracy": round(sum(all(v) for v in complete) / len(complete), 4),
        }
    return result


def evaluate_on(estimator, examples, *, per_pass=False) -> dict:
    """Metrics of a fitted estimator on examples (its own incertain band applied); with
    `per_pass`, also the accuracy of each writing pass (`groups`)."""
    proba = estimator.predict_proba([e.text for e in examples])
    p = proba[:, list(estimator.classes_).index(POSITIVE)]
    margin = getattr(estimator, "uncertain_margin_", 0.0)
    if per_pass:
        return pooled_with_groups(examples, [float(x) for x in p], lambda e: e.group, margin)
    return probability_metrics(examples, p, margin)


def grouped_cross_validation(fit, examples, group_of) -> dict:
    """Leave one group out: each group is predicted by a model that never saw it.

    `fit(train_examples)` returns a fitted estimator; `group_of(example)` names its group.
    Returns pooled metrics over all held-out predictions plus each group's accuracy.
    """
    groups = defaultdict(list)
    for e in examples:
        groups[group_of(e)].append(e)
    held, probabilities = [], []
    for name in sorted(groups):
        train = [e for e in examples if group_of(e) != name]
        if len({e.label for e in train}) < 2:
            continue
        model = fit(train)
        held += groups[name]
        probabilities += list(model.predict_proba([e.text for e in groups[name]])[:, list(model.classes_).index(POSITIVE)])
    if not held:
        return {"n": 0}
    return pooled_with_groups(held, probabilities, group_of)


def pooled_with_groups(examples, p_positive, group_of, margin=0.0) -> dict:
    metrics = probability_metrics(examples, p_positive, margin)
    per_group = defaultdict(list)
    for e, p in zip(examples, p_positive):
        per_group[group_of(e)].append((e.label == POSITIVE) == (p >= 0.5))
    metrics["groups"] = {g: {"n": len(v), "accuracy": round(sum(v) / len(v), 4)} for g, v in sorted(per_group.items())}
    metrics["macro_group_accuracy"] = round(
        sum(g["accuracy"] for g in metrics["groups"].values()) / len(metrics["groups"]), 4
    )
    return metrics

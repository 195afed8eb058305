"""Metrics on held-out text: a split, or cross-validation grouped by source."""

from collections import defaultdict

from sklearn.metrics import (
    accuracy_score, brier_score_loss, confusion_matrix, f1_score, log_loss, precision_recall_fscore_support,
)

from reseaumedia.classifier import LABELS


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


def evaluate_on(estimator, examples) -> dict:
    """Metrics of a fitted estimator on examples, with accuracy on the flagged hard cases.

    Log loss and Brier score say how far the probabilities shown to users can be trusted.
    """
    proba = estimator.predict_proba([e.text for e in examples])
    classes = list(estimator.classes_)
    predicted = [classes[i] for i in proba.argmax(axis=1)]
    truth = [e.label for e in examples]
    metrics = classification_metrics(truth, predicted)
    p_reseau = proba[:, classes.index("reseau")]
    metrics["log_loss"] = round(float(log_loss(truth, proba, labels=classes)), 4)
    metrics["brier"] = round(float(brier_score_loss([t == "reseau" for t in truth], p_reseau)), 4)
    hard = [(e.label, p) for e, p in zip(examples, predicted) if e.hard]
    if hard:
        metrics["hard_accuracy"] = round(sum(t == p for t, p in hard) / len(hard), 4)
        metrics["hard_n"] = len(hard)
    return metrics


def grouped_cross_validation(fit, examples, group_of) -> dict:
    """Leave one group out: each group is predicted by a model that never saw it.

    `fit(train_examples)` returns a fitted estimator; `group_of(example)` names its group.
    Returns pooled metrics over all held-out predictions plus each group's accuracy.
    """
    groups = defaultdict(list)
    for e in examples:
        groups[group_of(e)].append(e)
    truth, predicted, per_group = [], [], {}
    for name in sorted(groups):
        held_out = groups[name]
        train = [e for e in examples if group_of(e) != name]
        if len({e.label for e in train}) < 2:
            continue
        guesses = list(fit(train).predict([e.text for e in held_out]))
        labels = [e.label for e in held_out]
        truth += labels
        predicted += guesses
        per_group[name] = {
            "n": len(held_out),
            "accuracy": round(sum(t == p for t, p in zip(labels, guesses)) / len(held_out), 4),
        }
    metrics = classification_metrics(truth, predicted)
    metrics["groups"] = per_group
    metrics["macro_group_accuracy"] = round(sum(g["accuracy"] for g in per_group.values()) / len(per_group), 4)
    return metrics

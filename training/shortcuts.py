"""Shortcut risk: how far the labels can be told without reading the text's intention.

Two baselines fit on train + dev and measured on test: a logistic regression on the metadata
alone (platform, sector, register, locale), and one on twelve surface cues. A corpus whose labels
such cues predict much better than they do on real posts teaches the model shortcuts.
"""

import re

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from reseaumedia.text import MENTION_RE, URL_RE

SURFACE_CUES = {
    "question_mark": lambda t: "?" in t,
    "link": lambda t: bool(URL_RE.search(t)),
    "tu": lambda t: bool(re.search(r"\b(?:(?:tu|te|toi|ton|ta|tes)\b|t['’])", t, re.I)),
    "vous": lambda t: bool(re.search(r"\b(vous|votre|vos)\b", t, re.I)),
    "merci": lambda t: "merci" in t.lower(),
    "mention": lambda t: bool(MENTION_RE.search(t)),
    "hashtag": lambda t: "#" in t,
    "exclamation": lambda t: "!" in t,
    "je": lambda t: bool(re.search(r"\b(?:(?:je|moi|mon|ma|mes)\b|j['’])", t, re.I)),
    "nous_on": lambda t: bool(re.search(r"\b(nous|notre|nos|on)\b", t, re.I)),
    "line_break": lambda t: "\n" in t,
    "length": lambda t: np.log1p(len(t.split())),
}


def cue_features(texts):
    return np.array([[float(f(t)) for f in SURFACE_CUES.values()] for t in texts])


def shortcut_report(train, test, seed) -> dict:
    """Test accuracy of the metadata-only and cue-only baselines."""
    if not test:
        return {}
    y_train, y_test = [e.label for e in train], [e.label for e in test]

    def meta(examples):
        return [[e.platform, e.sector, e.register, e.locale] for e in examples]

    metadata = make_pipeline(OneHotEncoder(handle_unknown="ignore"), LogisticRegression(max_iter=2000, random_state=seed))
    metadata.fit(meta(train), y_train)
    cues = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000, random_state=seed))
    cues.fit(cue_features([e.text for e in train]), y_train)
    return {
        "metadata_only_accuracy": round(float(metadata.score(meta(test), y_test)), 4),
        "surface_cues_only_accuracy": round(float(cues.score(cue_features([e.text for e in test]), y_test)), 4),
        "surface_cues": list(SURFACE_CUES),
    }

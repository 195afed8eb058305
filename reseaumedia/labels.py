"""The two labels: the one definition every module imports."""

# Sorted: scikit-learn orders classes_ so.
LABELS = ("media", "reseau")
MEDIA, RESEAU = LABELS
# What users read: the labels with their accents.
LABEL_NAMES_FR = {RESEAU: "réseau", MEDIA: "média"}

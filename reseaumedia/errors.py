"""Errors raised by reseaumedia.

Messages are French because they reach end users through the CLI unchanged; each one says what
is wrong, where, and what to do.
"""


class ReseauMediaError(Exception):
    """Base class: a problem the user can fix, with a French message."""


class InputError(ReseauMediaError, ValueError):
    """A text or file given to score (or to train on) cannot be used."""


class ModelError(ReseauMediaError):
    """A model artefact is missing, damaged, or does not match this installation."""


class CorpusError(ReseauMediaError, ValueError):
    """A labelled corpus file breaks its schema; the message names file and line."""

    def __init__(self, problems):
        self.problems = list(problems)
        shown = "\n".join(f"  - {p}" for p in self.problems[:30])
        more = len(self.problems) - 30
        if more > 0:
            shown += f"\n  … et {more} autre(s) problème(s)"
        super().__init__(f"corpus invalide ({len(self.problems)} problème(s)) :\n{shown}")

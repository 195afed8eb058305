"""Text normalisation shared by training and prediction.

Real drafts mix curly and straight apostrophes, missing accents, links and handles; the model
must see the same surface form whichever way the author typed it.
"""

import re
import unicodedata

URL_RE = re.compile(r"(?:https?://|www\.)\S+|\b(?:bit\.ly|lnkd\.in|t\.co|youtu\.be|goo\.gl)/\S+", re.IGNORECASE)
EMAIL_RE = re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.-]+\b")
MENTION_RE = re.compile(r"(?<!\w)@\w+")
HASHTAG_RE = re.compile(r"(?<!\w)#(\w+)")
APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "ʼ": "'"})
QUOTES = str.maketrans({"«": '"', "»": '"', "“": '"', "”": '"', "„": '"'})
SPACES_RE = re.compile(r"[ \t\u00a0\u202f\u2009]+")

# Placeholders are plain words so that both spaCy and the character n-grams keep them whole.
URL_TOKEN = "xurlx"
EMAIL_TOKEN = "xcourrielx"
MENTION_TOKEN = "xmentionx"


def normalise(text: str) -> str:
    """Canonical surface form: NFC, straight apostrophes and quotes, links and handles as placeholders."""
    text = unicodedata.normalize("NFC", text).translate(APOSTROPHES).translate(QUOTES)
    text = URL_RE.sub(f" {URL_TOKEN} ", text)
    text = EMAIL_RE.sub(f" {EMAIL_TOKEN} ", text)
    text = MENTION_RE.sub(f" {MENTION_TOKEN} ", text)
    text = SPACES_RE.sub(" ", text)
    return "\n".join(line.strip() for line in text.splitlines()).strip()


def strip_accents(text: str) -> str:
    """'Événement' -> 'Evenement': drafts typed without accents must match those typed with them."""
    if text.isascii():
        return text  # nothing to strip, and most words are plain ASCII
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def surface_form(text: str) -> str:
    """What the character n-grams read: normalised, lowercased, accents removed."""
    return strip_accents(normalise(text).lower())


def is_emoji(char: str) -> bool:
    return unicodedata.category(char) == "So" or 0x1F300 <= ord(char) <= 0x1FAFF

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
# Typographic apostrophes and quotes, each set replaced by its straight form (a regular expression
# is several times faster than str.translate, which looks each character up in a dict).
APOSTROPHES_RE = re.compile("[’‘`´ʼ]")
QUOTES_RE = re.compile("[«»“”„]")
SPACES_RE = re.compile(r"[ \t\u00a0\u202f\u2009]+")

# Placeholders are plain words so that both spaCy and the character n-grams keep them whole.
URL_TOKEN = "xurlx"
EMAIL_TOKEN = "xcourrielx"
MENTION_TOKEN = "xmentionx"


def normalise(text: str) -> str:
    """Canonical surface form: NFC, straight apostrophes and quotes, links and handles as placeholders."""
    text = QUOTES_RE.sub('"', APOSTROPHES_RE.sub("'", unicodedata.normalize("NFC", text)))
    text = URL_RE.sub(f" {URL_TOKEN} ", text)
    if "@" in text:  # both patterns need one; most texts have none
        text = EMAIL_RE.sub(f" {EMAIL_TOKEN} ", text)
        text = MENTION_RE.sub(f" {MENTION_TOKEN} ", text)
    text = SPACES_RE.sub(" ", text)
    return "\n".join(line.strip() for line in text.splitlines()).strip()


# The accents of Latin letters once decomposed: the combining marks of U+0300-U+036F, removed by
# one regular expression instead of a test per character.
_LATIN_MARKS = re.compile("[" + "".join(chr(c) for c in range(0x300, 0x370) if unicodedata.combining(chr(c))) + "]")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _unless_combining(match) -> str:
    return "" if unicodedata.combining(match.group()) else match.group()


def strip_accents(text: str) -> str:
    """'Événement' -> 'Evenement': drafts typed without accents must match those typed with them.

    Every combining mark goes; only the characters still outside ASCII after the Latin accents
    are gone (emojis, other scripts' marks) are looked at one by one.
    """
    if text.isascii():
        return text  # nothing to strip, and most words are plain ASCII
    bare = _LATIN_MARKS.sub("", unicodedata.normalize("NFD", text))
    return bare if bare.isascii() else _NON_ASCII.sub(_unless_combining, bare)


def surface_form(text: str) -> str:
    """What the character n-grams read: normalised, lowercased, accents removed."""
    return strip_accents(normalise(text).lower())


def is_emoji(char: str) -> bool:
    return unicodedata.category(char) == "So" or 0x1F300 <= ord(char) <= 0x1FAFF

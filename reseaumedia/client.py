"""Talking to a running `reseaumedia serve`: the fast path of `score`.

Like a compiler daemon, the server keeps spaCy and the model loaded; a command that finds it
answering sends its texts there and prints the same output, in a fraction of a second. Only the
standard library is imported here: the point is not to import scikit-learn or spaCy at all.
"""

import json
import os
import urllib.error
import urllib.request

from .errors import ReseauMediaError
from .results import Prediction

DEFAULT_PORT = 8731
HOST = "127.0.0.1"
# What one request may carry (the server refuses more): a long article is about 100 KB.
MAX_BODY_BYTES = 2_000_000
MAX_TEXTS = 1000
# A server that is there answers its health check in milliseconds; anything slower is treated as absent.
HEALTH_TIMEOUT = 1.0
PREDICT_TIMEOUT = 120.0


def configured_port(port=None) -> int:
    """`port`, else $RESEAUMEDIA_PORT, else DEFAULT_PORT."""
    if port is not None:
        if not 0 < int(port) < 65536:
            raise ReseauMediaError(f"--port {port} : un numéro de port va de 1 à 65535.")
        return int(port)
    value = os.environ.get("RESEAUMEDIA_PORT", "")
    if not value:
        return DEFAULT_PORT
    if not value.isdigit() or not 0 < int(value) < 65536:
        raise ReseauMediaError(f"RESEAUMEDIA_PORT={value!r} n'est pas un numéro de port (1 à 65535).")
    return int(value)


def base_url(port=None) -> str:
    return f"http://{HOST}:{configured_port(port)}"


def _call(url, payload=None, timeout=HEALTH_TIMEOUT):
    data = None if payload is None else json.dumps(payload, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    # No proxy: the server is on this machine, and a proxy from the environment must not see the texts.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(request, timeout=timeout) as response:
        return json.loads(response.read().decode("utf-8"))


def health(port=None):
    """The server's /api/health answer, or None when no reseaumedia server answers there."""
    try:
        answer = _call(base_url(port) + "/api/health")
    except (OSError, ValueError):
        return None
    if not isinstance(answer, dict) or answer.get("service") != "reseaumedia":
        return None
    return answer


def fits(texts) -> bool:
    """Whether `texts` fit in one request; larger inputs are scored in-process."""
    # The request's other fields take a few dozen bytes.
    return len(texts) <= MAX_TEXTS and len(json.dumps(texts, ensure_ascii=False).encode("utf-8")) < MAX_BODY_BYTES - 1000


def predict_remote(texts, port=None, *, reasons=True, sentences=True) -> list:
    """Predictions for `texts` from the server; a French error if it refuses them."""
    payload = {"texts": list(texts), "reasons": reasons, "sentences": sentences}
    try:
        answer = _call(base_url(port) + "/api/predict", payload, timeout=PREDICT_TIMEOUT)
    except urllib.error.HTTPError as exc:
        try:
            message = json.loads(exc.read().decode("utf-8")).get("erreur", "")
        except ValueError:
            message = ""
        raise ReseauMediaError(f"le serveur a refusé les textes : {message or exc.reason}") from None
    except (OSError, ValueError) as exc:
        raise ReseauMediaError(
            f"le serveur {base_url(port)} ne répond plus ({exc}). Relancez la commande, ou ajoutez --sur-place."
        ) from None
    return [Prediction.from_dict(p) for p in answer["predictions"]]


__all__ = ["DEFAULT_PORT", "base_url", "configured_port", "health", "predict_remote"]

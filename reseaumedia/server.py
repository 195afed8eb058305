"""`reseaumedia serve`: the model loaded once, behind a drafting page and a JSON API, on 127.0.0.1.

- `GET /` the drafting page (served from the package: nothing is fetched from the internet);
- `POST /api/predict` one text (`{"text": ...}`) or a list (`{"texts": [...]}`), the same fields
  as `score --json`;
- `GET /api/health` the model that answers;
- `GET /docs` and `/openapi.json`, the framework's documentation of the API.

Every refusal is a JSON object `{"erreur": "..."}` in French with a 4xx status; no traceback and
no file path ever reaches a client.
"""

import socket
import sys
from pathlib import Path
from threading import Lock

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline
from pydantic import BaseModel, ConfigDict, Field, model_validator
from starlette.exceptions import HTTPException

from . import __version__
from .client import HOST, MAX_BODY_BYTES, MAX_TEXTS, base_url, configured_port, health
from .errors import ReseauMediaError

STATIC = Path(__file__).parent / "static"
FIELDS = ("text", "texts", "reasons", "sentences")


class PredictRequest(BaseModel):
    """One text or a list of texts; explanations and per-sentence scores are on by default."""

    model_config = ConfigDict(extra="forbid")

    text: str | None = Field(None, description="un texte", examples=["Merci à toutes et tous pour hier soir !"])
    texts: list[str] | None = Field(None, max_length=MAX_TEXTS, description=f"une liste d'au plus {MAX_TEXTS} textes")
    reasons: bool = Field(True, description="donner les raisons")
    sentences: bool = Field(True, description="donner l'orientation de chaque phrase")

    @model_validator(mode="after")
    def _one_of(self):
        if (self.text is None) == (self.texts is None):
            raise ValueError("donnez soit « text » (un texte), soit « texts » (une liste de textes)")
        return self


class BodyLimit:
    """Refuses a request body above `max_bytes`, whether it declares its length or streams it."""

    def __init__(self, app, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope.get("headers", ())).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.max_bytes:
            return await _too_large(self.max_bytes)(scope, receive, send)
        # Read the body here, within the cap, then hand it on: the framework would turn an error
        # raised while it reads into a vague 400.
        body, more = b"", True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return await self.app(scope, receive, send)
            body += message.get("body", b"")
            if len(body) > self.max_bytes:
                return await _too_large(self.max_bytes)(scope, receive, send)
            more = message.get("more_body", False)
        replayed = False

        async def replay():
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


def _too_large(max_bytes):
    return _error(413, f"requête trop grande : au plus {max_bytes // 1_000_000} Mo. Envoyez les textes en plusieurs fois.")


def _error(status: int, message: str, details=None) -> JSONResponse:
    body = {"erreur": message}
    if details:
        body["details"] = details
    return JSONResponse(body, status_code=status)


VALIDATION_FR = {
    "missing": "champ obligatoire absent",
    "string_type": "attendu un texte (chaîne JSON)",
    "list_type": "attendu une liste de textes",
    "bool_type": "attendu true ou false",
    "bool_parsing": "attendu true ou false",
    "extra_forbidden": f"champ inconnu (champs acceptés : {', '.join(FIELDS)})",
    "too_long": f"trop de textes : au plus {MAX_TEXTS} par requête",
    "model_attributes_type": "le corps doit être un objet JSON {…}",
    "dict_type": "le corps doit être un objet JSON {…}",
    "string_unicode": "texte illisible (pas de l'Unicode valide)",
}


def _field(loc) -> str:
    parts = [str(p) for p in loc if p != "body"]
    name = "".join(f"[{p}]" if p.isdigit() else (f".{p}" if i else p) for i, p in enumerate(parts))
    return name or "corps"


def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = exc.errors()
    if "json" not in request.headers.get("content-type", ""):
        return _error(415, "le corps doit être envoyé en JSON, avec l'en-tête « Content-Type: application/json ».")
    if any(e.get("type") == "json_invalid" for e in errors):
        return _error(400, "le corps de la requête n'est pas du JSON valide (UTF-8) : vérifiez les guillemets et les virgules.")
    details = []
    for e in errors:
        kind = e.get("type", "")
        if kind == "value_error":
            message = str(e.get("ctx", {}).get("error", "valeur invalide"))
        else:
            message = VALIDATION_FR.get(kind, "valeur invalide")
        details.append({"champ": _field(e.get("loc", ())), "probleme": message})
    summary = "; ".join(f"{d['champ']} : {d['probleme']}" for d in details[:5])
    return _error(422, f"requête refusée : {summary}.", details)


def create_app(model, *, max_bytes: int = MAX_BODY_BYTES) -> FastAPIOffline:
    """The application around an already loaded `reseaumedia.api.Model`."""
    app = FastAPIOffline(
        title="reseaumedia",
        version=__version__,
        description="Dit si un texte en français est orienté réseau (relation) ou média (diffusion).",
    )
    app.add_middleware(BodyLimit, max_bytes=max_bytes)
    # spaCy's pipeline is not documented as thread-safe; requests are scored one at a time.
    scoring = Lock()

    @app.exception_handler(RequestValidationError)
    async def validation_error(request, exc):
        return _validation_error(request, exc)

    @app.exception_handler(ReseauMediaError)
    async def refused(request, exc):
        return _error(422, str(exc))

    @app.exception_handler(HTTPException)
    async def http_error(request, exc):
        messages = {404: "adresse inconnue : voyez /docs pour l'API.", 405: "méthode non permise pour cette adresse."}
        return _error(exc.status_code, messages.get(exc.status_code, str(exc.detail)))

    @app.exception_handler(Exception)
    async def internal(request, exc):
        print(f"reseaumedia serve : erreur interne ({exc.__class__.__name__}: {exc})", file=sys.stderr)
        return _error(500, "erreur interne du serveur ; le détail est dans la console du serveur.")

    @app.get("/", include_in_schema=False)
    def page():
        return FileResponse(STATIC / "page.html", media_type="text/html; charset=utf-8")

    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/api/health", summary="le modèle qui répond")
    def api_health():
        return {
            "service": "reseaumedia",
            "status": "ok",
            "package_version": __version__,
            "model_version": model.version,
            "model_source": model.source,
            "uncertain_margin": model.uncertain_margin,
        }

    @app.post("/api/predict", summary="orientation d'un texte ou d'une liste de textes")
    def api_predict(request: PredictRequest):
        texts = [request.text] if request.text is not None else request.texts
        with scoring:
            predictions = model.predict(texts, reasons=request.reasons, sentences=request.sentences)
        if request.text is not None:
            return predictions[0].to_dict()
        return {"predictions": [p.to_dict() for p in predictions]}

    return app


def check_port_free(port: int) -> None:
    """A French error, before loading anything, when the port is taken."""
    if health(port) is not None:
        raise ReseauMediaError(f"un serveur reseaumedia tourne déjà sur {base_url(port)}/ : utilisez-le, "
                               "ou arrêtez-le (Ctrl-C dans sa console) avant d'en lancer un autre.")
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((HOST, port))
        except OSError:
            raise ReseauMediaError(f"le port {port} est déjà pris par un autre programme : "
                                   "choisissez-en un autre avec --port (ou RESEAUMEDIA_PORT).") from None


def run(model, port=None, *, ready=None) -> None:
    """Serve `model` on 127.0.0.1 until Ctrl-C; `ready(url)` is called once it listens.

    Call `check_port_free` first, before loading the model, as `reseaumedia serve` does.
    """
    import uvicorn

    port = configured_port(port)
    # The first text pays spaCy's lazy start-up; pay it now rather than on the first keystroke.
    model.predict("Bonjour à toutes et à tous, merci d'être là.")
    config = uvicorn.Config(create_app(model), host=HOST, port=port, log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    if ready is not None:
        started = server.startup

        async def startup(sockets=None):
            await started(sockets=sockets)
            if server.started:
                ready(base_url(port) + "/")

        server.startup = startup
    server.run()


__all__ = ["MAX_BODY_BYTES", "MAX_TEXTS", "create_app", "run"]

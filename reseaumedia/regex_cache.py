"""Keep the compiled form of spaCy's huge French tokenizer pattern between runs.

Loading fr_core_news_sm spends most of its time (about 2.3 s of 3.5 s here) in Python's `re`
turning one 1.4 MB pattern, the French `token_match`, into the regular-expression engine's code.
That code depends only on the pattern, its flags and the Python version, so it is computed once,
stored in the user's cache folder, and handed back to the engine on the next start (a few ms).

The pattern object built from the stored code is the one `re.compile` would build: `Pattern`
equality compares the engine code, and the tests check it, as well as every lemma of the corpus.
Any surprise (another Python, an unreadable or foreign file) falls back to a plain compile.
"""

import contextlib
import hashlib
import marshal
import os
import sys
import tempfile
import threading
from pathlib import Path

# Only patterns this long are worth a file; spaCy's other patterns compile in milliseconds.
MIN_PATTERN_CHARS = 100_000
_lock = threading.Lock()


def cache_dir() -> Path:
    """$RESEAUMEDIA_CACHE, else the platform's user cache folder."""
    configured = os.environ.get("RESEAUMEDIA_CACHE")
    if configured:
        return Path(configured).expanduser()
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("reseaumedia", appauthor=False))


def _engine_tag() -> str:
    # The engine code's format changes with the Python version and the engine's own magic number.
    import _sre
    from re import _constants

    return f"py{sys.version_info[0]}.{sys.version_info[1]}.{sys.version_info[2]}-sre{_constants.MAGIC}-{_sre.CODESIZE}"


def _path_for(pattern: str, flags: int) -> Path:
    digest = hashlib.sha256(f"{flags}\0{pattern}".encode("utf-8", "surrogatepass")).hexdigest()[:24]
    return cache_dir() / "regex" / f"{_engine_tag()}-{digest}.marshal"


def _engine_parts(pattern: str, flags: int) -> tuple:
    """What `re._compiler.compile` hands to the engine, as plain values that marshal can store."""
    from re import _compiler, _parser

    parsed = _parser.parse(pattern, flags)
    code = [int(op) for op in _compiler._code(parsed, flags)]
    indexgroup = [None] * parsed.state.groups
    for name, index in parsed.state.groupdict.items():
        indexgroup[index] = name
    return (pattern, int(flags | parsed.state.flags), code, parsed.state.groups - 1,
            dict(parsed.state.groupdict), tuple(indexgroup))


def _read(path: Path, pattern: str):
    try:
        parts = marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return None
    if not isinstance(parts, tuple) or len(parts) != 6 or parts[0] != pattern:
        return None
    return parts


def _write(path: Path, parts: tuple) -> None:
    """Written whole or not at all; a cache that cannot be written is simply not used."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".tmp-", delete=False) as handle:
            handle.write(marshal.dumps(parts))
        os.replace(handle.name, path)
    except OSError:
        with contextlib.suppress(OSError, UnboundLocalError):
            os.unlink(handle.name)


def compile_cached(pattern, flags=0, *, fallback=None):
    """`re._compiler.compile`, with the engine code of long patterns kept on disk."""
    import _sre

    from re import _compiler

    plain = fallback or _compiler.compile
    if not isinstance(pattern, str) or len(pattern) < MIN_PATTERN_CHARS:
        return plain(pattern, flags)
    try:
        path = _path_for(pattern, flags)
        parts = _read(path, pattern)
        if parts is None:
            parts = _engine_parts(pattern, flags)
            _write(path, parts)
        return _sre.compile(*parts)
    except Exception:  # noqa: BLE001 - a private API moved: compile as usual
        return plain(pattern, flags)


@contextlib.contextmanager
def cached_compiles():
    """While inside, `re.compile` of a long pattern reuses the stored engine code."""
    from re import _compiler

    with _lock:
        original = _compiler.compile
        _compiler.compile = lambda pattern, flags=0: compile_cached(pattern, flags, fallback=original)
        try:
            yield
        finally:
            _compiler.compile = original


__all__ = ["cache_dir", "cached_compiles", "compile_cached"]

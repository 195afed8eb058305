"""Command line of reseaumedia: `python cli.py score "texte"`, `train`, `evaluate`, `corpus check`.

The parsing lives in `reseaumedia/cli.py` so that the installed `reseaumedia` command runs the
very same code.
"""

import sys

from reseaumedia.cli import main

if __name__ == "__main__":
    sys.exit(main())

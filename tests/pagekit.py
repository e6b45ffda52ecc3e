"""What the tests read from the site's MyST sources, in one place.

Imported by name (``from pagekit import CODE_CELL``) from ``tests/`` and from
``tests/site/``: pytest's default ``prepend`` import mode puts ``tests/`` on
``sys.path`` when it loads ``tests/conftest.py``, which it does for every session
that collects files under ``tests/`` (``tests``, ``site``, ``browser``,
``downloads``).
"""

from __future__ import annotations

import re

#: A code cell's source, without its MyST options (``:tags: [...]`` lines or a
#: ``---`` block) and the blank line after them, which are not Python.
CODE_CELL = re.compile(
    r"^```\{code-cell\}[^\n]*\n(?:---\n.*?^---\n|(?::[^\n]*\n)+)?\n?(.*?)^```",
    re.S | re.M,
)

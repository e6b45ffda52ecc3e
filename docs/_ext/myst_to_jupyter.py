"""MyST Markdown cells rewritten as the plain Markdown that Jupyter and Colab show.

The site's notebooks hold their prose as MyST: citation roles, Python roles, links to
other pages' ``.md`` sources and directives such as ``{footbibliography}``. Jupyter
shows those as literal text. :func:`to_jupyter_markdown` rewrites one cell's text
through a :class:`Linker`, which knows the site's addresses (``histbp_downloads``
gives it the built site's), so that:

- citations become readable author-year text linking to the site's bibliography;
- Python roles become links to the API pages, ``{doc}``/``{ref}`` links to the page;
- links and images with relative targets become absolute site addresses;
- ``{footbibliography}`` becomes the page's reference list, ``{method-code}`` the
  method's source in a code block, admonitions become block quotes, and directives
  with nothing to show (``{index}``) are dropped.

This module imports nothing from Sphinx, so it is tested on its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Protocol

from method_source import method_source

ROLE = re.compile(r"\{(?P<name>[A-Za-z][\w:.-]*)\}`(?P<content>[^`]+)`")
# A link or image with a target that is not absolute: [text](target) or ![alt](t).
LINK = re.compile(r"(?P<bang>!?)\[(?P<text>[^\]]*)\]\((?P<target>[^)\s]+)\)")
FENCE_OPEN = re.compile(r"^(?P<fence>`{3,}|:{3,})\{(?P<name>[\w:-]+)\}\s*(?P<arg>.*)$")
OPTION = re.compile(r"^:[\w-]+:(\s.*)?$")
TARGET_LINE = re.compile(r"^\([\w:.-]+\)=\s*$")
EXPLICIT = re.compile(r"^(?P<text>.*?)\s*<(?P<target>[^<>]+)>$", re.S)
ADMONITIONS = {
    "note": "Note",
    "tip": "Tip",
    "hint": "Hint",
    "important": "Important",
    "warning": "Warning",
    "caution": "Caution",
    "attention": "Attention",
    "danger": "Danger",
    "error": "Error",
    "seealso": "See also",
}
CITE_ROLES = {"cite", "cite:p", "cite:t", "footcite", "footcite:p", "footcite:t"}
SILENT_DIRECTIVES = {"index", "toctree", "glue", "only", "raw"}


class Linker(Protocol):
    """What the rewriting needs to know about the site."""

    def page_url(self, target: str) -> str:
        """The absolute address of a relative link target (``../api/index.md#x``)."""

    def citation(self, key: str) -> tuple[str, str, str]:
        """(Authors, year, address in the bibliography) of a cite key."""

    def reference(self, key: str) -> str:
        """The full reference of a cite key, as Markdown."""

    def role(self, name: str, target: str) -> str | None:
        """The address a role's target points to, or None when it has none."""


@dataclass
class _Page:
    linker: Linker
    cited: list[str] = field(default_factory=list)

    def note_cited(self, keys: list[str]) -> None:
        self.cited += [key for key in keys if key not in self.cited]


def _split_explicit(content: str) -> tuple[str | None, str]:
    """``text <target>`` -> (text, target); ``target`` -> (None, target)."""
    found = EXPLICIT.match(content.strip())
    if found and found.group("text"):
        return found.group("text"), found.group("target").strip()
    return None, content.strip()


def _cite(page: _Page, name: str, content: str) -> str:
    keys = [key.strip() for key in content.split(",") if key.strip()]
    page.note_cited(keys)
    parts = []
    for key in keys:
        authors, year, url = page.linker.citation(key)
        if name.endswith(":t"):
            parts.append(f"[{authors} ({year})]({url})")
        else:
            parts.append(f"[{authors} {year}]({url})")
    if name.endswith(":t"):
        return ", ".join(parts)
    return f"({'; '.join(parts)})"


def _python_text(name: str, target: str, explicit: str | None) -> str:
    if explicit:
        return explicit
    shown = target.lstrip("~.")
    if target.startswith("~"):
        shown = shown.rsplit(".", 1)[-1]
    if name in ("py:func", "py:meth"):
        shown += "()"
    return f"`{shown}`"


def _role(page: _Page, match: re.Match[str]) -> str:
    name, content = match.group("name"), match.group("content")
    if name in CITE_ROLES:
        return _cite(page, name, content)
    if name == "math":
        return f"${content}$"
    explicit, target = _split_explicit(content)
    if name.startswith("py:"):
        text = _python_text(name, target, explicit)
        url = page.linker.role(name, target.lstrip("~."))
    elif name in ("doc", "ref"):
        url = page.linker.role(name, target)
        text = explicit or target
    else:
        # {index}, {abbr}, {sub}, ...: what they show is their text.
        return explicit or target
    return f"[{text}]({url})" if url else text


def _link(page: _Page, match: re.Match[str]) -> str:
    target = match.group("target")
    if re.match(r"^[a-z][a-z0-9+.-]*:", target) or target.startswith("#"):
        return match.group(0)
    url = page.linker.page_url(target)
    return f"{match.group('bang')}[{match.group('text')}]({url})"


def _rewrite_inline(page: _Page, text: str) -> str:
    """Rewrite the roles, then the relative links, of a run of prose."""
    text = ROLE.sub(lambda m: _role(page, m), text)
    return LINK.sub(lambda m: _link(page, m), text)


def _references(page: _Page) -> list[str]:
    lines = []
    for number, key in enumerate(page.cited, 1):
        _, _, url = page.linker.citation(key)
        lines.append(
            f"{number}. {page.linker.reference(key)} ([in the bibliography]({url}))"
        )
    return lines or ["(No references.)"]


def _directive(page: _Page, name: str, arg: str, body: list[str]) -> list[str]:
    content = [line for line in body if not OPTION.match(line.strip())]
    while content and not content[0].strip():
        content.pop(0)
    if name == "footbibliography":
        return _references(page)
    if name in SILENT_DIRECTIVES or name == "bibliography":
        return []
    if name in ADMONITIONS or name == "admonition":
        title = arg.strip() if name == "admonition" else ADMONITIONS[name]
        inner = _convert_lines(page, content)
        return [f"> **{title}**", ">"] + [f"> {line}".rstrip() for line in inner]
    if name in ("figure", "image"):
        caption = " ".join(line.strip() for line in content if line.strip())
        url = page.linker.page_url(arg.strip())
        return [f"![{caption}]({url})"] + ([f"*{caption}*"] if caption else [])
    if name == "math":
        return ["$$", *content, "$$"]
    if name == "method-code":
        # The method's own code, as the site shows it: read from the installed
        # histbp, shown (not run) in a Markdown code block.
        return ["```python", *method_source(arg.strip()).code.split("\n"), "```"]
    # Anything else: its content, converted.
    return _convert_lines(page, content)


def _convert_lines(page: _Page, lines: list[str]) -> list[str]:
    out: list[str] = []
    index = 0
    prose: list[str] = []

    def flush() -> None:
        if prose:
            out.extend(_rewrite_inline(page, "\n".join(prose)).split("\n"))
            prose.clear()

    while index < len(lines):
        line = lines[index]
        opened = FENCE_OPEN.match(line.strip())
        if opened:
            flush()
            fence = opened.group("fence")
            end = index + 1
            while end < len(lines) and lines[end].strip() != fence:
                end += 1
            out += _directive(
                page, opened.group("name"), opened.group("arg"), lines[index + 1 : end]
            )
            index = end + 1
            continue
        if line.startswith("```") or line.startswith("~~~"):
            # A plain code block: copied as it is.
            flush()
            fence = line[:3]
            end = index + 1
            while end < len(lines) and not lines[end].startswith(fence):
                end += 1
            out += lines[index : end + 1]
            index = end + 1
            continue
        stripped = line.strip()
        if TARGET_LINE.match(stripped) or stripped.startswith("% "):
            index += 1
            continue
        prose.append(line)
        index += 1
    flush()
    return out


def to_jupyter_markdown(cells: list[str], linker: Linker) -> list[str]:
    """Rewrite a notebook's Markdown cells, in order (citations number across them)."""
    page = _Page(linker)
    return ["\n".join(_convert_lines(page, cell.split("\n"))) for cell in cells]

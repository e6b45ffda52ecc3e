"""Helpers shared by the tests of the built site: its pages, its sources, a server."""

from __future__ import annotations

import functools
import http.server
import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import unquote, urlsplit

from pagekit import CODE_CELL

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
# The built site: nox -s docs writes it here.
SITE = Path(os.environ.get("HISTBP_SITE_DIR", DOCS / "_build" / "html"))
SKIP_DIRS = {"_static", "_sources", "_images", "_downloads", "reports"}


def code_cells(docname: str) -> list[str]:
    """The code cells of a page's source, as written."""
    source = DOCS / f"{docname}.md"
    if not source.is_file():
        return []
    return CODE_CELL.findall(source.read_text(encoding="utf-8"))


def html_pages(site: Path) -> list[str]:
    """Every HTML page of the built site, as a path relative to its root."""
    return sorted(
        page.relative_to(site).as_posix()
        for page in site.rglob("*.html")
        if not SKIP_DIRS & set(page.relative_to(site).parts)
    )


def docname(page: str) -> str:
    return page.removesuffix(".html")


def base_path(site: Path) -> str:
    """The path under which the site is served: that of its ``html_baseurl``."""
    index = (site / "index.html").read_text(encoding="utf-8")
    found = re.search(r'<link rel="canonical" href="([^"]+)"', index)
    if not found:
        return "/"
    path = urlsplit(found.group(1)).path
    return path[: path.rfind("/") + 1] or "/"


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Serve the site under its base path, and its ``404.html`` for anything missing."""

    prefix = "/"

    def translate_path(self, path: str) -> str:
        path = unquote(urlsplit(path).path)
        if not path.startswith(self.prefix):
            return str(Path(self.directory) / "\0missing")
        return super().translate_path("/" + path[len(self.prefix) :])

    def send_error(self, code, message=None, explain=None):
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        return None

    def log_message(self, format, *args):
        pass


@contextmanager
def serve(site: Path, prefix: str) -> Iterator[str]:
    """Serve ``site`` on 127.0.0.1 (a free port) under ``prefix``; yield its URL."""
    handler = type("Handler", (_Handler,), {"prefix": prefix})
    factory = functools.partial(handler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), factory)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}{prefix}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)

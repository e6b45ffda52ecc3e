"""references.bib: the seed's labels, complete entries, and a renderable file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"

pybtex_database = pytest.importorskip("pybtex.database")

SEED_LABELS = {
    "BP1", "BP1a", "BP2", "BP4", "BP5", "BP6", "BPA", "BPB", "BPC", "BEL53", "DEC",
    "DEEP1", "DEEP1a", "DEEP2", "DL1", "DL2", "DL3", "DL3a", "DLC", "DLH", "DLP",
    "GD'", "GD''", "GDa", "GDb", "GD1", "GD2", "GD2a", "GD3", "HIN", "LEI07", "LEI10",
    "MIR", "MLP1", "MLP2", "MLP3", "MOST", "NOB", "SV20", "T20", "T22", "R7", "R8",
    "RUM", "S80", "STO51", "STO52", "UN", "UN0", "UN1", "UN2", "UN3", "UN4",
}  # fmt: skip

REQUIRED = {
    "article": {"author", "title", "journal", "year", "volume", "pages"},
    "book": {"title", "publisher", "year"},
    "phdthesis": {"author", "title", "school", "year"},
    "mastersthesis": {"author", "title", "school", "year"},
    "techreport": {"author", "title", "institution", "year"},
    "inproceedings": {"author", "title", "booktitle", "year"},
    "incollection": {"author", "title", "booktitle", "publisher", "year", "pages"},
    "misc": {"title", "howpublished", "year"},
}


@pytest.fixture(scope="module")
def bib():
    return pybtex_database.parse_file(str(ROOT / "references.bib"))


def _shorthands(bib) -> dict[str, str]:
    labels = {}
    for key, entry in bib.entries.items():
        for label in entry.fields.get("shorthand", "").split(","):
            if label.strip():
                assert label.strip() not in labels, f"label {label} used twice"
                labels[label.strip()] = key
    return labels


def test_every_seed_label_is_a_shorthand_exactly_once(bib):
    assert set(_shorthands(bib)) == SEED_LABELS


def test_seed_labels_match_the_seed_document():
    seed = SHARED / "seed" / "who-invented-backpropagation.txt"
    if not seed.is_file():
        pytest.skip(f"the seed document is not at {seed}")
    text = seed.read_text(encoding="utf-8")
    listed = set(re.findall(r"^\[([^\]]+)\] ", text, flags=re.M))
    assert listed == SEED_LABELS


def test_amari_1967_records_the_page_discrepancy(bib):
    entry = bib.entries["amari1967"]
    assert entry.fields["pages"] == "299--307"
    assert "279" in entry.fields["note"]


def test_entries_are_complete_for_their_type(bib):
    for key, entry in bib.entries.items():
        fields = {f.lower() for f in entry.fields} | set(entry.persons)
        required = REQUIRED.get(entry.type.lower())
        assert required is not None, f"{key}: unexpected entry type {entry.type}"
        if entry.type.lower() == "book":
            assert fields & {"author", "editor"}, f"{key}: no author or editor"
        if entry.type.lower() == "misc" and "author" not in fields:
            # a forum thread: the venue is not the author; the note says why
            assert "author" in entry.fields.get("note", ""), f"{key}: no author"
        missing = required - fields
        if "pages" in missing and "page range" in entry.fields.get("note", ""):
            missing.discard("pages")  # a memoir whose page range no source gives
        assert not missing, f"{key} ({entry.type}) lacks {sorted(missing)}"


def test_dois_are_bare(bib):
    for key, entry in bib.entries.items():
        doi = entry.fields.get("doi")
        if doi:
            assert re.fullmatch(r"10\.\d{4,9}/\S+", doi), f"{key}: doi {doi!r}"


def test_every_entry_formats(bib):
    style_cls = pytest.importorskip("pybtex.plugin").find_plugin(
        "pybtex.style.formatting", "unsrt"
    )
    formatted = list(style_cls().format_entries(bib.entries.values()))
    assert len(formatted) == len(bib.entries)

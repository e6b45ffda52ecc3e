"""Write ``numpy.inv``: the numpy objects this site's API pages name, for intersphinx.

No package registry ships numpy's own ``objects.inv`` (Debian 12 has no numpy
documentation package), and the build makes no network request, so this writes a
small inventory of the objects the site refers to, at their addresses in numpy's
documentation (https://numpy.org/doc/stable/). Run it where ``sphobjinv`` is
installed (``pip install sphobjinv``) after adding a name the build reports as a
missing ``numpy`` reference::

    python docs/_intersphinx/make_numpy_inventory.py
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import sphobjinv as soi

HERE = Path(__file__).resolve().parent
SCALARS = "reference/arrays.scalars.html#{name}"
GENERATED = "reference/generated/{name}.html#{name}"
RANDOM = "reference/random/generator.html#{name}"
TYPING = "reference/typing.html#{name}"

# (name, domain:role, address in numpy's documentation)
OBJECTS = [
    ("numpy.ndarray", "py:class", GENERATED),
    ("numpy.dtype", "py:class", GENERATED),
    ("numpy.floating", "py:class", SCALARS),
    ("numpy.float64", "py:class", SCALARS),
    ("numpy.float32", "py:class", SCALARS),
    ("numpy.random.Generator", "py:class", RANDOM),
    ("numpy.random.default_rng", "py:function", RANDOM),
    ("numpy.typing.ArrayLike", "py:data", TYPING),
    ("numpy.typing.NDArray", "py:data", TYPING),
]
# autodoc names a class by the module that defines it; the public name's page.
ALIASES = [("numpy.random._generator.Generator", "numpy.random.Generator")]


def main() -> None:
    inventory = soi.Inventory()
    inventory.project = "NumPy"
    inventory.version = ".".join(np.__version__.split(".")[:2])
    rows = [(name, role, uri.format(name=name)) for name, role, uri in OBJECTS]
    by_name = {name: (role, uri) for name, role, uri in rows}
    rows += [(alias, *by_name[target]) for alias, target in ALIASES]
    for name, role, uri in rows:
        domain, kind = role.split(":")
        inventory.objects.append(
            soi.DataObjStr(
                name=name, domain=domain, role=kind, priority="1", uri=uri, dispname="-"
            )
        )
    data = soi.compress(inventory.data_file(contract=True))
    soi.writebytes(HERE / "numpy.inv", data)
    print(f"wrote {len(rows)} objects to {HERE / 'numpy.inv'}")


if __name__ == "__main__":
    main()

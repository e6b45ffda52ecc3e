"""Speelpenning's compiler (:func:`histbp.autodiff.compile_gradient`), by idea.

``compiler``
    The pipeline below, and the compiled program a caller gets back.

``reading``
    The function's source text, its syntax tree, and what its free names mean.
``subset``
    The supported subset of Python, checked statement by statement.
``activity``
    Which names are arrays, integer arguments, or differentiated.
``lowering``
    The syntax tree turned into elementary operations (``ir``).
``rules``
    The local partial derivatives of each elementary operation.
``planning``
    Which overwritten values must be saved for the reverse sweep.
``emitting``
    The forward and reverse sweeps written out as Python source.
``counting``
    Arithmetic operations counted in the emitted code.
"""

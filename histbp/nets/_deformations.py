"""Affine and elastic deformations of images, drawn afresh for every epoch.

Every deformation here is a displacement field: output pixel ``(r, c)`` takes the
value of the input at ``(r + dr, c + dc)``, read by bilinear interpolation, with
zero outside the image. An affine field rotates, scales and shears about the
image centre; an elastic field is uniform noise in ``[-1, 1]`` smoothed by a
Gaussian of width ``sigma`` and scaled by ``alpha``, the recipe of Simard,
Steinkraus and Platt (2003). :func:`deform` adds the two fields and resamples
once. Everything is numpy: the Gaussian smoothing is a product with a banded
matrix along each axis, the interpolation four gathers.

Because bilinear interpolation is a convex combination of input pixels and
zeros, a deformed image has the shape of the original and its values stay in
``[min(0, lowest), max(0, highest)]``: images in ``[0, 1]`` stay in ``[0, 1]``.

References
----------
Ciresan, Meier, Gambardella and Schmidhuber (2010) [ciresan2010], who deform
every training image anew in every epoch.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from histbp._validation import as_numeric_array, check_random_state, check_real

__all__ = [
    "affine_field",
    "bilinear_resample",
    "deform",
    "elastic_field",
    "gaussian_kernel",
    "gaussian_smooth",
]

_CHUNK = 4096


def _as_images(images: Any, name: str = "images") -> np.ndarray:
    """Return ``images`` as a finite float array of shape ``(n, h, w)``."""
    arr = as_numeric_array(images, name, 3, " (images x rows x columns)")
    return arr if arr.dtype.kind == "f" else arr.astype(np.float64)


def gaussian_kernel(sigma: float, radius: int | None = None) -> np.ndarray:
    """The normalised 1-D Gaussian ``exp(-k^2 / (2 sigma^2))``, ``k = -radius..radius``.

    Parameters
    ----------
    sigma
        Standard deviation in pixels, positive.
    radius
        Half-width of the kernel; ``ceil(3 sigma)`` by default.

    Returns
    -------
    numpy.ndarray
        Shape ``(2 radius + 1,)``, summing to 1.
    """
    sigma = check_real(sigma, "sigma", low=0.0, low_open=True)
    if radius is None:
        radius = int(np.ceil(3.0 * sigma))
    if isinstance(radius, bool) or not isinstance(radius, int | np.integer):
        raise TypeError(f"radius must be an integer, got {type(radius).__name__}")
    if radius < 0:
        raise ValueError(f"radius must be non-negative, got {radius}")
    k = np.arange(-radius, radius + 1, dtype=float)
    kernel = np.exp(-(k**2) / (2.0 * sigma**2))
    return kernel / kernel.sum()


def _smoothing_matrix(n: int, sigma: float) -> np.ndarray:
    """The ``n x n`` matrix of a zero-padded 1-D Gaussian convolution."""
    kernel = gaussian_kernel(sigma)
    radius = kernel.size // 2
    offsets = np.arange(n)[None, :] - np.arange(n)[:, None]
    inside = np.abs(offsets) <= radius
    return np.where(inside, kernel[np.clip(offsets + radius, 0, kernel.size - 1)], 0)


def gaussian_smooth(fields: Any, sigma: float) -> np.ndarray:
    """Convolve each 2-D field with a Gaussian of width ``sigma``, zero outside.

    The 2-D Gaussian is separable, so the convolution is ``K_r F K_c^T`` with
    banded matrices ``K_r`` and ``K_c`` holding :func:`gaussian_kernel`.

    Parameters
    ----------
    fields
        Array of shape ``(n, h, w)``.
    sigma
        Standard deviation of the Gaussian in pixels, positive.

    Returns
    -------
    numpy.ndarray
        The smoothed fields, same shape and float dtype.
    """
    fields = _as_images(fields, "fields")
    _, h, w = fields.shape
    k_rows = _smoothing_matrix(h, sigma).astype(fields.dtype)
    k_cols = _smoothing_matrix(w, sigma).astype(fields.dtype)
    return k_rows @ fields @ k_cols.T


def bilinear_resample(images: Any, rows: Any, cols: Any) -> np.ndarray:
    """Read each image at fractional coordinates by bilinear interpolation.

    Parameters
    ----------
    images
        Array of shape ``(n, h, w)``.
    rows, cols
        Arrays of shape ``(n, h, w)``: output pixel ``(i, r, c)`` is the value of
        image ``i`` at ``(rows[i, r, c], cols[i, r, c])``. Points outside the
        image read zero; the four neighbours of a point are weighted by the
        areas of the opposite sub-rectangles.

    Returns
    -------
    numpy.ndarray
        Shape ``(n, h, w)``, the dtype of ``images`` (float).
    """
    images = _as_images(images)
    n, h, w = images.shape
    rows = np.asarray(rows, dtype=images.dtype)
    cols = np.asarray(cols, dtype=images.dtype)
    for name, arr in (("rows", rows), ("cols", cols)):
        if arr.shape != images.shape or not np.all(np.isfinite(arr)):
            raise ValueError(
                f"{name} has shape {arr.shape}; expected finite values in the "
                f"images' shape {images.shape}"
            )
    padded = np.zeros((n, h + 2, w + 2), dtype=images.dtype)
    padded[:, 1:-1, 1:-1] = images
    flat = padded.reshape(-1)
    rows = np.clip(rows, -1.0, float(h))
    cols = np.clip(cols, -1.0, float(w))
    r0 = np.minimum(np.floor(rows), h - 1)
    c0 = np.minimum(np.floor(cols), w - 1)
    fr = rows - r0
    fc = cols - c0
    base = (np.arange(n) * ((h + 2) * (w + 2)))[:, None, None]
    top = base + (r0.astype(np.intp) + 1) * (w + 2) + (c0.astype(np.intp) + 1)
    bottom = top + (w + 2)
    upper = flat[top] * (1 - fc) + flat[top + 1] * fc
    lower = flat[bottom] * (1 - fc) + flat[bottom + 1] * fc
    out = upper * (1 - fr) + lower * fr
    # A convex combination, up to rounding: clip the last ulp back into range.
    return np.clip(out, min(0.0, images.min()), max(0.0, images.max()), out=out)


def _check_magnitude(value: float, name: str, high: float = np.inf) -> float:
    return check_real(value, name, low=0.0, high=high)


def affine_field(
    n: int,
    shape: tuple[int, int],
    rng: Any = None,
    *,
    rotation: float = 15.0,
    scale: float = 0.15,
    shear: float = 0.15,
    dtype: Any = np.float64,
) -> tuple[np.ndarray, np.ndarray]:
    """Displacements of ``n`` random affine maps about the image centre.

    Each map is ``M = R(theta) S(s_r, s_c) H(k)`` with an angle ``theta``
    uniform in ``[-rotation, rotation]`` degrees, scale factors ``s`` uniform in
    ``[1 - scale, 1 + scale]`` for rows and columns independently, and a
    horizontal shear ``k`` uniform in ``[-shear, shear]``. Output pixel ``p`` reads
    the input at ``centre + M (p - centre)``, so the displacement is
    ``(M - I)(p - centre)``.

    Returns
    -------
    tuple of numpy.ndarray
        Row and column displacements, each of shape ``(n, h, w)``.
    """
    rng = check_random_state(rng, "rng")
    rotation = _check_magnitude(rotation, "rotation", high=180.0)
    scale = _check_magnitude(scale, "scale", high=0.9)
    shear = _check_magnitude(shear, "shear")
    h, w = shape
    theta = np.deg2rad(rng.uniform(-rotation, rotation, n))
    s_r = 1.0 + rng.uniform(-scale, scale, n)
    s_c = 1.0 + rng.uniform(-scale, scale, n)
    k = rng.uniform(-shear, shear, n)
    cos, sin = np.cos(theta), np.sin(theta)
    # M = [[cos, -sin], [sin, cos]] @ diag(s_r, s_c) @ [[1, 0], [k, 1]] in (row, col).
    m_rr = cos * s_r - sin * s_c * k
    m_rc = -sin * s_c
    m_cr = sin * s_r + cos * s_c * k
    m_cc = cos * s_c
    y = np.arange(h, dtype=float) - (h - 1) / 2.0
    x = np.arange(w, dtype=float) - (w - 1) / 2.0
    yy, xx = np.meshgrid(y, x, indexing="ij")
    d_rows = (m_rr[:, None, None] - 1) * yy + m_rc[:, None, None] * xx
    d_cols = m_cr[:, None, None] * yy + (m_cc[:, None, None] - 1) * xx
    return d_rows.astype(dtype), d_cols.astype(dtype)


def elastic_field(
    n: int,
    shape: tuple[int, int],
    rng: Any = None,
    *,
    alpha: float = 34.0,
    sigma: float = 4.0,
    dtype: Any = np.float64,
) -> tuple[np.ndarray, np.ndarray]:
    """Elastic displacements: smoothed uniform noise, as in Simard et al. (2003).

    Each component is drawn uniform in ``[-1, 1]`` per pixel, smoothed by
    :func:`gaussian_smooth` with width ``sigma`` and multiplied by ``alpha``.

    Returns
    -------
    tuple of numpy.ndarray
        Row and column displacements, each of shape ``(n, h, w)``.
    """
    rng = check_random_state(rng, "rng")
    alpha = _check_magnitude(alpha, "alpha")
    h, w = shape
    noise = rng.uniform(-1.0, 1.0, (2, n, h, w)).astype(dtype)
    smooth = gaussian_smooth(noise.reshape(2 * n, h, w), sigma).reshape(2, n, h, w)
    return alpha * smooth[0], alpha * smooth[1]


def deform(
    images: Any,
    rng: Any = None,
    *,
    rotation: float = 15.0,
    scale: float = 0.15,
    shear: float = 0.15,
    alpha: float = 34.0,
    sigma: float = 4.0,
) -> np.ndarray:
    """Deform every image by a random affine map plus a random elastic field.

    Parameters
    ----------
    images
        Array of shape ``(n, h, w)``; integer images are converted to float64.
    rng
        A numpy ``Generator``, an integer seed, or ``None``.
    rotation, scale, shear
        Ranges of the affine part, see :func:`affine_field`; zeros switch it off.
    alpha, sigma
        Strength and smoothness of the elastic part, see :func:`elastic_field`;
        ``alpha=0`` switches it off.

    Returns
    -------
    numpy.ndarray
        Deformed images, same shape and (float) dtype as the input; values stay
        within ``[min(0, images.min()), max(0, images.max())]``.

    References
    ----------
    Ciresan, Meier, Gambardella and Schmidhuber (2010) [ciresan2010].

    Examples
    --------
    >>> import numpy as np
    >>> img = np.zeros((1, 8, 8)); img[0, 2:6, 3:5] = 1.0
    >>> out = deform(img, rng=0, alpha=0.0, scale=0.0, shear=0.0, rotation=0.0)
    >>> bool(np.array_equal(out, img))
    True
    """
    images = _as_images(images)
    rng = check_random_state(rng, "rng")
    n, h, w = images.shape
    yy, xx = np.meshgrid(
        np.arange(h, dtype=images.dtype),
        np.arange(w, dtype=images.dtype),
        indexing="ij",
    )
    out = np.empty_like(images)
    for start in range(0, n, _CHUNK):
        part = images[start : start + _CHUNK]
        m = part.shape[0]
        d_rows, d_cols = affine_field(
            m,
            (h, w),
            rng,
            rotation=rotation,
            scale=scale,
            shear=shear,
            dtype=images.dtype,
        )
        if alpha != 0:
            e_rows, e_cols = elastic_field(
                m, (h, w), rng, alpha=alpha, sigma=sigma, dtype=images.dtype
            )
            d_rows += e_rows
            d_cols += e_cols
        out[start : start + m] = bilinear_resample(part, yy + d_rows, xx + d_cols)
    return out

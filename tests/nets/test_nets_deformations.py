"""Affine and elastic deformations: shape, range, and the pieces they are made of."""

from __future__ import annotations

import numpy as np
import pytest

from histbp.nets import (
    affine_field,
    bilinear_resample,
    deform,
    elastic_field,
    gaussian_kernel,
    gaussian_smooth,
)


def _digits(n=20, seed=0):
    rng = np.random.default_rng(seed)
    images = np.zeros((n, 28, 28))
    images[:, 6:22, 10:18] = rng.random((n, 16, 8))
    return images


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_deform_keeps_shape_dtype_and_range(dtype):
    images = _digits().astype(dtype)
    images[0, 10, 12] = 1.0
    out = deform(images, rng=3, rotation=15, scale=0.15, shear=0.15, alpha=34, sigma=4)
    assert out.shape == images.shape
    assert out.dtype == dtype
    assert out.min() >= 0.0
    assert out.max() <= 1.0
    assert not np.allclose(out, images)


def test_deform_range_with_negative_values():
    images = 2 * _digits() - 1  # in [-1, 1], background -1
    out = deform(images, rng=0, alpha=36, sigma=6)
    assert out.min() >= -1.0
    assert out.max() <= 1.0


def test_deform_identity_and_determinism():
    images = _digits(5)
    same = deform(images, rng=1, rotation=0, scale=0, shear=0, alpha=0)
    np.testing.assert_array_equal(same, images)
    a = deform(images, rng=7)
    b = deform(images, rng=7)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, deform(images, rng=8))


def test_deform_keeps_ink_roughly():
    images = _digits(50)
    out = deform(images, rng=2, rotation=10, scale=0.1, shear=0.1, alpha=36, sigma=6)
    ratio = out.sum(axis=(1, 2)) / images.sum(axis=(1, 2))
    assert 0.7 < ratio.mean() < 1.3


def test_bilinear_resample_exact_cases():
    img = np.arange(12.0).reshape(1, 3, 4)
    rows, cols = np.meshgrid(np.arange(3.0), np.arange(4.0), indexing="ij")
    # integer coordinates read the pixels themselves
    np.testing.assert_array_equal(bilinear_resample(img, rows[None], cols[None]), img)
    # a half-pixel shift averages neighbours: linear data stays linear
    out = bilinear_resample(img, rows[None], cols[None] + 0.5)
    np.testing.assert_allclose(out[0, :, :3], img[0, :, :3] + 0.5)
    # the last column reads half the pixel, half the zero outside
    np.testing.assert_allclose(out[0, :, 3], img[0, :, 3] / 2)
    # far outside reads zero
    far = bilinear_resample(img, rows[None] + 10, cols[None])
    np.testing.assert_array_equal(far, 0.0)


def test_affine_field_is_a_rotation_when_asked():
    # rotation only: displacements preserve distances to the centre
    d_r, d_c = affine_field(3, (28, 28), rng=0, rotation=30, scale=0, shear=0)
    y, x = np.meshgrid(np.arange(28) - 13.5, np.arange(28) - 13.5, indexing="ij")
    r_new = np.hypot(y + d_r, x + d_c)
    np.testing.assert_allclose(r_new, np.broadcast_to(np.hypot(y, x), r_new.shape))
    assert np.abs(d_r).max() > 1.0


def test_gaussian_kernel_and_smoothing():
    k = gaussian_kernel(2.0)
    assert k.shape == (13,)
    assert k.sum() == pytest.approx(1.0)
    np.testing.assert_allclose(k, k[::-1])
    impulse = np.zeros((1, 21, 21))
    impulse[0, 10, 10] = 1.0
    out = gaussian_smooth(impulse, 2.0)
    np.testing.assert_allclose(out[0], np.outer(np.pad(k, 4), np.pad(k, 4)), atol=1e-15)
    assert out.sum() == pytest.approx(1.0)


def test_elastic_field_strength_grows_with_alpha():
    small = elastic_field(200, (28, 28), rng=0, alpha=10, sigma=5)
    big = elastic_field(200, (28, 28), rng=0, alpha=40, sigma=5)
    np.testing.assert_allclose(big[0], 4 * small[0], rtol=1e-12)
    assert small[0].shape == (200, 28, 28)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"images": np.zeros((28, 28))}, ValueError, "3-D array"),
        ({"images": np.full((1, 4, 4), np.nan)}, ValueError, "non-finite"),
        ({"images": np.array([[["a"]]])}, TypeError, "numeric"),
        ({"rng": "seed"}, TypeError, "rng must be"),
        ({"alpha": -1.0}, ValueError, "alpha"),
        ({"sigma": 0.0}, ValueError, "sigma"),
        ({"scale": 1.5}, ValueError, "scale"),
    ],
)
def test_bad_arguments(kwargs, error, match):
    args = {"images": np.zeros((1, 8, 8))} | kwargs
    with pytest.raises(error, match=match):
        deform(**args)


def test_bilinear_shape_mismatch():
    with pytest.raises(ValueError, match="rows has shape"):
        bilinear_resample(np.zeros((1, 4, 4)), np.zeros((1, 4, 3)), np.zeros((1, 4, 4)))
    with pytest.raises(ValueError, match=r"cols has shape .* expected finite values"):
        bilinear_resample(
            np.zeros((1, 4, 4)), np.zeros((1, 4, 4)), np.full((1, 4, 4), np.nan)
        )

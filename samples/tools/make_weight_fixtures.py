#!/usr/bin/env python3
"""Writes the small weight files convgen's runtime tests read (no Python needed to run the tests).

Every tensor holds exactly representable values, (arange(n) % 23 - 11) * 0.25, so a test can
recompute them in any dtype. Run from the repository root:

    python3 samples/tools/make_weight_fixtures.py runtime/src/test/resources/weights

Needs only NumPy. safetensors files are written by safetensors_io.save (the format's reference
layout: 8-byte little-endian header size, JSON header, data), since the safetensors package is not
in Debian.
"""
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_io  # noqa: E402


def values(shape, dtype):
    n = int(np.prod(shape))
    return ((np.arange(n) % 23 - 11) * 0.25).reshape(shape).astype(dtype)


def main(out):
    os.makedirs(out, exist_ok=True)
    np.save(os.path.join(out, "f32.npy"), values((4, 3, 2, 2), "<f4"))
    np.save(os.path.join(out, "f16.npy"), values((5, 7), "<f2"))
    np.save(os.path.join(out, "f64_big_endian.npy"), values((3, 2), ">f8"))
    np.save(os.path.join(out, "scalar.npy"), values((), "<f4"))
    np.save(os.path.join(out, "fortran.npy"), np.asfortranarray(values((3, 4), "<f4")))
    np.save(os.path.join(out, "int64.npy"), values((6,), "<f4").astype("<i8") * 4)
    np.save(os.path.join(out, "complex.npy"), np.zeros(2, dtype="<c8"))
    tensors = {"conv.weight": values((8, 2, 3, 3), "<f4"), "conv.bias": values((8,), "<f4"),
               "empty": values((0, 4), "<f4")}
    np.savez(os.path.join(out, "stored.npz"), **tensors)
    np.savez_compressed(os.path.join(out, "compressed.npz"), **tensors)
    safetensors_io.save(os.path.join(out, "mixed.safetensors"), {
        "a.f32": ("F32", values((6, 5), "<f4")),
        "b.f16": ("F16", values((4, 4), "<f2")),
        "c.bf16": ("BF16", values((2, 3, 4), "<f4")),
        "d.f64": ("F64", values((7,), "<f8")),
    }, metadata={"format": "pt"})


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "runtime/src/test/resources/weights")

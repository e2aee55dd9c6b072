"""Minimal safetensors writer (the `safetensors` package is not in Debian).

Layout, per the format's specification: an unsigned 64-bit little-endian header size N, N bytes of
UTF-8 JSON {name: {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {...}} padded
with spaces to a multiple of 8, then the tensors' little-endian bytes back to back.
"""
import json
import struct

import numpy as np

_BYTES = {"F32": 4, "F16": 2, "BF16": 2, "F64": 8, "I64": 8, "I32": 4}


def _raw(dtype, array):
    if dtype == "BF16":  # the upper half of each float32, rounded to nearest even
        bits = np.ascontiguousarray(array, dtype="<f4").view("<u4").astype(np.uint64)
        rounded = (bits + 0x7FFF + ((bits >> 16) & 1)) >> 16
        return rounded.astype("<u2").tobytes()
    numpy_type = {"F32": "<f4", "F16": "<f2", "F64": "<f8", "I64": "<i8", "I32": "<i4"}[dtype]
    return np.ascontiguousarray(array, dtype=numpy_type).tobytes()


def save(path, tensors, metadata=None):
    """tensors: {name: (dtype, numpy array)}, written in insertion order."""
    header, blobs, offset = {}, [], 0
    for name, (dtype, array) in tensors.items():
        raw = _raw(dtype, array)
        assert len(raw) == array.size * _BYTES[dtype]
        header[name] = {"dtype": dtype, "shape": list(array.shape),
                        "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    if metadata:
        header["__metadata__"] = metadata
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for raw in blobs:
            f.write(raw)

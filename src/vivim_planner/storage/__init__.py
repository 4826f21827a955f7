"""Storage: the plan as one SQLite file (.vivim) through SQLModel."""

from .document import SUFFIX, PlanDocument, PlanFileError
from .version import SCHEMA_VERSION

__all__ = ["PlanDocument", "PlanFileError", "SCHEMA_VERSION", "SUFFIX"]

"""Domain layer: the plan's entities, their fields and validation. No Qt, no SQL, no I/O."""

from .errors import CellError, FieldError, PlanError
from .fields import Field, Kind, column_letter, parse_number_text
from .plan import DEFAULT_HOURS_PER_MONTH, Plan, PlanSettings
from .schema import ALL_TABLES, METRICS, SPECS
from .economics_schema import ECONOMICS_METRICS, ECONOMICS_TABLES
from .table import Table, TableSpec, is_empty

__all__ = [
    "ALL_TABLES", "CellError", "ECONOMICS_METRICS", "ECONOMICS_TABLES", "DEFAULT_HOURS_PER_MONTH", "Field", "FieldError", "Kind", "METRICS",
    "Plan", "PlanError", "PlanSettings", "SPECS", "Table", "TableSpec", "column_letter", "is_empty",
    "parse_number_text",
]

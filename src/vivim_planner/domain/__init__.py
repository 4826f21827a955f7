"""Domain layer: the plan's entities, their fields and validation. No Qt, no SQL, no I/O."""

from .errors import CellError, FieldError, PlanError
from .fields import (DECIMAL_COMMA, DECIMAL_POINT, NUMBER_LOCALES, Field, Kind, NumberTextError, column_letter,
                     forbidden_character, parse_number_text, read_number, text_key)
from .plan import DEFAULT_HOURS_PER_MONTH, Plan, PlanSettings, number_locale_of, parse_number_locale
from .schema import ALL_TABLES, METRICS, SPECS
from .economics_schema import ECONOMICS_METRICS, ECONOMICS_TABLES
from .table import Table, TableSpec, is_empty

__all__ = [
    "ALL_TABLES", "CellError", "ECONOMICS_METRICS", "ECONOMICS_TABLES", "DEFAULT_HOURS_PER_MONTH", "Field", "FieldError", "Kind", "METRICS",
    "Plan", "PlanError", "PlanSettings", "SPECS", "Table", "TableSpec", "column_letter", "is_empty",
    "parse_number_text", "DECIMAL_COMMA", "DECIMAL_POINT", "NUMBER_LOCALES", "NumberTextError", "forbidden_character",
    "number_locale_of", "parse_number_locale", "read_number", "text_key",
]

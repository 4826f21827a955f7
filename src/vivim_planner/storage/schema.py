"""SQLModel tables of the .vivim file, generated from the domain's table specs so the file and
the model cannot drift apart.

Every plan table gets ``id`` (primary key), ``ord`` (row order users see) and one column per
domain field: REAL for numbers (NULL = empty), INTEGER foreign keys for references (NULL =
none), TEXT for text. Plus ``meta`` (format marker and schema version) and ``settings``
(plan settings as key / JSON value).
"""

from __future__ import annotations

from typing import Optional

from sqlmodel import Field, SQLModel
from sqlmodel.main import SQLModelMetaclass

from ..domain import ALL_TABLES, Kind, TableSpec

from .version import FORMAT, SCHEMA_VERSION  # noqa: F401 - re-exported


class Meta(SQLModel, table=True):
    """Key / value facts about the file: ``format`` and ``schema_version``."""

    __tablename__ = "meta"
    key: str = Field(primary_key=True)
    value: str


class Setting(SQLModel, table=True):
    """One plan setting (name, currency, hours_per_month, notes); ``value`` is JSON."""

    __tablename__ = "settings"
    key: str = Field(primary_key=True)
    value: str


def _model_for(spec: TableSpec) -> type[SQLModel]:
    annotations: dict[str, object] = {"id": Optional[int], "ord": int}
    ns: dict[str, object] = {
        "__tablename__": spec.name,
        "id": Field(default=None, primary_key=True),
        "ord": Field(default=0, index=True),
    }
    for f in spec.fields:
        if f.kind is Kind.TEXT:
            annotations[f.name] = str
            ns[f.name] = Field(default="")
        elif f.kind is Kind.REF:
            annotations[f.name] = Optional[int]
            ns[f.name] = Field(default=None, foreign_key=f"{f.ref_table}.id", index=True)
        else:
            annotations[f.name] = Optional[float]
            ns[f.name] = Field(default=None)
    ns["__annotations__"] = annotations
    class_name = "".join(part.title() for part in spec.name.split("_")) + "Row"
    return SQLModelMetaclass(class_name, (SQLModel,), ns, table=True)


MODELS: dict[str, type[SQLModel]] = {spec.name: _model_for(spec) for spec in ALL_TABLES}

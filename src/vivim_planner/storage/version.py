"""The file format marker and schema version, without the table classes (so opening a plan
for reading needs neither SQLModel nor SQLAlchemy)."""

FORMAT = "vivim-planner"
SCHEMA_VERSION = 4
"""Version of the file layout this code writes. Raise it with a migration in ``migrations``
and regenerate ``schema_ddl.py`` (``python -m vivim_planner.storage.schema_ddl``)."""

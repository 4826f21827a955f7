"""Units of metered quantities and their conversions.

A usage driver says how much of a quantity one user consumes in the unit the founder measured
(``"seconds"`` of active CPU, ``"KB"`` of responses); a meter bills it in the provider's unit
(``"hours"``, ``"GB"``). Both units must measure the same dimension; :func:`convert` turns one
into the other.

Data units follow SI as cloud providers bill them: 1 KB = 1,000 bytes, 1 GB = 10^9 bytes
(Vercel, AWS and Cloudflare price "GB" of transfer in decimal gigabytes). The binary units
KiB, MiB, GiB and TiB (1 GiB = 2^30 bytes) are there for the sources that mean them.
"""

from __future__ import annotations

from .errors import FieldError

# unit -> (dimension, size of one unit in the dimension's base unit)
UNITS: dict[str, tuple[str, float]] = {
    # counts (base: one event)
    "calls": ("count", 1.0),
    "invocations": ("count", 1.0),
    "requests": ("count", 1.0),
    "events": ("count", 1.0),
    "emails": ("count", 1.0),
    "users": ("count", 1.0),
    "MAU": ("count", 1.0),
    "items": ("count", 1.0),
    # time (base: second)
    "ms": ("time", 1e-3),
    "seconds": ("time", 1.0),
    "minutes": ("time", 60.0),
    "hours": ("time", 3600.0),
    # data (base: byte)
    "bytes": ("data", 1.0),
    "KB": ("data", 1e3),
    "MB": ("data", 1e6),
    "GB": ("data", 1e9),
    "TB": ("data", 1e12),
    "KiB": ("data", 1024.0),
    "MiB": ("data", 1024.0**2),
    "GiB": ("data", 1024.0**3),
    "TiB": ("data", 1024.0**4),
    # storage held over the month (base: GB-month)
    "GB-months": ("storage", 1.0),
    # tokens (base: token)
    "tokens": ("tokens", 1.0),
    "MTok": ("tokens", 1e6),
}
UNIT_NAMES: tuple[str, ...] = tuple(UNITS)


def dimension(unit: str) -> str:
    """The dimension a unit measures (``"time"`` for ``"hours"``). Raises ``KeyError``."""
    return UNITS[unit][0]


def conversion(from_unit: str, to_unit: str) -> float:
    """Factor that turns an amount in ``from_unit`` into ``to_unit`` (seconds -> hours: 1/3600).

    Raises :class:`FieldError` when the units measure different things (``"KB"`` to ``"hours"``).
    """
    (dim_a, size_a), (dim_b, size_b) = UNITS[from_unit], UNITS[to_unit]
    if dim_a != dim_b:
        raise FieldError(f"{to_unit} cannot measure an amount in {from_unit} ({dim_b}, not {dim_a})")
    return size_a / size_b

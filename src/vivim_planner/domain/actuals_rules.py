"""Row rules of the actuals tables, called from :meth:`Plan.check_row`, and the categories an
actual can take.

* *Actuals*: the category is one of :func:`actual_categories` (``Actuals!B4: Category
  "Infrastucture" is not a category of this plan; use one of Personnel, Infrastructure, ...``);
  a date is a real ``YYYY-MM-DD`` day, and where the plan has a start month it falls in the
  row's plan month (``Actuals!A4: Month 4 does not match the date 2026-03-15, plan month 3``).
* *Category map*: the category is one of :func:`actual_categories`.

Both are checked on what a row is given; what it already holds stays valid (see
:func:`check_actuals_row`).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Callable, Mapping

from .actuals_schema import (INFRASTRUCTURE_TIER, LLM_PREFIX, OPERATING_LINES, PAYMENT_FEES, REVENUE,
                             STARTUP_COSTS, STATED_STEP_COST)
from .fields import text_key

if TYPE_CHECKING:  # pragma: no cover
    from .plan import Plan

Fail = Callable[[str, str], None]
PERSONNEL = "Personnel"  # the first build category of every plan (engine.rollup.PERSONNEL)
_ISO_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def actual_categories(plan: "Plan") -> list[str]:
    """Every category an actual of ``plan`` may name, in the order the Plan vs actual view
    lists them: build categories (Personnel first, then build lines' and estimates' categories
    as they first appear), operating components (operating lines, the infrastructure tier, each
    usage-priced service, ``LLM: <segment>``, a growth step's stated cost), then Startup costs,
    Payment fees and Revenue. Names compare by :func:`text_key`; the first spelling is kept."""
    names: dict[str, str] = {}

    def add(name: str) -> None:
        name = str(name).strip()
        if name:
            names.setdefault(text_key(name), name)

    add(PERSONNEL)
    for table in ("build_items", "estimates"):
        for c in dict.fromkeys(plan.tables[table].column("category")):  # each spelling once, in order
            add(c)
    for name in (OPERATING_LINES, INFRASTRUCTURE_TIER):
        add(name)
    for s in dict.fromkeys(plan.tables["service_plans"].column("service")):
        add(s)
    for s in plan.tables["segments"].column("name"):
        add(LLM_PREFIX + s)
    for name in (STATED_STEP_COST, STARTUP_COSTS, PAYMENT_FEES, REVENUE):
        add(name)
    return list(names.values())


def parse_day(text: str) -> dt.date:
    """The day ``YYYY-MM-DD`` names; ``ValueError`` otherwise."""
    m = _ISO_DAY.match(text.strip())
    if not m:
        raise ValueError(text)
    return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))


def plan_month_of(start_date: str, day: dt.date) -> int:
    """Plan month of ``day`` for a plan whose month 1 is ``start_date`` (``"YYYY-MM"``): 1 for
    a day in the start month, 0 or less before it."""
    year, month = int(start_date[:4]), int(start_date[5:7])
    return (day.year - year) * 12 + (day.month - month) + 1


def check_category(plan: "Plan", category: str, fail: Fail) -> None:
    """Refuse a category that is not one of :func:`actual_categories`."""
    if not category:
        return
    known = actual_categories(plan)
    if text_key(category) not in {text_key(k) for k in known}:
        shown = ", ".join(known[:12]) + (", ..." if len(known) > 12 else "")
        fail("category", f'Category "{category}" is not a category of this plan; use one of {shown}')


def check_actuals_row(plan: "Plan", table_name: str, values: Mapping[str, object], fail: Fail,
                      row_id: int | None = None) -> None:
    """The rules of *Actuals* and *Category map* rows (see the module). They hold for what is
    typed, pasted or imported: a row being edited keeps a category, date or month it already
    had, so an actual whose category the plan later drops (its last estimate deleted) stays as it
    is (the Plan vs actual view lists it as unplanned), and a start month set later does not make
    earlier rows invalid."""
    table = plan.tables[table_name]
    stored = table.row(table.position(row_id)) if row_id is not None and table.has_id(row_id) else {}
    category = str(values.get("category") or "")
    if not stored or text_key(str(stored.get("category", ""))) != text_key(category):
        check_category(plan, category, fail)
    if table_name != "actuals":
        return
    date = str(values.get("date") or "").strip()
    if not date or stored and stored.get("date") == values.get("date") and stored.get("month") == values.get("month"):
        return
    try:
        day = parse_day(date)
    except ValueError:
        fail("date", f'Date must be a day written YYYY-MM-DD, such as 2026-03-15, got "{date}"')
        return
    start = plan.settings.start_date
    month = values.get("month")
    if start and isinstance(month, float) and month == month:
        m = plan_month_of(start, day)
        if m != int(month):
            fail("month", f"Month {int(month)} does not match the date {date}, plan month {m} "
                          f"(the plan starts in {start})")

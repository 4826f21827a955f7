"""What a heading or a table of a founder's document is, from its words.

Tables are classified by their header vocabulary (``Role | Rate | Months | FTE | Cost`` is a
team table, ``Category | Low | Mid | High`` an estimate, ``Cost Driver | Calculation | Monthly``
operating costs...) and the heading they sit under; headings that name a milestone, phase or
stage (``MILESTONE 3: ...``, ``Phase 2: Launch (Months 4-6)``, ``Stage 2 (1K-10K users)``) give
the plan's milestones. The patterns below read one heading or header cell, never the document.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

from ..domain import NumberTextError, read_number, text_key

# -- headings that name a milestone -----------------------------------------------------------
_NUMBERED = re.compile(r"^(?P<word>milestone|phase|stage|sprint|release|mvp)\s*(?P<n>\d+)\b\s*[:.—–\-]?\s*(?P<rest>.*)$",
                       re.IGNORECASE)
_CODED = re.compile(r"^(?P<code>M\d{1,3})\s*[:.—–\-]\s*(?P<rest>.+)$")
_MONTHS_FIRST = re.compile(r"^(?:months?)\s+(?P<a>\d+)\s*(?:[–—\-]|to)\s*(?P<b>\d+)\s*[:—–\-]\s*(?P<rest>.+)$", re.IGNORECASE)
_MONTHS = re.compile(r"\bmonths?\s+(?P<a>\d+)(?:\s*(?:[–—\-]|to)\s*(?P<b>\d+))?", re.IGNORECASE)
_WEEKS = re.compile(r"\((?P<n>\d+(?:\.\d+)?)\s*(?P<unit>weeks?|wks?|months?)\)", re.IGNORECASE)
_USERS = re.compile(r"(?P<a>[\d.,]+\s*[kKmM]?)\s*(?:(?:[–—\-]|to)\s*(?P<b>[\d.,]+\s*[kKmM]?\+?))?\s*"
                    r"(?:\w+\s+)?(?:users|mau|customers|subscribers)\b", re.IGNORECASE)
_PAREN = re.compile(r"\s*\(([^()]*)\)\s*$")
_EMOJI = re.compile(r"^[^\w(*]+", re.UNICODE)
_ASCII_WORD = re.compile(r"^[\w().,:;'’&/+-]+$", re.ASCII)


@dataclass
class MilestoneHeading:
    """A heading read as a milestone: ``code`` (``M3``, ``P2``), ``name``, month range
    (``start``/``end``, NaN when not said), ``weeks`` (a duration instead of months) and
    ``users`` (a target user count given in the heading, NaN when none)."""

    code: str
    name: str
    start: float = math.nan
    end: float = math.nan
    weeks: float = math.nan
    users: float = math.nan


def count(text: str) -> float:
    """A user or month count as written (``2,500``, ``100K``, ``100,000+``); NaN if none."""
    t = text.strip().rstrip("+").replace(" ", "")
    try:
        return read_number(t).value
    except (NumberTextError, OverflowError):
        return math.nan


def users_in(text: str, parenthesised: bool = False) -> float:
    """The user count a phrase names: ``at 500 alpha users`` -> 500, ``1K-10K users`` -> 10,000
    (a stage's top), ``100K users, pre-revenue`` -> 100,000; NaN when it names none. With
    ``parenthesised`` only a count in parentheses counts (``Cost Per User (at 500 users)``, not
    ``3. Users Module``)."""
    if parenthesised:
        inside = re.findall(r"\(([^()]*)\)", text)
        return next((u for u in map(users_in, inside) if u == u), math.nan)
    m = _USERS.search(text)
    if not m:
        return math.nan
    return count(m["b"] or m["a"])


def months_in(text: str) -> tuple[float, float]:
    """``Months 1–3`` -> (1, 3); ``Month 4`` -> (4, 4); (NaN, NaN) when none."""
    m = _MONTHS.search(text)
    if not m:
        return math.nan, math.nan
    a = float(m["a"])
    return a, float(m["b"]) if m["b"] else a


def clean_heading(text: str) -> str:
    """A heading without leading emoji or marks: ``🌱 Stage 1: ...`` -> ``Stage 1: ...``, also when
    the emoji was mangled by a wrong encoding (``üå± Stage 1``: a first word holding a symbol)."""
    t = _EMOJI.sub("", text).strip().strip("*").strip()
    words = t.split(" ", 1)
    if len(words) == 2 and not _ASCII_WORD.match(words[0]) and (any(
            unicodedata.category(ch)[0] in "SC" for ch in words[0]) or words[1][:1].isascii() and not words[0].isalpha()
            or not words[0].isascii() and words[1][:1].isascii() and words[1][:1].isupper() and len(words[0]) <= 4):
        t = words[1].strip()
    return t


def milestone_heading(text: str) -> MilestoneHeading | None:
    """The milestone a heading names, or ``None``."""
    t = clean_heading(text)
    code = ""
    m = _CODED.match(t)
    if m:
        code, rest = m["code"].upper(), m["rest"]
    elif (m := _NUMBERED.match(t)):
        word = m["word"].lower()
        code = ("M" if word in ("milestone", "mvp", "release") else word[0].upper()) + m["n"]
        rest = m["rest"]
    elif (m := _MONTHS_FIRST.match(t)):
        h = MilestoneHeading("", m["rest"].strip(), float(m["a"]), float(m["b"]))
        return h
    else:
        return None
    h = MilestoneHeading(code, rest.strip() or t)
    # "(Months 4-6)", "(4 weeks)", "(1K-10K users)" at the end of the name
    while (p := _PAREN.search(h.name)):
        inside = p.group(1)
        a, b = months_in(inside)
        w = _WEEKS.search(f"({inside})")
        u = users_in(inside)
        if not math.isnan(a):
            h.start, h.end = a, b
        elif w:
            n = float(w["n"])
            h.weeks = n if w["unit"].lower().startswith("w") else n * 52 / 12
        elif not math.isnan(u) and re.search(r"[-–—]|to", inside):
            h.users = u
        else:
            break
        h.name = h.name[:p.start()].strip()
    h.name = h.name.rstrip(":—–- ") or t
    return h


# -- header vocabulary ---------------------------------------------------------------------------
def _key(cell: str) -> str:
    return " ".join(re.sub(r"[^\w$€£/%+.]+", " ", text_key(cell)).split())


_ROLE = ("role", "position", "title", "person", "team member", "who", "hire", "staff", "people")
_RATE = ("rate", "hourly", "per hour", "/hr", "day rate")
_SALARY = ("salary", "annual", "per year", "/yr")
_MONTHS_COL = ("months", "month", "duration", "period")
_FTE = ("fte", "headcount", "allocation", "utilization", "count", "qty", "quantity", "people", "#")
_COST = ("cost", "amount", "price", "budget", "total", "spend", "estimate", "value", "$", "€", "£", "fee")
_ITEM = ("component", "item", "service", "activity", "expense", "description", "line", "category", "tool",
         "vendor", "cost driver", "driver", "source", "what", "name", "resource", "task")
_MONTHLY = ("monthly", "per month", "/mo", "/month", "month cost", "mrr", "run rate")
_LOW, _MID, _HIGH = ("low", "min", "minimum", "conservative"), ("mid", "expected", "base", "likely", "target"), \
    ("high", "max", "maximum", "stretch", "aggressive")
_REVENUE = ("revenue", "income", "sales", "mrr", "arr")
_FREE = ("free tier", "free", "included", "paid tier", "quota")
_LLM = ("per 1m tokens", "mtok", "input", "output", "tokens")


def has(cell: str, words: tuple[str, ...]) -> bool:
    """True when a header cell's words include one of ``words`` (whole words, or symbols)."""
    k = _key(cell)
    padded = f" {k} "
    return any((f" {w} " in padded) if w[0].isalnum() else (w in k) for w in words)


def column(header: list[str], *groups: tuple[str, ...], exclude: tuple[str, ...] = ()) -> int:
    """Index of the first header cell matching every word group (and none of ``exclude``), or -1."""
    for i, cell in enumerate(header):
        if all(has(cell, g) for g in groups) and not (exclude and has(cell, exclude)):
            return i
    return -1


@dataclass
class TableKind:
    """What a table is: ``kind`` one of ``team``, ``rate_card``, ``estimates``, ``milestone_totals``,
    ``trajectory``, ``operating``, ``metrics``, ``revenue``, ``usage_pricing``, ``llm_pricing``,
    ``lines`` (build cost lines or, by its heading, operating costs), ``by_users`` (costs at user
    counts), ``projection`` or ``unknown``;
    ``columns`` maps a role (``role``, ``rate``, ``months``, ``fte``, ``cost``, ``item``, ``details``,
    ``low``, ``mid``, ``high``, ``monthly``, ``calculation``, ``users``, ``salary``, ``value``...) to
    its column index; ``why`` says which header words decided it."""

    kind: str
    columns: dict[str, int]
    why: str = ""


def classify(header: list[str]) -> TableKind:
    """Classify a table by its header cells (see :class:`TableKind`)."""
    h = [c.strip() for c in header]
    first = _key(h[0]) if h else ""
    cols: dict[str, int] = {}

    def pick(name: str, *groups: tuple[str, ...], exclude: tuple[str, ...] = ()) -> int:
        for i, cell in enumerate(h):
            if i not in cols.values() and all(has(cell, g) for g in groups) and not (exclude and has(cell, exclude)):
                cols[name] = i
                return i
        return -1

    low, mid, high = column(h, _LOW), column(h, _MID), column(h, _HIGH)
    if first in ("milestone", "phase", "stage", "period", "month", "quarter", "year") or first.startswith(("milestone", "phase")):
        cols["milestone"] = 0
        if low >= 0 and high >= 0:
            cols.update(low=low, mid=mid, high=high)
            return TableKind("milestone_totals", cols, "Milestone | Low | Mid | High")
        u = column(h, ("users", "mau", "customers"))
        cpu = column(h, ("cost/user", "per user", "cost per user", "/user"))
        if u >= 0 or cpu >= 0:
            cols.update(users=u, cost_per_user=cpu)
            for name, words in (("timeline", ("timeline", "months")), ("total", ("total", "cost"))):
                i = column(h, words, exclude=("user",))
                if i > 0 and i not in (u, cpu):
                    cols[name] = i
            return TableKind("trajectory", cols, "Milestone | Users | Cost/User")
        if column(h, _REVENUE) >= 0 or column(h, ("profit", "margin")) >= 0:
            return TableKind("projection", cols, "Milestone | Revenue / Profit")
    if first in ("users", "user count", "mau", "dau", "active users", "scale", "subscribers"):
        return TableKind("by_users", {"users": 0}, "Users | ... | Cost")
    if column(h, _LLM) >= 0 and column(h, ("model",)) >= 0 or column(h, ("per 1m tokens",)) >= 0 or column(h, ("mtok",)) >= 0:
        return TableKind("llm_pricing", {"item": 0}, "Model | Input / Output per MTok")
    if column(h, ("free tier",)) >= 0 or column(h, ("paid tier",)) >= 0:
        return TableKind("usage_pricing", {"item": 0, "free": column(h, ("free",)), "paid": column(h, ("paid",))},
                         "Service | Free tier | Paid tier")
    role = column(h, _ROLE)
    if role >= 0:
        cols["role"] = role
        rate = pick("rate", _RATE)
        salary = pick("salary", _SALARY)
        months = pick("months", _MONTHS_COL, exclude=("per month", "monthly", "/mo"))
        fte = pick("fte", _FTE)
        monthly = pick("monthly", _MONTHLY)
        cost = pick("cost", _COST, exclude=_RATE + _SALARY + _MONTHLY)
        if (months >= 0 or fte >= 0) and (rate >= 0 or salary >= 0 or cost >= 0 or monthly >= 0):
            return TableKind("team", cols, "Role | Rate | Months | FTE | Cost")
        if rate >= 0 or salary >= 0:
            pick("source", ("source",))
            return TableKind("rate_card", cols, "Role | Salary | Hourly rate")
        if monthly >= 0 or cost >= 0:
            return TableKind("team", cols, "Role | Cost")
        cols.clear()
    if low >= 0 and high >= 0:
        cols.update(item=0, low=low, mid=mid, high=high)
        return TableKind("estimates", cols, "Category | Low | Mid | High")
    if len(h) == 2 and (first in ("metric", "measure", "kpi", "figure") or has(h[1], ("value",))):
        return TableKind("metrics", {"item": 0, "value": 1}, "Metric | Value")
    rev = column(h, _REVENUE)
    if rev >= 0 and rev != 0:
        cols.update(item=0, cost=rev)
        cust = column(h, ("customers", "count", "subscribers", "users"))
        if cust >= 0 and cust not in (0, rev):
            cols["customers"] = cust
        return TableKind("revenue", cols, "Source | Revenue")
    monthly = column(h, _MONTHLY)
    calc = column(h, ("calculation", "formula", "math", "how"))
    if monthly > 0 or first in ("cost driver", "driver"):
        cols.update(item=0, monthly=monthly if monthly > 0 else len(h) - 1)
        if calc > 0:
            cols["calculation"] = calc
        det = column(h, ("details", "notes", "usage", "description", "assumption"))
        if det > 0 and det not in cols.values():
            cols["details"] = det
        return TableKind("operating", cols, "Cost driver | Calculation | Monthly")
    cost = -1
    for i in range(len(h) - 1, 0, -1):  # the right-most cost-like column
        if has(h[i], _COST):
            cost = i
            break
    if cost > 0:
        cols.update(item=0, cost=cost)
        det = column(h, ("details", "notes", "usage", "description", "assumption", "what", "calculation"))
        if 0 < det != cost:
            cols["details"] = det
        return TableKind("lines", cols, "Item | Cost")
    return TableKind("unknown", {}, "")


def category_of(heading: str, categories: list[str]) -> str:
    """The estimate category a line table's heading belongs to: ``Third-Party Services (3
    months)`` -> ``Third-Party`` when the milestone's summary names it, ``Compliance & Legal`` ->
    ``Compliance``; else the heading without its parenthesis (``Legal (4 months)`` -> ``Legal``)."""
    base = _PAREN.sub("", clean_heading(heading)).strip() or heading
    words = [w for w in re.split(r"[^\w]+", text_key(base)) if w and w not in ("and", "costs", "cost", "the")]
    best, score = "", 0
    for cat in categories:
        cw = set(w for w in re.split(r"[^\w]+", text_key(_PAREN.sub("", cat))) if w)
        s = sum(3 if i == 0 else 1 for i, w in enumerate(words) if w in cw)
        if s > score:
            best, score = cat, s
    return best or base

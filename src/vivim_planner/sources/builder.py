"""A founder's Markdown cost document turned into plan rows, block by block.

:class:`DocumentReader` walks the blocks of :mod:`.tree` in order, keeping the heading
context: a heading naming a milestone opens it (until a heading of its level or above), and
every table or list under it becomes that milestone's lines by its class (:mod:`.classify`):

* team tables -> team lines (``allocations``), with their **Subtotal** as a stated figure;
* item | cost tables -> build cost lines in the category their heading names (matched to the
  milestone's Build Cost Summary categories), or operating cost lines when the heading or the
  amounts say monthly; ``└─ Option`` rows are alternatives of the line above, not summed;
* Low | Mid | High tables -> estimates; Cost driver | Monthly -> operating costs; Metric | Value
  -> stated totals, users and cost per user; Source | Revenue -> revenue offsets;
* Milestone | Low | Mid | High and Milestone | Users | Cost/User tables -> stated figures per
  milestone; Role | Salary | Hourly rate -> the rate card;
* bullet lists of ``item: amount`` or ``2 × $8,000 = $16,000`` -> lines like a table's rows.

Every block gets an entry in the :class:`~.report.ImportReport`. :mod:`.assemble` turns the
rows into a :class:`~vivim_planner.domain.Plan`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from ..domain import text_key
from .classify import classify, clean_heading, count, has, milestone_heading, months_in, users_in
from .money import Money, parse_money
from .report import ImportReport
from .tree import MAX_COLUMNS, Block

_TOTAL = re.compile(r"^(?:sub[- ]?total|total|grand total|sum|overall)\b|\b(?:sub[- ]?total|total)\s*$|"
                    r"\btotal\b.*\b(?:cost|ops|spend|budget)", re.IGNORECASE)
_ALTERNATIVE = re.compile(r"^\s*(?:[└├│┣┗╰]+[─━-]*\s*|↳\s*|or\s+)|^\s*(?:option|alternative|alt\.?)\s*[a-z0-9]?\b",
                          re.IGNORECASE)
_OPTION_PREFIX = re.compile(r"^\s*[└├│┣┗╰↳]+[─━-]*\s*")
_CODE_IN_CELL = re.compile(r"^\s*(M\d{1,3}|[PS]\d{1,3})\b", re.IGNORECASE)
_KEY_VALUE = re.compile(r"^\s*(?P<key>[^:]{1,80}?)\s*(?::|—|–| - )\s*(?P<value>.+?)\s*$")
_COUNT_PAREN = re.compile(r"\s*\((\d[\d,]*)\)\s*$")
_MONTHLY_WORDS = ("monthly", "per month", "/mo", "operating", "running", "run cost", "recurring", "ongoing",
                  "variable costs", "opex", "burn")
_TEAM_WORDS = ("personnel", "team", "people", "staff", "salaries", "hiring", "payroll", "contractors", "headcount")
_ROLE_WORDS = ("engineer", "developer", "designer", "manager", "writer", "counsel", "lawyer", "lead", "founder",
               "analyst", "scientist", "marketer", "support", "architect", "consultant", "contractor", "intern",
               "cto", "ceo", "coo", "cfo", "devops", "sre", "pm", "qa", "tester", "recruiter", "accountant",
               "bookkeeper", "assistant", "specialist", "officer", "director", "head of")


@dataclass
class Milestone:
    """A milestone being read: its heading's fields, where it starts, the categories of its
    estimate table (for naming line categories) and its notes."""

    code: str
    name: str
    line: int
    level: int
    start: float = math.nan
    end: float = math.nan
    weeks: float = math.nan
    users: float = math.nan
    phase: str = ""
    notes: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    budget: Money | None = None
    budget_line: int = 0
    placeholder: bool = False  # the one milestone of a document that names none


_CURRENCY_NAMES = ((("us dollar", "usd"), "USD"), (("australian dollar", "aud"), "AUD"),
                   (("canadian dollar", "cad"), "CAD"), (("new zealand dollar", "nzd"), "NZD"),
                   (("euro", "eur"), "EUR"), (("pound", "gbp", "sterling"), "GBP"), (("swiss franc", "chf"), "CHF"))
_CURRENCY_WORDS = re.compile(r"\b(?:all\s+)?(?:figures|amounts|prices|costs|numbers|values)\s+(?:are\s+)?(?:in|shown in)\s+"
                             r"((?:us|australian|canadian|new zealand)\s+dollars?|euros?|eur|usd|aud|cad|nzd|gbp|chf|"
                             r"pounds?(?:\s+sterling)?|british pounds?|swiss francs?)\b", re.IGNORECASE)
_ONE_OFF_WORDS = ("one-time", "one time", "one-off", "upfront", "build", "development costs", "capex")


def budget_is_monthly(m: Money) -> bool:
    """A stated budget per month: ``$300-800/month``, or its key says monthly (``Monthly Cost``)."""
    return m.per == "month" or has(m.remark, ("monthly", "per month", "a month", "/mo", "burn", "run rate"))


def is_total(label: str) -> bool:
    """A Subtotal / TOTAL / Total Monthly Ops row."""
    return bool(_TOTAL.search(label.strip().strip("*")))


def _strip_paren(text: str) -> str:
    return re.sub(r"\s*\([^()]*\)\s*$", "", text).strip()


def _decimals(text: str) -> int:
    m = re.search(r"\d[\d,]*\.(\d+)", text)
    return len(m.group(1)) if m else 0


def lower_first(text: str) -> str:
    """``Users provide`` -> ``users provide`` for a list run into a sentence; ``PII detection``
    and ``BYOK`` keep their capitals."""
    word = text.split(" ", 1)[0]
    return text if len(word) > 1 and word[1:2].isupper() else text[:1].lower() + text[1:]


class DocumentReader:
    """Reads blocks into rows (``rows[table]`` lists of raw field dicts with ``_line``, the
    document line, and for build lines ``_category_heading``) and fills ``report``."""

    def __init__(self, name: str, number_locale: str):
        self.report = ImportReport(source=name)
        self.locale = number_locale
        self.rows: dict[str, list[dict]] = {t: [] for t in ("roles", "allocations", "build_items", "estimates",
                                                             "operating_costs", "revenues", "stated_figures")}
        self.milestones: list[Milestone] = []
        self.current: Milestone | None = None
        self.stack: list[tuple[int, str]] = []
        self.title, self.subtitle = "", ""
        self.notes: list[str] = []
        self.currencies: dict[str, int] = {}
        self.reference_prices: dict[str, float] = {}
        self.hours_stated = math.nan
        self.named_currency, self.named_currency_text = "", ""
        self._first_block = True

    # -- helpers ---------------------------------------------------------------------------
    def money(self, text: str) -> Money | None:
        m = parse_money(text, self.locale)
        if m is not None and m.currency:
            self.currencies[m.currency] = self.currencies.get(m.currency, 0) + 1
        return m

    def heading(self) -> str:
        return self.stack[-1][1] if self.stack else ""

    def stated(self, metric: str, value: float, label: str, *, line: int, bound: str = "value", category: str = "",
               decimals: int = 0, milestone: Milestone | None = None, category_heading: str = "") -> None:
        m = milestone if milestone is not None else self.current
        self.rows["stated_figures"].append(dict(milestone=m.code if m else None, metric=metric, category=category,
                                                bound=bound, value=value, decimals=decimals, label=label,
                                                _line=line, _category_heading=category_heading, _m=m))

    def stated_money(self, metric: str, m: Money, label: str, *, line: int, text: str, **kw) -> None:
        """A stated figure; a range is stated as its low and its high bound, or where the metric
        is one figure (a monthly total) as its midpoint, which the lines' midpoints add up to."""
        if m.is_range and metric not in ("build_subtotal", "estimate_total", "consolidated_total"):
            mid = (m.low + m.high) / 2
            self.stated(metric, mid, f"{label} (midpoint of {m.low:,.0f}-{m.high:,.0f})", line=line, decimals=1, **kw)
        elif m.is_range:
            self.stated(metric, m.low, label, line=line, bound="low", decimals=_decimals(text), **kw)
            self.stated(metric, m.high, label, line=line, bound="high", decimals=_decimals(text), **kw)
        else:
            self.stated(metric, m.value, label, line=line, decimals=_decimals(text), **kw)

    def find_milestone(self, cell: str) -> Milestone | None:
        m = _CODE_IN_CELL.match(cell)
        if m:
            code = m.group(1).upper()
            for ms in self.milestones:
                if ms.code == code:
                    return ms
        key = text_key(_strip_paren(cell))
        for ms in self.milestones:
            if key and (key == text_key(ms.name) or key in text_key(ms.name)):
                return ms
        return None

    # -- the walk --------------------------------------------------------------------------
    def read(self, blocks: list[Block]) -> None:
        for b in blocks:
            handler = getattr(self, f"on_{b.kind}")
            handler(b)
            self._first_block = False

    def on_heading(self, b: Block) -> None:
        text = clean_heading(b.text)
        if b.level == 7 and _KEY_VALUE.match(text) and self.money(text.split(":", 1)[-1]) is not None:
            self.on_paragraph(Block("paragraph", b.line, text))
            return
        if not self.title and b.level == 1 and milestone_heading(text) is None:
            self.title = text
            self.stack.append((1, text))
            return
        if self.title and not self.subtitle and b.level == 2 and len(self.stack) == 1 and not self.milestones \
                and len(self.report.entries) == 0 and not self.notes:
            self.subtitle = text
        while self.stack and self.stack[-1][0] >= b.level:
            self.stack.pop()
        self.stack.append((b.level, text))
        if self.current is not None and b.level <= self.current.level:
            self.current = None
        mh = milestone_heading(text)
        if mh is not None:
            code = mh.code or f"M{len(self.milestones) + 1}"
            taken = {m.code for m in self.milestones}
            base, k = code, 2
            while code in taken:
                code, k = f"{base}.{k}", k + 1
            ms = Milestone(code, mh.name, b.line, b.level, mh.start, mh.end, mh.weeks, mh.users)
            self.milestones.append(ms)
            self.current = ms
            said = [f"months {mh.start:g}-{mh.end:g}"] if not math.isnan(mh.start) else []
            said += [f"{mh.weeks:g} weeks"] if not math.isnan(mh.weeks) else []
            said += [f"{mh.users:,.0f} users"] if not math.isnan(mh.users) else []
            self.report.add(b.line, f'heading "{text}"', f"milestone {code} \"{mh.name}\"" +
                            (f" ({', '.join(said)})" if said else ""))
            return
        if self.current is not None:
            u = users_in(text, parenthesised=True)
            if not math.isnan(u) and math.isnan(self.current.users):
                self.current.users = u
                self.current.notes.insert(0, f"{text}.")  # where the milestone's users come from, first

    def on_paragraph(self, b: Block) -> None:
        self.prose_currency(b.text)
        used = False
        for raw_line in b.text.split("\n"):
            kv = _KEY_VALUE.match(raw_line.replace("**", ""))
            if not kv:
                continue
            key, value = text_key(kv["key"]), kv["value"].strip()
            ms = self.current
            if ms is not None and key in ("timeline", "months", "when", "dates", "period", "duration", "timing"):
                a, e = months_in(value)
                if not math.isnan(a):
                    ms.start, ms.end, used = a, e, True
                else:
                    w = re.match(r"^(\d+(?:\.\d+)?)\s*(weeks?|months?)", value, re.IGNORECASE)
                    if w:
                        n = float(w.group(1))
                        ms.weeks, used = (n if w.group(2).lower().startswith("w") else n * 52 / 12), True
            elif ms is not None and key in ("phase", "focus", "theme", "goal"):
                ms.phase, used = value, True
            elif ms is not None and key in ("users", "target users", "target", "mau", "active users"):
                u = users_in(value + " users")
                if not math.isnan(u):
                    ms.users, used = u, True
            elif key in ("hours per month", "hours/month", "billable hours", "hours per fte-month"):
                h = count(value.split()[0])
                if not math.isnan(h):
                    self.hours_stated, used = h, True
            elif (ms is None or ms.placeholder) and "total" in key and "cost" in key and (m := self.money(value)) \
                    and not m.is_range:
                label = kv["key"].strip() + (f" ({m.remark})" if m.remark else "")
                self.stated("consolidated_total", m.value, label, line=b.line, milestone=None,
                            bound="mid" if re.search(r"\bmid\b", value, re.IGNORECASE) else "value")
                used = True
            elif ms is not None and not ms.placeholder and any(w in key for w in ("budget", "monthly cost", "monthly spend", "burn",
                                                            "run rate", "cost")) and (m := self.money(value)):
                ms.budget, ms.budget_line, used = m, b.line, True
                ms.budget.remark = kv["key"].strip()
        if used:
            self.report.add(b.line, "paragraph", f"fields of milestone {self.current.code}" if self.current else
                            "a stated plan figure")
        elif self.money(b.text.replace("\n", " ")) is not None and re.search(r"[$€£]\s?\d", b.text):
            self.report.add(b.line, "paragraph with amounts", "not read (prose)", skipped=True,
                            help="type these figures into a grid if they are costs")

    def prose_currency(self, text: str) -> None:
        """``All figures in Australian dollars`` / ``Prices in euro`` / ``(AUD)``: a currency the
        document names in words sets the plan's (the first one named wins)."""
        if self.named_currency:
            return
        m = _CURRENCY_WORDS.search(text)
        if m:
            word = m.group(1).lower()
            self.named_currency = next(code for words, code in _CURRENCY_NAMES if any(w in word for w in words))
            self.named_currency_text = " ".join(text.split())[:80]

    def on_quote(self, b: Block) -> None:
        text = b.text.replace("**", "").strip()
        self.prose_currency(text)
        if self.current is not None:
            self.current.notes.append(text)
            self.report.add(b.line, "quote", f"notes of milestone {self.current.code}")
        else:
            self.notes.append(text)
            self.report.add(b.line, "quote", "plan notes")

    def on_code(self, b: Block) -> None:
        """A preformatted block of ``Item:   $200-400`` lines (a cost list typed in a code fence)
        is read as a list; code is not."""
        lines = b.text.splitlines()
        items = [(ln.strip().lstrip("-• ").strip(), b.line + 1 + i) for i, ln in enumerate(lines[:500])]
        priced = [t for t, _ in items if _KEY_VALUE.match(t) and re.search(r"[$€£]\s?\d", t)
                  and parse_money(_KEY_VALUE.match(t)["value"]) is not None]
        if self.current is not None and not self.current.placeholder and len(priced) >= 2 and len(priced) * 3 >= len([t for t, _ in items if t]):
            from .lists import read_list

            read_list(self, Block("list", b.line, items=[(t, n) for t, n in items if t and not t.endswith(":")]),
                      what=f'preformatted list under "{self.heading()}"')
            return
        has_money = any(re.search(r"[$€£]\s?\d", ln) for ln in lines[:500])
        self.report.add(b.line, "code block", "not read (code or preformatted text is not a table)", skipped=True,
                        help="write its figures as a Markdown table or list" if has_money else "")

    def on_html(self, b: Block) -> None:
        self.report.add(b.line, "HTML block", "not read (HTML is never interpreted)", skipped=True)

    def on_list(self, b: Block) -> None:
        from .lists import read_list

        read_list(self, b)

    def on_table(self, b: Block) -> None:
        from .tables import read_table

        what = f'table under "{self.heading()}"' if self.heading() else "table"
        if b.columns > MAX_COLUMNS:
            self.report.add(b.line, what, f"not read: {b.columns:,} columns, more than the {MAX_COLUMNS} a cost "
                                          f"table can have", skipped=True)
            return
        kind = classify(b.header)
        read_table(self, b, kind, what)

    # -- shared by tables and lists ----------------------------------------------------------
    def section_is_monthly(self, header: list[str] | None = None, total: Money | None = None) -> bool:
        """Amounts here are monthly: the heading or header says so, or the section's own total is
        per month (``Total: $320-895/month``), and no one-off words say otherwise."""
        words = [self.heading()] + list(header or [])
        if any(has(w, _ONE_OFF_WORDS) for w in words):
            return False
        return any(has(w, _MONTHLY_WORDS) for w in words) or (total is not None and total.per == "month")

    def section_is_team(self) -> bool:
        return has(self.heading(), _TEAM_WORDS)

    @staticmethod
    def looks_like_role(label: str) -> bool:
        return has(label, _ROLE_WORDS)

    def duration(self, ms: Milestone) -> float:
        if not math.isnan(ms.start) and not math.isnan(ms.end):
            return ms.end - ms.start + 1
        if not math.isnan(ms.weeks):
            return max(1.0, math.ceil(ms.weeks / (52 / 12) - 1e-9))
        return math.nan

    def add_line(self, label: str, details: str, m: Money | None, line: int, *, monthly: bool, cost_text: str,
                 calculation: str = "") -> str:
        """One build or operating line of the current milestone from a label and a money cell;
        returns what it became, for the report."""
        ms = self.current
        if m is None:
            if monthly:
                return f"no amount in \"{cost_text}\""
            self.rows["build_items"].append(dict(milestone=ms.code, description=label, details="; ".join(
                x for x in (details, cost_text) if x), _line=line, _category_heading=self.heading(), _m=ms))
            return "build lines without amount"
        remark = m.remark if m.remark and m.remark.lower() not in ("est.", "est") else ""
        if monthly or m.per == "month" and not (not math.isnan(m.quantity) and m.unit_per == "month"):
            row = dict(milestone=ms.code, driver=label, calculation=calculation or details, _line=line, _m=ms)
            value = m.value if not m.is_range else (m.low + m.high) / 2
            if m.per == "year":
                value = value / 12
                row["calculation"] = row["calculation"] or f"{cost_text} ÷ 12"
            row["amount"] = value
            if m.is_range:
                row["calculation"] = row["calculation"] or cost_text
            self.rows["operating_costs"].append(row)
            return "operating lines" + (" (a range: planned at its midpoint)" if m.is_range else "")
        row = dict(milestone=ms.code, description=label, details="; ".join(x for x in (details, remark) if x),
                   _line=line, _category_heading=self.heading(), _m=ms)
        if not math.isnan(m.quantity) and not math.isnan(m.unit):
            row.update(quantity=m.quantity, unit_cost=m.unit)
            if not math.isnan(m.stated):
                row["stated_cost"] = m.stated
        elif m.is_range:
            row.update(low=m.low, high=m.high if math.isfinite(m.high) else None)
        elif m.per == "month" and not math.isnan(d := self.duration(ms)):
            row.update(quantity=d, unit_cost=m.low)
        else:
            row["amount"] = m.low
        self.rows["build_items"].append(row)
        return "build lines"

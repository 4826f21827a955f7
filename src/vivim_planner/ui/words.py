"""Words the window shows in place of the plan's stored codes and terse field labels.

The file, the workbook and the command line keep the codes (``allocations_subtotal``,
``llm_input_tokens``); a founder reads "Team cost of the milestone" in the grid and picks it
from the same words in the drop-down. Typing or pasting either the words or the code works:
:func:`choice_code` turns the words back into the code before the plan's own validation runs.
"""

from __future__ import annotations

from ..domain import Field
from ..domain.fields import text_key

CHOICE_WORDS: dict[str, str] = {
    # stated figures (domain.schema.METRICS)
    "allocations_subtotal": "Team cost of the milestone",
    "build_subtotal": "Build cost lines of a category",
    "estimate_total": "Estimate of the milestone",
    "operating_total": "Monthly operating cost",
    "revenue_total": "Monthly revenue",
    "net_operating": "Net monthly operating cost",
    "cost_per_user": "Cost per user",
    "users": "Users",
    "consolidated_total": "Total of the plan",
    # stated usage figures (domain.usage_schema.USAGE_METRICS)
    "monthly_cost": "Monthly cost",
    "quantity": "Usage quantity",
    "tier_cost": "Tier cost",
    "llm_cost_per_user": "LLM cost per user",
    "llm_list_cost_per_user": "LLM cost per user at list price",
    "llm_input_tokens": "LLM input tokens",
    "llm_output_tokens": "LLM output tokens",
    # stated economics figures (domain.economics_schema.ECONOMICS_METRICS)
    "margin": "Gross margin",
    "contribution": "Contribution per subscriber",
    "break_even_subscribers": "Break-even subscribers",
    "break_even_month": "Break-even month",
    "runway_months": "Runway (months)",
    "runway_without_revenue": "Runway without revenue (months)",
    "step_revenue": "Revenue of a growth step",
    "step_cost": "Monthly cost of a growth step",
    "step_profit": "Profit of a growth step",
    "step_margin": "Margin of a growth step",
    # bounds of a stated figure
    "value": "As stated",
}

HEADER_WORDS: dict[str, str] = {  # field name -> header, wherever the field appears
    "bound": "Low / high",
    "decimals": "Decimals shown",
}

CHOICE_FIELDS = frozenset({"metric", "bound"})
"""Fields whose stored codes are shown as :data:`CHOICE_WORDS`."""

_BY_WORDS = {text_key(words): code for code, words in CHOICE_WORDS.items()}


def choice_words(value: object) -> object:
    """The words for a stored code (the value itself when it has none)."""
    return CHOICE_WORDS.get(value, value) if isinstance(value, str) else value


def choice_code(field: Field | None, text: object) -> object:
    """The stored code for ``text`` typed into ``field`` when ``text`` is the code's words;
    anything else unchanged (the plan then judges it)."""
    if field is None or not isinstance(text, str) or field.name not in CHOICE_FIELDS:
        return text
    return _BY_WORDS.get(text_key(text), text)


def header(field: Field) -> str:
    """The column header of ``field`` in the window."""
    return HEADER_WORDS.get(field.name, field.label)

"""The input sheets: *Plan* (settings as named cells), one sheet per plan table (inputs, derived
formula columns, the hidden Row ID) and the *Build roll-up* (milestone x category)."""

from __future__ import annotations

import math

import numpy as np

from ..domain import ALL_TABLES, Kind, column_letter
from ..domain.currency import currency_prefix
from ..domain.schema import ALLOCATIONS, BUILD_ITEMS, ESTIMATES
from ..domain.table import TableSpec
from ..engine.rollup import positions_of
from . import formulas as F
from .formulas import ROLLUP_SHEET, Derived, criterion, whole_column
from .styles import (MAX_TEXT_WIDTH, NOTES_WIDTH, decimals_needed, metric_label, money_decimals, number_format,
                     number_width, text_width)
from .base import PLAN_SHEET, ROW_ID, SETTING_HELP, SETTING_LABELS, SETTING_NAMES, WriterBase, _exact_in_16_digits


SPARE_FORMULA_ROWS = 50
"""Rows below a grid's last row that already hold its derived formulas (empty until the analyst
types a line there, which every total then counts)."""


class GridsMixin(WriterBase):
    # -- plan settings -------------------------------------------------------------------------
    def plan_sheet(self, ws) -> None:  # noqa: ANN001
        st, s = self.st, self.plan.settings
        ws.write_string(0, 0, "Plan settings", st.get("title"))
        ws.write_string(1, 0, "Blue cells are inputs: change hours per month here and every team line, "
                              "total and cost per user follows.", st.get("subtitle"))
        ws.write_string(3, 0, "Setting", st.get("header"))
        ws.write_string(3, 1, "Value", st.get("header"))
        ws.write_string(3, 2, "What it does", st.get("header"))
        row = 4
        for key in s.keys():
            value = getattr(s, key)
            label = SETTING_LABELS.get(key, key.replace("_", " ").capitalize())
            ws.write_string(row, 0, label, st.get("label"))
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                v = float(value)
                fmt = st.get("input", number_format(decimals_needed([v])))
                if _exact_in_16_digits(np.asarray([v]))[0]:
                    ws.write_number(row, 1, v, fmt)
                else:  # XlsxWriter writes 16 digits; a one-number formula keeps all 17
                    ws.write_formula(row, 1, f"={v!r}", fmt, v)
            else:
                wrap = {"text_wrap": True} if key == "notes" else {}
                ws.write_string(row, 1, str(value), st.get("input", "@", **wrap))
            ws.write_string(row, 2, SETTING_HELP.get(key, ""), st.get("note", text_wrap=False))
            if key in SETTING_NAMES:
                self.wb.define_name(SETTING_NAMES[key], f"={PLAN_SHEET}!$B${row + 1}")
            if key == "notes" and value:
                lines = sum(max(1, math.ceil(len(part) / (NOTES_WIDTH * 0.95))) for part in str(value).split("\n"))
                ws.set_row(row, min(409, 13.5 * lines))
            row += 1
        ws.set_column(0, 0, 18)
        ws.set_column(1, 1, NOTES_WIDTH)
        ws.set_column(2, 2, 80)
        self._page(ws, PLAN_SHEET, f"A1:C{row}", header_rows=None)

    # -- grid sheets ---------------------------------------------------------------------------
    def grid_sheet(self, ws, spec: TableSpec) -> None:  # noqa: ANN001
        """One table's sheet: a header row of field labels (row 1, so ``Team!F7`` is the same
        cell as in the grid and in messages), inputs column by column (references as the code /
        name the grid shows, empty inputs still styled as inputs), the derived formula columns,
        for stated figures the live recomputation beside each, and the hidden Row ID column."""
        plan, st = self.plan, self.st
        t = plan.tables[spec.name]
        n = len(t)
        derived: tuple[Derived, ...] = F.derived_columns(spec, plan)
        extra_cols: list[str] = []  # stated figures: the computed figure beside the stated one
        if spec.name == "stated_figures":
            extra_cols = ["Computed", "Difference", "Audit"]
        n_in = len(spec.fields)
        id_col = n_in + len(derived) + len(extra_cols)
        refs_col = {f.name: column_letter(i) for i, f in enumerate(spec.fields)}
        refs_col.update({d.key: column_letter(n_in + i) for i, d in enumerate(derived)})

        # headers
        for c, f in enumerate(spec.fields):
            ws.write_string(0, c, self.header_text(f), st.get("header"))
            if f.help or f.unit:
                ws.write_comment(0, c, (f.help or f.unit), {"visible": False, "x_scale": 1.6})
        for i, d in enumerate(derived):
            ws.write_string(0, n_in + i, d.label, st.get("header_formula"))
            if d.help:
                ws.write_comment(0, n_in + i, f"Formula: {d.help}", {"visible": False, "x_scale": 1.6})
        for i, label in enumerate(extra_cols):
            ws.write_string(0, n_in + len(derived) + i, label, st.get("header_formula"))
        ws.write_string(0, id_col, ROW_ID, st.get("header_formula"))
        ws.write_comment(0, id_col, "Keeps each row's identity for the import back into VIVIM Planner. "
                                    "Leave it as it is; new rows leave it empty.", {"visible": False})
        ws.set_row(0, 30)

        # input columns, column by column
        for c, f in enumerate(spec.fields):
            col = t.column(f.name)
            if f.kind is Kind.TEXT or f.kind is Kind.REF:
                if f.kind is Kind.REF:
                    texts = self._ref_texts(f.ref_table, col)
                elif f.name == "metric":  # a label a person reads, not the stored code
                    texts = [metric_label(v) for v in col]
                else:
                    texts = col
                fmt = st.get("input", "@", text_wrap=True) if f.max_length > 200 else st.get("input", "@")
                flagged = self._flag_positions(spec.name, t, f.name)
                flag_fmt = st.get("flag", "@")
                for p, v in enumerate(texts):
                    if v:
                        ws.write_string(p + 1, c, v, flag_fmt if p in flagged else fmt)
                    else:  # an empty input still looks like a place to type
                        ws.write_blank(p + 1, c, None, fmt)
                ws.set_column(c, c, text_width(texts, f.label, NOTES_WIDTH if f.max_length > 200 else MAX_TEXT_WIDTH))
            else:
                arr = np.asarray(col, dtype=np.float64)
                num_fmt, decimals, prefix = self.column_style(self.field_kind(f), arr)
                fmt = st.get("input", num_fmt)
                flagged = self._flag_positions(spec.name, t, f.name)
                flag_fmt = st.get("flag", num_fmt)
                finite = np.flatnonzero(np.isfinite(arr)).tolist()
                for p in np.flatnonzero(~np.isfinite(arr)).tolist():
                    ws.write_blank(p + 1, c, None, fmt)  # an empty input still looks like a place to type
                exact = _exact_in_16_digits(arr[finite])
                write = ws.write_number
                per_row = self._stated_value_formats() if (spec.name, f.name) == ("stated_figures", "value") else None
                for p, ok in zip(finite, exact):
                    v = float(arr[p])
                    cell_fmt = flag_fmt if p in flagged else fmt
                    if per_row is not None:
                        cell_fmt = st.get("flag" if p in flagged else "input", per_row[p])
                    if ok:
                        write(p + 1, c, v, cell_fmt)
                    else:  # XlsxWriter writes 16 digits; a one-number formula keeps all 17
                        ws.write_formula(p + 1, c, f"={v!r}", cell_fmt, v)
                ws.set_column(c, c, number_width(arr, f.label, decimals, prefix))
                self._validate_numbers(ws, f, c, n)
            if f.kind is Kind.REF:
                self._validate_ref(ws, f, c, n)

        # derived columns, column by column
        for i, d in enumerate(derived):
            c = n_in + i
            values = d.values(plan, self.r)
            arr = np.asarray(values, dtype=np.float64)
            num_fmt, decimals, prefix = self.column_style(d.style, arr)
            fmt = st.get("formula", num_fmt)
            refs = {k: "" for k in refs_col}
            for p in range(n):
                r = str(p + 2)
                for k, letter in refs_col.items():
                    refs[k] = letter + r
                self.formula(ws, spec.sheet, p + 1, c, d.formula(refs, p), fmt, arr[p])
            # spare rows: type a new line below the last one and its formulas are there
            blank = "0" if d.blank == 0 else '""'
            last_input = column_letter(n_in - 1)
            for p in range(n, n + SPARE_FORMULA_ROWS):
                r = str(p + 2)
                for k, letter in refs_col.items():
                    refs[k] = letter + r
                inner = d.formula(refs, p)[1:]
                self.formula(ws, spec.sheet, p + 1, c, f"=IF(COUNTA(A{r}:{last_input}{r})=0,{blank},{inner})", fmt,
                             d.blank)
            ws.set_column(c, c, number_width(arr, d.label, decimals, prefix))
        if derived:  # the spare rows' inputs look like places to type
            spare_fmt = st.get("input")
            for p in range(n, n + SPARE_FORMULA_ROWS):
                for c in range(n_in):
                    ws.write_blank(p + 1, c, None, spare_fmt)

        if spec.name == "stated_figures":
            self._stated_extras(ws, spec, n_in + len(derived))

        # row ids, hidden
        ids = t.ids
        id_fmt = st.get("static", "0")
        for p in range(n):
            ws.write_number(p + 1, id_col, int(ids[p]), id_fmt)
        ws.set_column(id_col, id_col, 8, id_fmt, {"hidden": True})

        self._stated_cost_highlight(ws, spec, refs_col, n)
        ws.freeze_panes(1, 0)
        last = id_col - 1
        ws.autofilter(0, 0, max(n, 1), id_col)  # a sort moves each row's id with it
        if n:  # an empty grid (hidden) gets no print area: LibreOffice then leaves it out of a PDF
            self._page(ws, spec.sheet, f"A1:{column_letter(last)}{n + 1}", header_rows=0)

    def _ref_texts(self, table: str, ids: np.ndarray) -> list[str]:
        t = self.plan.tables[table]
        key = "code" if table == "milestones" else "name"
        labels = np.asarray(list(t.column(key)) + [""], dtype=object)
        pos = positions_of(t.ids, np.asarray(ids, dtype=np.int64))
        return labels[pos].tolist()  # -1 (no reference) picks the trailing ""

    def _flag_positions(self, table: str, t, field_name: str) -> set[int]:  # noqa: ANN001
        rows = {rid for (tb, rid, fn) in self.flagged if tb == table and fn == field_name}
        return {t.position(rid) for rid in rows if t.has_id(rid)}

    def _validate_numbers(self, ws, f, c: int, n: int) -> None:  # noqa: ANN001
        """Excel refuses out-of-range numbers as they are typed (the import checks again)."""
        if f.minimum is None and f.maximum is None:
            return
        lo = f.minimum if f.minimum is not None else -1e300
        hi = f.maximum if f.maximum is not None else 1e300
        kind = "integer" if f.kind is Kind.INTEGER else "decimal"
        ws.data_validation(1, c, n + 1000, c, {
            "validate": kind, "criteria": "between", "minimum": lo, "maximum": hi, "ignore_blank": True,
            "error_title": f.label, "error_message": f"{f.label} must be between {lo:,g} and {hi:,g}"[:255]})

    def _validate_ref(self, ws, f, c: int, n: int) -> None:  # noqa: ANN001
        target = next(s for s in ALL_TABLES if s.name == f.ref_table)
        key = "code" if f.ref_table == "milestones" else "name"
        letter = column_letter(target.column_index(key))
        count = len(self.plan.tables[f.ref_table]) + 1000  # rows an investor adds there count too
        source = f"={F.sheet_ref(target.sheet)}!${letter}$2:${letter}${count + 1}"
        ws.data_validation(1, c, n + 1000, c, {
            "validate": "list", "source": source, "ignore_blank": True, "error_type": "warning",
            "error_title": f.label,
            "error_message": f"Not a {target.noun} of sheet {target.sheet}; the import will refuse it"[:255]})

    def _stated_cost_highlight(self, ws, spec: TableSpec, refs: dict[str, str], n: int) -> None:  # noqa: ANN001
        """Red when a line's stated cost disagrees with its computed cost, the audit's own rule
        (whole dollars match within 0.50, figures with cents within half a cent); live."""
        computed = {"allocations": "cost", "build_items": "cost", "operating_costs": "monthly_cost"}.get(spec.name)
        if not computed or "stated_cost" not in refs or n == 0:
            return
        s, c = refs["stated_cost"] + "2", refs[computed] + "2"
        rule = (f"=AND(ISNUMBER({s}),OR(NOT(ISNUMBER({c})),"
                f"ABS({s}-N({c}))>IF(INT({s})={s},0.5,0.005)*(1+1E-9)+1E-9*ABS(N({c}))))")
        col = spec.column_index("stated_cost")
        ws.conditional_format(1, col, n, col, {"type": "formula", "criteria": rule,
                                              "format": self.st.get("flag")})


    # -- build roll-up ---------------------------------------------------------------------------
    def rollup_rows(self) -> list[tuple[int, int]]:
        """(milestone position, category index) of every pair the engine counts, milestones in
        row order, categories in the engine's order (Personnel first)."""
        present = self.r.present
        return [(m, c) for m in range(self.n_ms) for c in range(len(self.r.categories)) if present[m, c]]

    def rollup_sheet(self, ws) -> None:  # noqa: ANN001
        st, r, plan = self.st, self.r, self.plan
        sheet = ROLLUP_SHEET
        for c, h in enumerate(F.ROLLUP_HEADERS):
            ws.write_string(0, c, h, st.get("header" if c < 2 else "header_formula"))
        ws.set_row(0, 30)
        n_al = len(ALLOCATIONS.fields)
        al_cost = whole_column(ALLOCATIONS.sheet, n_al + 2)
        al_ms = whole_column(ALLOCATIONS.sheet, ALLOCATIONS.column_index("milestone"))
        n_bi = len(BUILD_ITEMS.fields)
        b = {band: whole_column(BUILD_ITEMS.sheet, n_bi + i) for i, band in enumerate(("mid", "low", "high"))}
        b_ms = whole_column(BUILD_ITEMS.sheet, BUILD_ITEMS.column_index("milestone"))
        b_cat = whole_column(BUILD_ITEMS.sheet, BUILD_ITEMS.column_index("category"))
        e = {band: whole_column(ESTIMATES.sheet, ESTIMATES.column_index(band)) for band in ("low", "mid", "high")}
        e_ms = whole_column(ESTIMATES.sheet, ESTIMATES.column_index("milestone"))
        e_cat = whole_column(ESTIMATES.sheet, ESTIMATES.column_index("category"))
        codes = plan.milestones.column("code")
        money = st.money(*money_decimals(np.concatenate([v.ravel() for v in r.bottom_up.values()] + [np.zeros(1)])))
        fmt = st.get("formula", money)
        text = st.get("static", "@")
        rows = self.rollup_rows()
        col = {k: column_letter(i) for i, k in enumerate(F.ROLLUP_COLUMNS)}
        for i, (m, c) in enumerate(rows):
            row = i + 1
            x = str(row + 1)
            code, cat = str(codes[m]), r.categories[c]
            ws.write_string(row, 0, code, text)
            ws.write_string(row, 1, cat, text)
            mc, cc = criterion("$A" + x, code), criterion("$B" + x, cat)
            for j, band in enumerate(("low", "mid", "high")):
                builds = f"SUMIFS({b[band]},{b_ms},{mc},{b_cat},{cc})"
                expr = builds + (f"+SUMIFS({al_cost},{al_ms},{mc})" if c == 0 else "")
                self.formula(ws, sheet, row, 2 + j, "=" + expr, fmt, r.bottom_up[band][m, c])
            for j, band in enumerate(("low", "mid", "high")):
                count = f'COUNTIFS({e_ms},{mc},{e_cat},{cc},{e[band]},"<>")'
                self.formula(ws, sheet, row, 5 + j, f'=IF({count}=0,"",SUMIFS({e[band]},{e_ms},{mc},{e_cat},{cc}))',
                             fmt, r.stated_estimate[band][m, c])
            bl, bm, bh = (col[k] + x for k in ("bu_low", "bu_mid", "bu_high"))
            sl, sm, sh = (col[k] + x for k in ("stated_low", "stated_mid", "stated_high"))
            em = col["est_mid"] + x
            # an empty mid is the bottom-up clipped into the stated low-high (MIN / MAX skip "")
            self.formula(ws, sheet, row, 9, f'=IF({sm}<>"",{sm},MIN(MAX({bm},{sl}),{sh}))', fmt,
                         r.estimate["mid"][m, c])
            self.formula(ws, sheet, row, 8, f'=IF({sl}<>"",{sl},MIN({bl},{em}))', fmt, r.estimate["low"][m, c])
            self.formula(ws, sheet, row, 10, f'=IF({sh}<>"",{sh},MAX({bh},{em}))', fmt, r.estimate["high"][m, c])
        ws.set_column(0, 0, text_width(codes, "Milestone", 16))
        ws.set_column(1, 1, text_width(r.categories, "Category"))
        prefix = currency_prefix(plan.settings.currency)
        all_vals = np.concatenate([v.ravel() for v in r.bottom_up.values()] + [np.zeros(1)])
        ws.set_column(2, 10, number_width(all_vals, "Estimate high", 0, prefix))
        ws.freeze_panes(1, 2)
        ws.autofilter(0, 0, max(1, len(rows)), len(F.ROLLUP_HEADERS) - 1)
        if rows:
            self._page(ws, sheet, f"A1:K{len(rows) + 1}", header_rows=0)


"""Every view is a projection of one settlement: the invoice list, the aging, the receivable
balance, the statements and the letters add up, for every item kind.

On generated ledgers with invoices (some in instalments), payments (some unreferenced, some
net of an early-payment discount), credit notes, refunds, write-offs, late-payment charges
posted by the penalties plugin, disputes and payment plans, for every customer, currency and
as-of date:

- the items the invoice list shows (every kind) sum to the aging row, and each bucket's items
  (what an aging cell links to) sum to that cell;
- the aging sums to the receivable accounts' balance;
- the open-items and activity statements close at the aging's total, and their overdue amount
  is the aging's overdue buckets;
- a letter claims exactly the customer's overdue items that are neither disputed nor under a
  kept payment plan, late-payment charges on paid invoices included.

Each check fails when a view drops or double-counts an item kind (try removing penalties from
`beancount_ar.core.selection.listed_items`, or the charges-only lines of
`beancount_ar.core.reminders.worklist`).
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from decimal import Decimal

from beancount import loader
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_properties import START, dates_of, render
from test_properties import ledgers as operations

from beancount_ar.core import aging as aging_lib
from beancount_ar.core.allocation import OVERDUE
from beancount_ar.core.config import config_from_options
from beancount_ar.core.model import PENALTY
from beancount_ar.core.reminders import _plans_in_force, plan_kept, worklist
from beancount_ar.core.report import invoice_rows
from beancount_ar.core.selection import KINDS, ItemQuery
from beancount_ar.core.statements import ACTIVITY, OPEN_ITEMS, build_statements
from beancount_ar.core.subledger import subledger

ZERO = Decimal(0)
PENALTIES = ("plugin \"beancount_ar.penalties\" \"{'regime': 'fixed', 'rate': 10, "
             "'indemnity': 40, 'account': 'Income:Penalties', 'schedule': '%s', "
             "'as_of': '%s'}\"\n2024-01-01 open Income:Penalties\n")
INVOICE = re.compile(r'^(\d{4}-\d\d-\d\d) \* "Invoice (F-\d+)".*?\n  (Assets:Receivable:\w+)'
                     r'  ([\d.]+) (\w+)$', re.M | re.S)

# Disputes and payment plans on the generated invoices: (invoice index, days after the
# invoice, days until resolved or None) and (invoice index, days after, share asked, paid).
extras = st.lists(st.one_of(
    st.tuples(st.just("dispute"), st.integers(0, 30), st.integers(0, 60),
              st.one_of(st.none(), st.integers(1, 60))),
    st.tuples(st.just("plan"), st.integers(0, 30), st.integers(0, 60), st.booleans(),
              st.booleans()),
), max_size=4)


def ledger(ops, more, schedule: str, as_of: datetime.date) -> str:
    text = render(ops)
    invoices = INVOICE.findall(text)
    lines = [text, PENALTIES % (schedule, as_of)]
    for extra in more:
        if not invoices:
            break
        date, number, account, amount, currency = invoices[extra[1] % len(invoices)]
        day = datetime.date.fromisoformat(date) + datetime.timedelta(days=extra[2])
        if extra[0] == "dispute":
            lines.append(f'{day} custom "ar-dispute" "{number}" "contested"')
            if extra[3] is not None:
                resolved = day + datetime.timedelta(days=extra[3])
                lines.append(f'{resolved} custom "ar-dispute-resolved" "{number}" "agreed"')
        else:
            half = (Decimal(amount) / 2).quantize(Decimal("0.01"))
            due = day + datetime.timedelta(days=15)
            lines.append(f'{day} custom "ar-plan" "{number}" {due} {half} {currency} '
                         f'{due + datetime.timedelta(days=30)} {half} {currency}')
            if extra[4]:  # the customer pays the first instalment of the plan
                lines += [f'{due} * "plan payment" ^{number}', f"  {account}  -{half} {currency}",
                          f"  Assets:Bank  {half} {currency}"]
    return "\n".join(lines) + "\n"


def claimable(settlement, rows, as_of: datetime.date) -> dict[tuple[str, str], Decimal]:
    """What letters should claim, per (customer, currency): the overdue rows (disputed ones
    are not overdue but disputed) not covered by a kept payment plan."""
    plans = _plans_in_force(settlement, as_of)
    out: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for row in rows:
        if row.status != OVERDUE:
            continue
        invoice = row.invoice or row.charged_on
        plan = (plans.get((row.customer, invoice)) if invoice else None) or \
            plans.get((row.customer, None))
        if plan is not None and plan.currency == row.currency and \
                plan_kept(settlement, plan, as_of):
            continue
        out[(row.customer, row.currency)] += row.open
    return out


def check_views(entries, options, day: datetime.date) -> None:
    config, _ = config_from_options(options)
    settlement = subledger(entries, options, day)
    balances = aging_lib.receivable_balances(entries, config.receivable_root, day)
    report = aging_lib.aging(settlement, day, balances=balances)
    # the aging sums to the receivable balance
    for currency in report.currencies:
        assert report.difference(currency) == 0, (day, currency)
    rows = invoice_rows(settlement, day)
    assert {row.kind for row in rows} <= set(KINDS)
    # every item is listed once: the list's open amounts are the settlement's
    assert sum(r.open for r in rows) == sum(s.open for s in settlement.items)
    statements = {s.customer.key: s for s in build_statements(
        settlement, sorted({r.customer for r in report.rows}), OPEN_ITEMS)}
    activity = {s.customer.key: s for s in build_statements(
        settlement, sorted({r.customer for r in report.rows}), ACTIVITY,
        START - datetime.timedelta(days=1))}
    for aging_row in report.rows:
        key, currency = aging_row.customer, aging_row.currency
        mine = [r for r in rows if r.customer == key and r.currency == currency]
        # the invoice list (all kinds) sums to the aging row
        assert sum(r.open for r in mine) + aging_row.unapplied == aging_row.total
        # each aging cell is the sum of the items it links to
        for index, amount in enumerate(aging_row.buckets):
            query = ItemQuery(customers={key}, currency=currency, buckets={index})
            cell = invoice_rows(settlement, day, query)
            assert sum(r.open for r in cell) == amount, (key, currency, index)
        # statements close at the aging total, and their overdue is the aging's
        for statement in (statements[key], activity[key]):
            part = next(p for p in statement.parts if p.currency == currency)
            assert part.closing == aging_row.total, (statement.kind, key, currency)
            assert part.overdue == sum(aging_row.buckets[1:], ZERO)
    # letters claim exactly the overdue items that are not disputed nor under a kept plan
    expected = claimable(settlement, rows, day)
    work = worklist(settlement, day)
    for letter in work.reminders + work.waiting:
        if letter.level.number == 0:
            continue
        for currency, total in letter.totals.items():
            assert total == expected[(letter.customer, currency)], (letter.customer, day)
        claimed_charges = sum((c.open for line in letter.lines for c in line.charges), ZERO)
        listed = sum((r.open for r in rows if r.customer == letter.customer
                      and r.kind == PENALTY and r.status == OVERDUE), ZERO)
        assert claimed_charges <= listed


SETTINGS = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@SETTINGS
@given(operations, extras, st.sampled_from(("month-end", "settlement")), st.integers(0, 120))
def test_every_view_adds_up_at_every_date(ops, more, schedule, cut):
    as_of = START + datetime.timedelta(days=cut)
    entries, errors, options = loader.load_string(ledger(ops, more, schedule, as_of))
    assert not [e for e in errors if "internal error" in e.message]
    days = dates_of(entries)
    for day in sorted({days[0], as_of, days[len(days) // 2], days[-1]}):
        check_views(entries, options, day)


# -- the example ledger ----------------------------------------------------------------------

EXAMPLE = "example-ledger/main.beancount"


def test_the_example_ledger_views_agree_with_penalties_on():
    entries, errors, options = loader.load_file(EXAMPLE)
    assert errors == []
    for day in (datetime.date(2026, 6, 30), datetime.date(2026, 11, 23),
                datetime.date(2026, 11, 30)):
        check_views(entries, options, day)
    day = datetime.date(2026, 11, 23)
    settlement = subledger(entries, options, day)
    zinc = "Assets:Receivable:RestaurantLeZinc"
    rows = invoice_rows(settlement, day, ItemQuery(customers={zinc}))
    kinds = {r.kind for r in rows if r.open}
    assert kinds == {"invoice", "penalty"}
    # the final notice asks what the statement shows overdue: charges on paid invoices included
    letter = next(r for r in worklist(settlement, day).reminders if r.customer == zinc)
    (statement,) = build_statements(settlement, [zinc], OPEN_ITEMS)
    assert letter.level.name == "final"
    assert letter.totals == {"EUR": statement.parts[0].overdue} == {"EUR": Decimal("5557.53")}
    assert any(line.paid and line.penalties for line in letter.lines)
    # each generated charge takes one short line of the statement, its computation in a note
    charges = [line for line in statement.parts[0].lines if line.kind == PENALTY]
    assert charges and all(line.note and not line.description for line in charges)
    assert [n.number for n in statement.parts[0].notes] == list(range(1, len(charges) + 1))
    assert all("x" in note.text for note in statement.parts[0].notes)


# -- Fava: every figure opens the lines that make it up ---------------------------------------


def test_every_aging_figure_in_fava_opens_items_that_add_up_to_it(tmp_path):
    import html

    from fava_helpers import base, copy_example, make_app

    app = make_app(copy_example(tmp_path))
    client = app.test_client()
    url = base(app)
    for time in ("", "time=2026-06"):
        body = client.get(f"{url}?{time}&partial=true").get_data(as_text=True)
        table = body[body.index('id="ar-aging-table"'):]
        table = table[:table.index("</table>")]
        cells = re.findall(r'<td class="num[^"]*" data-value="([-\d.]+)">\s*<a href="([^"]+)">',
                           table)
        followed = 0
        for value, href in cells:
            query = html.unescape(href).split("?", 1)[1]
            if "view=invoices" not in query:
                continue  # an unapplied credit opens the customer's page
            query = query.replace("view=invoices&", "").replace("&view=invoices", "")
            items = client.get(f"{url}invoices?{query}").get_json()
            assert isinstance(items, list), items
            assert sum(Decimal(item["open"]) for item in items) == Decimal(value), query
            followed += 1
        assert followed > 20

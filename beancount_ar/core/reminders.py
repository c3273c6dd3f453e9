"""The dunning policy: who gets which reminder (relance) today, and why.

Levels are day offsets from the due date. The default follows French practice:

| level | name | sent | tone |
|---|---|---|---|
| 0 | courtesy | 5 days before the due date | a gentle heads-up |
| 1 | friendly | 7 days past due | a polite reminder |
| 2 | firm | 15 days past due | cites the L441-10 penalties and the 40 EUR indemnity |
| 3 | final | 45 days past due | formal notice (mise en demeure) |

**Adapted to payment history** (`classify`, from `metrics.payment_behaviour` over 12 months):
a customer with at least 3 invoices paid in the window and 80 % or more of them on time is
*punctual*: they get the courtesy reminder before the due date, and the gentle tone. One whose
payments were on average more than 15 days late is a *late payer*: no courtesy reminder, and
firmer steps sooner (friendly at +3, firm at +10, final at +30). Everyone else is *regular*: the
default offsets without the courtesy reminder.

**One letter per customer** claims all its overdue items: invoices, instalments, other debits
and the late-payment charges posted on its invoices, paid ones included (an invoice paid late
whose charges are still open is listed with them). Its level is that of the most overdue
invoice or charge. What it claims is what the customer's statement of the same day shows as
overdue, less what is in dispute or under a kept payment plan. Other debits are claimed with the
rest but never raise the level. An invoice's level never skips a step: its next level is the
one its days overdue reach, but at most one above the last level recorded for it
(``custom "ar-reminder" "F-1" 2 "email"``), so a customer never receives a formal notice as a
first contact. No two reminders go to the same customer less than ``min_days_between`` days
apart. Nothing is sent:

- for an invoice in dispute (``custom "ar-dispute" "F-1" "reason"``, until resolved);
- for invoices under a payment plan that is kept (``custom "ar-plan" ...``): paid since the plan
  at least what its instalments asked by today; a missed instalment brings reminders back;
- to a customer whose ``open`` has ``reminders: FALSE``;
- after the final notice: the next step is legal action, which the worklist says.

For example, as of 2026-11-23:

    2026-10-08 * "Le Zinc" "Repas d'affaires" ^F-2026-063
      invoice: "F-2026-063"
      terms: "30 jours"                         ; due 2026-11-07, 16 days overdue
      Assets:Receivable:LeZinc   1068.00 EUR
      Income:Sales

    2026-11-15 custom "ar-reminder" "F-2026-063" 1 "email"

gives Le Zinc a level-2 (firm) letter - unless Le Zinc is a late payer, who got it at +10.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from beancount_ar.core.allocation import ItemState, Settlement
from beancount_ar.core.messages import N_, Reason
from beancount_ar.core.messages import reason as _reason
from beancount_ar.core.metrics import Behaviour, payment_behaviour
from beancount_ar.core.model import DEBIT, INVOICE, PAYMENT, PENALTY, Item, PaymentPlan
from beancount_ar.core.money import ZERO

COURTESY, FRIENDLY, FIRM, FINAL = 0, 1, 2, 3
PUNCTUAL, REGULAR, LATE = "punctual", "regular", "late"


@dataclass(frozen=True, slots=True)
class Level:
    number: int
    name: str  # courtesy, friendly, firm, final
    days: int  # offset from the due date; negative: before it


DEFAULT_LEVELS = (Level(COURTESY, "courtesy", -5), Level(FRIENDLY, "friendly", 7),
                  Level(FIRM, "firm", 15), Level(FINAL, "final", 45))
LATE_PAYER_DAYS = {FRIENDLY: 3, FIRM: 10, FINAL: 30}


@dataclass(frozen=True, slots=True)
class ReminderPolicy:
    """The configurable part of the policy (see the module docstring)."""

    levels: tuple[Level, ...] = DEFAULT_LEVELS
    late_payer_days: dict[int, int] = field(default_factory=lambda: dict(LATE_PAYER_DAYS))
    min_days_between: int = 7
    punctual_share: Decimal = Decimal(80)  # % of invoices paid on time
    late_days: Decimal = Decimal(15)  # average days late
    min_history: int = 3  # invoices paid in the window before history counts
    upcoming_days: int = 7  # how far ahead upcoming courtesy reminders are listed

    def schedule(self, profile: str) -> tuple[Level, ...]:
        """The levels, with their offsets, that apply to a customer of this profile."""
        if profile == PUNCTUAL:
            return self.levels
        levels = tuple(level for level in self.levels if level.number != COURTESY)
        if profile == LATE:
            levels = tuple(Level(level.number, level.name,
                                 self.late_payer_days.get(level.number, level.days))
                           for level in levels)
        return levels


def policy_statement(policy: ReminderPolicy = ReminderPolicy()) -> tuple[Reason, ...]:
    """The policy in words, one sentence each, with this ledger's settings (what the Reminders
    page shows under "the policy in full")."""
    return (
        _reason(N_("A customer with at least {history} invoices paid in the last 12 months, "
                   "{share} % or more of them on time, is a punctual payer: a courtesy reminder "
                   "before the due date, then the gentle tone."),
                history=policy.min_history, share=policy.punctual_share),
        _reason(N_("A customer who paid more than {days} days late on average is a late payer: "
                   "no courtesy reminder, and the firmer steps sooner."), days=policy.late_days),
        _reason(N_("One letter per customer lists all its overdue items, late-payment charges "
                   "on paid invoices included, at the level of its most overdue invoice.")),
        _reason(N_("An invoice never skips a level: a customer never receives a formal notice "
                   "as a first contact.")),
        _reason(N_("At least {days} days between two reminders to the same customer."),
                days=policy.min_days_between),
        _reason(N_("Nothing is sent for an invoice in dispute, for invoices under a payment "
                   "plan that is kept, to a customer whose account says reminders: FALSE, or "
                   "after the final notice: the next step is legal action.")),
    )


@dataclass(frozen=True, slots=True)
class Profile:
    name: str  # punctual, regular, late
    why: Reason

    @property
    def reason(self) -> str:
        return self.why.text()


def classify(behaviour: Behaviour | None, policy: ReminderPolicy = ReminderPolicy()) -> Profile:
    """A customer's profile from its payment behaviour (see the module docstring)."""
    if behaviour is None or behaviour.paid < policy.min_history:
        paid = behaviour.paid if behaviour else 0
        return Profile(REGULAR, _reason(N_("{paid} invoice(s) paid in 12 months: not enough "
                                           "history"), paid=paid))
    if behaviour.on_time is not None and behaviour.on_time >= policy.punctual_share:
        return Profile(PUNCTUAL, _reason(N_("{share} % of {paid} invoices paid on time in 12 "
                                            "months (>= {threshold} %)"),
                                         share=behaviour.on_time, paid=behaviour.paid,
                                         threshold=policy.punctual_share))
    if behaviour.average_days_late is not None and (
            behaviour.average_days_late > policy.late_days):
        return Profile(LATE, _reason(N_("paid {days} days late on average in 12 months "
                                        "(> {threshold})"),
                                     days=behaviour.average_days_late,
                                     threshold=policy.late_days))
    return Profile(REGULAR, _reason(N_("{share} % paid on time, {days} days late on average"),
                                    share=behaviour.on_time, days=behaviour.average_days_late))


@dataclass(frozen=True, slots=True)
class Line:
    """An invoice (or instalment, or other debit) a reminder lists, with the overdue
    late-payment charges posted on its invoice. An invoice with overdue charges and no overdue
    open item (paid, say) is listed for its charges alone (`charges_only`)."""

    state: ItemState
    days_overdue: int  # negative: days until due; charges only: its oldest charge's
    last_level: int | None  # the last level recorded for the invoice
    level: int | None  # the level this invoice reaches now (None: none yet)
    penalties: Decimal  # late-payment charges posted on the invoice, overdue and still open
    charges: tuple[ItemState, ...] = ()  # those charges
    charges_only: bool = False  # the line claims the charges, not the item (paid, or not due)

    @property
    def item(self) -> Item:
        return self.state.item

    @property
    def paid(self) -> bool:
        """The invoice itself is settled: the line claims its charges only."""
        return self.charges_only and self.state.open == 0

    @property
    def principal(self) -> Decimal:
        """The open amount the line claims: none when it claims the charges only."""
        return ZERO if self.charges_only else self.state.open

    @property
    def claimed(self) -> Decimal:
        """What the line asks for: its principal and the charges."""
        return self.principal + self.penalties


@dataclass(frozen=True, slots=True)
class Reminder:
    """One letter to one customer."""

    customer: str
    level: Level
    profile: Profile
    lines: tuple[Line, ...]
    totals: dict[str, Decimal]  # open amount per currency of the lines (penalties included)
    why: Reason
    last_sent: datetime.date | None
    ready_on: datetime.date  # as_of when it may go now; later while the spacing holds it

    @property
    def reason(self) -> str:
        """Why this letter, in English (`why` says it in any language)."""
        return self.why.text()


@dataclass(frozen=True, slots=True)
class Skipped:
    customer: str
    invoice: str | None
    why: Reason

    @property
    def reason(self) -> str:
        return self.why.text()


@dataclass(frozen=True, slots=True)
class Worklist:
    as_of: datetime.date
    reminders: tuple[Reminder, ...]  # ready today, most urgent first
    waiting: tuple[Reminder, ...]  # due but held by the minimum spacing
    upcoming: tuple[Reminder, ...]  # courtesy reminders in the next days
    skipped: tuple[Skipped, ...]


def plan_kept(settlement: Settlement, plan: PaymentPlan, as_of: datetime.date) -> bool:
    """Whether the customer paid, since the plan, what its instalments asked by `as_of`."""
    asked = sum((i.amount for i in plan.instalments if i.due <= as_of), ZERO)
    covered = set(plan.invoices)
    paid = ZERO
    for allocation in settlement.allocations:
        credit = allocation.credit
        if (credit.kind != PAYMENT or credit.customer != plan.customer
                or credit.currency != plan.currency or not plan.date <= credit.date <= as_of):
            continue
        if covered and allocation.item.invoice not in covered:
            continue
        paid += allocation.amount
    if not covered:  # a customer-wide plan counts what is still unapplied too
        paid += sum((u.amount for u in settlement.unapplied
                     if u.credit.customer == plan.customer and u.credit.kind == PAYMENT
                     and u.credit.currency == plan.currency
                     and plan.date <= u.credit.date <= as_of), ZERO)
    return paid >= asked


def _plans_in_force(settlement: Settlement, as_of: datetime.date
                    ) -> dict[tuple[str, str | None], PaymentPlan]:
    """The latest plan per (customer, invoice or None) agreed by `as_of`."""
    plans: dict[tuple[str, str | None], PaymentPlan] = {}
    for plan in settlement.book.plans:
        if plan.date > as_of:
            continue
        for target in plan.invoices or (None,):
            plans[(plan.customer, target)] = plan
    return plans


def next_level(schedule: Sequence[Level], days: int, last: int | None) -> int | None:
    """The level an invoice `days` past due (negative: before) reaches now, given the last level
    sent for it: the next step up, once its offset is reached; None when nothing is due.

    The courtesy level only applies before the due date."""
    steps = [level for level in schedule
             if (last is None or level.number > last)
             and not (level.number == COURTESY and days >= 0)]
    if not steps or days < steps[0].days:
        return None
    return steps[0].number


def worklist(settlement: Settlement, as_of: datetime.date,
             policy: ReminderPolicy = ReminderPolicy(),
             behaviours: dict[str, Behaviour] | None = None) -> Worklist:
    """Today's reminders, those held back, upcoming courtesy reminders and what is skipped."""
    book = settlement.book
    if behaviours is None:
        behaviours = payment_behaviour(settlement) if settlement.as_of else {}
    last_level: dict[str, int] = {}
    last_sent: dict[str, datetime.date] = {}
    for record in book.reminders:
        if record.date <= as_of:
            last_level[record.invoice] = max(record.level, last_level.get(record.invoice, -1))
            last_sent[record.customer] = max(record.date, last_sent.get(record.customer,
                                                                       record.date))
    # What a letter may list: open items (not charges), each with the overdue open charges of
    # its invoice when it is itself overdue; an invoice with overdue charges and no overdue
    # open item gets a line for its charges alone.
    by_customer: dict[str, list[tuple[ItemState, bool]]] = {}  # (state, charges only)
    first_state: dict[str, ItemState] = {}  # an invoice's first item, open or not
    charges: dict[str, list[ItemState]] = {}  # overdue open charges, by invoice
    carrier: dict[str, ItemState] = {}  # the invoice's earliest-due overdue open item
    for state in settlement.items:
        item = state.item
        if item.kind == INVOICE and item.invoice and item.part == 1:
            first_state.setdefault(item.invoice, state)
        if state.open <= 0:
            continue
        if item.kind == PENALTY and item.invoice:
            if as_of > item.due:
                charges.setdefault(item.invoice, []).append(state)
            continue
        by_customer.setdefault(item.customer, []).append((state, False))
        if item.invoice and as_of > item.due:
            held = carrier.get(item.invoice)
            if held is None or (item.due, item.id) < (held.item.due, held.item.id):
                carrier[item.invoice] = state
    for number, open_charges in charges.items():
        if number not in carrier:
            bearer = first_state.get(number, open_charges[0])
            by_customer.setdefault(bearer.item.customer, []).append((bearer, True))
    plans = _plans_in_force(settlement, as_of)
    ready: list[Reminder] = []
    waiting: list[Reminder] = []
    upcoming: list[Reminder] = []
    skipped: list[Skipped] = []
    for key, states in sorted(by_customer.items()):
        customer = book.customers[key]
        if customer.meta.get("reminders") is False:
            skipped.append(Skipped(key, None, _reason(N_("excluded from reminders "
                                                         "(reminders: FALSE)"))))
            continue
        profile = classify(behaviours.get(key), policy)
        schedule = policy.schedule(profile.name)
        lines: list[Line] = []
        for state, alone in sorted(states, key=lambda s: (s[0].item.due, s[0].item.date,
                                                          s[0].item.id)):
            item = state.item
            dispute = book.disputed(item.invoice, as_of)
            if dispute is not None:
                skipped.append(Skipped(key, item.invoice, _reason(
                    N_("in dispute since {date}: {reason}"), date=dispute.opened,
                    reason=dispute.reason)))
                continue
            plan = plans.get((key, item.invoice)) or plans.get((key, None))
            if plan is not None and plan.currency == item.currency:
                if plan_kept(settlement, plan, as_of):
                    following = next((i for i in plan.instalments if i.due > as_of), None)
                    skipped.append(Skipped(key, item.invoice, _reason(
                        N_("payment plan of {date} kept; next instalment {amount} {currency} "
                           "on {due}"), date=plan.date, amount=following.amount,
                        currency=plan.currency, due=following.due) if following else _reason(
                        N_("payment plan of {date} kept"), date=plan.date)))
                    continue
            own: tuple[ItemState, ...] = ()
            if item.invoice and (alone or carrier.get(item.invoice) is state):
                own = tuple(charges.get(item.invoice, ()))
            days = (max((as_of - c.item.due).days for c in own) if alone
                    else (as_of - item.due).days)
            last = last_level.get(item.invoice) if item.invoice else None
            reached = next_level(schedule, days, last) if item.kind != DEBIT else None
            lines.append(Line(state, days, last, reached, sum((c.open for c in own), ZERO), own,
                              alone))
        if not lines:
            continue
        new = [line for line in lines if line.level is not None]
        final_sent = [line for line in lines if line.last_level == schedule[-1].number]
        if final_sent and not new:
            skipped.append(Skipped(key, None, _reason(
                N_("{name} notice already sent: the next step is legal action (injonction de "
                   "payer)"), ("name",), name=schedule[-1].name)))
            continue
        soon = policy.upcoming_days
        if not new:
            if schedule[0].number == COURTESY:
                coming = [line for line in lines if line.last_level is None
                          and 0 < schedule[0].days - line.days_overdue <= soon]
                if coming:
                    upcoming.append(_letter(key, schedule[0], profile, coming, None,
                                            as_of + datetime.timedelta(
                                                days=schedule[0].days - max(
                                                    line.days_overdue for line in coming)),
                                            _reason(N_("courtesy reminder soon"))))
            continue
        level_number = max(line.level for line in new if line.level is not None)
        level = next(lv for lv in schedule if lv.number == level_number)
        listed = [line for line in lines if line.days_overdue > 0] if level.number != COURTESY \
            else [line for line in new]
        worst = max(new, key=lambda line: (line.level or 0, not line.paid, line.days_overdue))
        values = dict(item=worst.item.label, level=level.number, name=level.name,
                      offset=f"{level.days:+d}", profile=profile.name, last=worst.last_level)
        overdue = worst.days_overdue >= 0
        if worst.last_level is None:
            message = (N_("{item} is {days} days overdue; level {level} ({name}) applies from "
                          "{offset} days for a {profile} payer") if overdue else
                       N_("{item} is due in {days} days; level {level} ({name}) applies from "
                          "{offset} days for a {profile} payer"))
        else:
            message = (N_("{item} is {days} days overdue; level {level} ({name}) applies from "
                          "{offset} days for a {profile} payer, last level sent {last}")
                       if overdue else
                       N_("{item} is due in {days} days; level {level} ({name}) applies from "
                          "{offset} days for a {profile} payer, last level sent {last}"))
        reason = _reason(message, ("name", "profile"), days=abs(worst.days_overdue), **values)
        sent = last_sent.get(key)
        ready_on = as_of
        if sent is not None and (as_of - sent).days < policy.min_days_between:
            ready_on = sent + datetime.timedelta(days=policy.min_days_between)
        letter = _letter(key, level, profile, listed, sent, ready_on, reason)
        (ready if ready_on <= as_of else waiting).append(letter)
    ready.sort(key=lambda r: (-r.level.number, -max(line.days_overdue for line in r.lines)))
    return Worklist(as_of, tuple(ready), tuple(waiting), tuple(upcoming), tuple(skipped))


def _letter(customer: str, level: Level, profile: Profile, lines: Sequence[Line],
            sent: datetime.date | None, ready_on: datetime.date, reason: Reason) -> Reminder:
    totals: dict[str, Decimal] = {}
    for line in lines:
        currency = line.item.currency
        totals[currency] = totals.get(currency, ZERO) + line.claimed
    return Reminder(customer, level, profile, tuple(lines), totals, reason, sent, ready_on)

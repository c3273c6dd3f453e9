"""Finding customers by what a user types: the one lookup every command and page uses.

A customer is named by its key, its receivable account or its display name (any case). An
account shared by several customers names all of them where a list is asked for (``bean-ar
invoices --customer``) and none where one customer is needed (a statement, a letter), with a
message that lists them. An unknown name gets the close matches:

    2025-01-01 open Assets:Receivable:Dupont
      customer: "Boulangerie Dupont SARL"

    find_customer(book, "boulangerie dupont sarl")   -> "Assets:Receivable:Dupont"
    find_customer(book, "Assets:Receivable:Dupont")  -> "Assets:Receivable:Dupont"
    find_customer(book, "Boulangerie Dupond SARL")   -> CustomerError: ... no such customer
                                                        (did you mean 'Boulangerie Dupont SARL'?)
"""

from __future__ import annotations

import difflib
from typing import Any

from beancount_ar.core.book import Book
from beancount_ar.core.messages import N_, Reason, reason


class CustomerError(ValueError):
    """A customer that cannot be found, or a name that is not one customer; the message says
    what to give instead."""


def _normal(text: str) -> str:
    return " ".join(text.split()).casefold()


def _not_found(book: Book, wanted: str) -> CustomerError:
    customers = book.customers
    # Suggestions: names like the name given, or accounts whose last part is like its last part.
    leaves = {key.rsplit(":", 1)[-1]: key for key, c in customers.items() if not c.shared}
    close = difflib.get_close_matches(wanted.rsplit(":", 1)[-1], list(leaves), n=3, cutoff=0.6)
    names = [] if ":" in wanted else difflib.get_close_matches(
        wanted, [c.name for c in customers.values()], n=3, cutoff=0.6)
    suggestions = [*names, *(leaves[leaf] for leaf in close)][:3]
    hint = f" (did you mean {', '.join(repr(c) for c in suggestions)}?)" if suggestions else ""
    return CustomerError(f"customer {wanted!r}: no such customer{hint}; give a receivable "
                         "account such as 'Assets:Receivable:Dupont' or a customer name")


def find_customers(book: Book, wanted: str) -> tuple[str, ...]:
    """The keys of the customers `wanted` names: a key, a receivable account (a shared account
    names every customer in it) or a display name. CustomerError when it names none."""
    customers = book.customers
    if wanted in customers:
        return (wanted,)
    lowered = _normal(wanted)
    keys = sorted(key for key, c in customers.items()
                  if c.account == wanted or _normal(c.name) == lowered)
    if not keys:
        raise _not_found(book, wanted)
    return tuple(keys)


def find_customer(book: Book, wanted: str) -> str:
    """The key of the one customer `wanted` names (see `find_customers`). CustomerError when it
    names none, or several (a shared account, or a name two customers share)."""
    keys = find_customers(book, wanted)
    if len(keys) == 1:
        return keys[0]
    customers = book.customers
    if all(customers[key].shared and customers[key].account == wanted for key in keys):
        names = sorted(customers[key].name for key in keys)
        raise CustomerError(f"{wanted} is a shared receivable account holding several customers "
                            f"({', '.join(names[:5])}{'...' if len(names) > 5 else ''}); give "
                            "the customer's name")
    raise CustomerError(f"customer {wanted!r} is ambiguous: it names {', '.join(keys)}; give one "
                        "of these")


def customer_email(book: Book, key: str) -> str | None:
    """Where a customer's letters go: the ``email:`` of its account's ``open``; for a customer
    of a shared account (which holds several), the ``email:`` of its latest invoice that has
    one, since the shared account's ``open`` speaks for none of them:

        2026-06-12 * "SCI Bellevue" "Éclairage des parties communes" ^F-2026-038
          customer: "SCI Bellevue"
          email: "gestion@sci-bellevue.example"
          Assets:Receivable:Divers   2640.00 EUR
          Income:Sales
    """
    customer = book.customers[key]
    if customer.email or not customer.shared:
        return customer.email
    latest: tuple[Any, str] | None = None
    for invoice in book.invoices.values():
        if invoice.customer != key or invoice.entry is None:
            continue
        value = invoice.entry.meta.get("email")
        if isinstance(value, str) and value.strip() and (latest is None
                                                         or invoice.date >= latest[0]):
            latest = (invoice.date, value.strip())
    return latest[1] if latest else None


def where_email_goes(book: Book, key: str) -> Reason:
    """That a customer has no e-mail address, and where to give it one."""
    customer = book.customers[key]
    if customer.shared:
        return reason(N_("{name} has no e-mail address: add email: \"...\" to its invoice "
                         "transactions (it shares {account} with other customers, so that "
                         "account's open directive cannot say it), or print the letter"),
                      name=customer.name, account=customer.account)
    return reason(N_("{name} has no e-mail address: add email: \"...\" to the open directive "
                     "of {account}, or print the letter"),
                  name=customer.name, account=customer.account)


__all__ = ["CustomerError", "customer_email", "find_customer", "find_customers",
           "where_email_goes"]

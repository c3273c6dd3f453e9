"""Late-payment penalties for Beancount: the ``beancount_ar.penalties`` plugin.

Add it after the invoice plugin, with the income account the penalties are credited to::

    plugin "beancount_ar" "{'default_terms': '30 jours'}"
    plugin "beancount_ar.penalties" "{'regime': 'FR', 'account': 'Income:Penalties'}"

The plugin itself is `beancount_ar.plugins.penalties`; the rules are in
`beancount_ar.core.penalties` and the rate tables in `beancount_ar.core.rates`. See
docs/penalties.md.
"""

from beancount_ar.plugins.penalties import ar_penalties

__plugins__ = ("ar_penalties",)
__all__ = ["ar_penalties"]

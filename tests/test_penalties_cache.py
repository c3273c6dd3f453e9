"""Beancount's load cache and penalties computed as of today (docs/penalties.md, "Cached loads").

bean-check, bean-query and bean-ar reuse a pickled load while the ledger's files are unchanged.
A penalties plugin without 'as_of' computes as of today, so a load cached yesterday would give
yesterday's penalties: the plugin makes the cache valid for the day of the load only."""

from __future__ import annotations

import datetime
import os
import pickle

import pytest
from beancount import loader

from beancount_ar.plugins import penalties as plugin

LEDGER = """
plugin "beancount_ar" "{'default_terms': 'net 30'}"
plugin "beancount_ar.penalties" "{'regime': 'FR', 'account': 'Income:Penalties'%s}"
2025-01-01 open Income:Sales
2025-01-01 open Income:Penalties
2025-01-01 open Assets:Receivable:Dupont
2026-05-21 * "Dupont" "Facture" ^F-1
  invoice: "F-1"
  due: 2026-06-20
  Assets:Receivable:Dupont   10000.00 EUR
  Income:Sales
"""


@pytest.fixture
def cache_on():
    """Beancount's pickle cache as bean-check uses it, written after every load (not only
    those over 1 s) so that a small ledger exercises it."""
    threshold = loader.PICKLE_CACHE_THRESHOLD
    loader.PICKLE_CACHE_THRESHOLD = 0
    loader.initialize(use_cache=True)
    yield
    loader.PICKLE_CACHE_THRESHOLD = threshold
    loader.initialize(use_cache=not os.environ.get("BEANCOUNT_DISABLE_LOAD_CACHE"))


def last_penalty(entries) -> datetime.date:
    return max(e.date for e in entries if "ar-penalty" in getattr(e, "tags", ()))


def on(monkeypatch, day: datetime.date) -> None:
    monkeypatch.setattr(plugin, "today", lambda: day)


def test_a_cached_load_gives_the_penalties_of_the_day(tmp_path, monkeypatch, cache_on):
    path = tmp_path / "main.beancount"
    path.write_text(LEDGER % "", encoding="utf-8")
    cache = tmp_path / ".main.beancount.picklecache"

    on(monkeypatch, datetime.date(2026, 8, 15))
    entries, errors, _ = loader.load_file(str(path))
    assert errors == [] and last_penalty(entries) == datetime.date(2026, 7, 31)
    assert cache.exists()
    written = cache.stat().st_mtime_ns

    entries, _, _ = loader.load_file(str(path))  # the same day: the cache is used
    assert cache.stat().st_mtime_ns == written
    assert last_penalty(entries) == datetime.date(2026, 7, 31)

    on(monkeypatch, datetime.date(2026, 11, 23))  # a later day, files unchanged
    entries, errors, _ = loader.load_file(str(path))
    assert errors == [] and last_penalty(entries) == datetime.date(2026, 10, 31)
    with cache.open("rb") as file:  # the cache now holds the new day's load
        cached, _, options = pickle.load(file)
    assert last_penalty(cached) == datetime.date(2026, 10, 31)
    assert options["include"] == [str(path)]  # still the plain file name for everyone else


def test_a_stated_as_of_keeps_the_cache_across_days(tmp_path, monkeypatch, cache_on):
    path = tmp_path / "main.beancount"
    path.write_text(LEDGER % ", 'as_of': '2026-09-30'", encoding="utf-8")
    cache = tmp_path / ".main.beancount.picklecache"
    on(monkeypatch, datetime.date(2026, 10, 1))
    entries, _, options = loader.load_file(str(path))
    assert last_penalty(entries) == datetime.date(2026, 9, 30)
    assert not isinstance(options["include"][0], plugin.DatedPath)
    written = cache.stat().st_mtime_ns
    on(monkeypatch, datetime.date(2026, 11, 23))
    entries, _, _ = loader.load_file(str(path))
    assert cache.stat().st_mtime_ns == written  # reused: the result does not depend on today
    assert last_penalty(entries) == datetime.date(2026, 9, 30)

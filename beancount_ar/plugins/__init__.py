"""Beancount plugins of beancount-ar: thin adapters over `beancount_ar.core`."""

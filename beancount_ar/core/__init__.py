"""Core of beancount-ar: the receivables model, independent of Beancount and Fava."""

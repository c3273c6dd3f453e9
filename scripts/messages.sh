#!/usr/bin/env bash
# Extract the messages of the code and the Fava templates into a template catalog, and merge it
# into each language's catalog, as Fava does with its own (Babel's pybabel):
#   bash scripts/messages.sh          then translate the new entries of beancount_ar/locale/fr/...
# The catalogs are compiled when the package is built, or at import (beancount_ar/i18n.py).
set -euo pipefail
cd "$(dirname "$0")/.."
keywords=(-k t -k n:1,2 -k _)
pybabel extract -F babel.cfg "${keywords[@]}" --no-location --sort-output \
  --project beancount-ar -o beancount_ar/locale/beancount_ar.pot .
for lang in fr en; do
  pybabel update -D beancount_ar -i beancount_ar/locale/beancount_ar.pot -d beancount_ar/locale \
    -l "$lang" --no-fuzzy-matching --ignore-obsolete
done

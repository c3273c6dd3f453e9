"""``python -m beancount_ar.cli``: the same as ``bean-ar``."""

import sys

from beancount_ar.cli import main

sys.exit(main())

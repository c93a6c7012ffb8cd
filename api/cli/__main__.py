"""``python -m api.cli``: the ``qujat`` command."""

import sys

from api.cli import main

sys.exit(main())

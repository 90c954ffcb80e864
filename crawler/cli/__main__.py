"""`python -m crawler.cli`: the `epaper` command."""

import sys

from crawler.cli import main

sys.exit(main())

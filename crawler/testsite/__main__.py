"""Run the fixture e-paper server in the foreground: `python -m crawler.testsite --site demo --port 8765`
(arguments and serving loop: crawler/cli/testsite.py)."""

import sys

from crawler.cli.testsite import main

sys.exit(main())

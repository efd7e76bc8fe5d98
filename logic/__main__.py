import sys

from logic.cli import main

sys.exit(main())

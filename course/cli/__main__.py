"""`python -m course.cli`: the `course` command."""
import sys

from . import main

sys.exit(main())

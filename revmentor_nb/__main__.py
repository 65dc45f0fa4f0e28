"""``python -m revmentor_nb``: the same as the ``revmentor`` command."""
import sys

from revmentor_nb.run.cli import main

if __name__ == "__main__":
    sys.exit(main())

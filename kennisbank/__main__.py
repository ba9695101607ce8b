"""Allow ``python -m kennisbank``."""

from kennisbank.cli import main

main()

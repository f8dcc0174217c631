"""The ``omm`` command line. Commands parse options, call one library function and render."""

from toolkit.cli.app import main

__all__ = ["main"]

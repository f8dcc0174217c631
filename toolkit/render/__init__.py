"""Renderers: one function per output format, each returning text (the CLI prints it)."""

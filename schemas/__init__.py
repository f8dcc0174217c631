"""Pandera schemas (polars backend), one module per manifest kind.

Every column is read as a string; a column's logical type lives in its field metadata
(``metadata["type"]``) and is enforced by format checks, so values round-trip exactly. The
metadata ``token`` says how ``toolkit.tokens`` canonicalizes the column before validation.
"""

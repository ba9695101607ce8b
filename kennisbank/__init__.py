"""Kennisbank: Dutch social-domain practice examples with hybrid semantic search."""

__version__ = "0.1.0"

"""storylens: compare many news reports of the same events."""

__version__ = "0.1.0"

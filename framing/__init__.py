"""framing: compare how outlets, in different languages, report the same event.

Importing the package is cheap: no model, database or network is touched here.
"""

__version__ = "0.1.0"

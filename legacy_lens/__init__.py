"""legacy-lens: what it would take to modernise a legacy estate."""

__version__ = "0.1.0"

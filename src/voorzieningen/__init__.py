"""MBO Voorzieningen: the shared digital provisions of Dutch vocational education."""

__version__ = "0.1.0"

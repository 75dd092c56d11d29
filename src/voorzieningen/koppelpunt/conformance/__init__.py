"""Published routing test vectors: the same file drives our tests and a vendor's conformance run."""

from pathlib import Path

VECTOREN = Path(__file__).with_name("routeringsvectoren.json")

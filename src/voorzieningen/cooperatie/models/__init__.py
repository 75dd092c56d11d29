"""The cooperative's administration, one module per part: members, general assembly, invoicing, contracts and
service management. Split because each part is a different conversation with different staff."""

from .leden import Cooperatie, Lid

__all__ = ["Cooperatie", "Lid"]

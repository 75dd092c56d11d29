"""The cooperative's staff work here. Each part registers its ModelAdmins in its own module."""

from . import (  # noqa: F401 — members and general assembly (helper A)  # noqa: F401 — invoices, contracts and service management (helper B)
    admin_av,
    admin_contracten,
    admin_dienstverlening,
    admin_facturen,
    admin_leden,
)

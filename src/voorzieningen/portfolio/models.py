"""The national programme portfolio: offerings, enrolments, regions, consultations and escalations."""

from django.db import models  # noqa: F401

"""Events of the journey other apps react to, inside the same transaction (the SIS queue, later the koppelpunt)."""

from django.dispatch import Signal

# sent with aanmelding=… right after a submit, before commit
aanmelding_ingediend = Signal()

# sent with aanmelding=…, wijziging=… when the student withdraws, before commit
aanmelding_ingetrokken = Signal()

"""Events of the journey other apps react to, inside the same transaction (the SIS queue, later the koppelpunt)."""

from django.dispatch import Signal

# sent with aanmelding=… right after a submit, before commit
aanmelding_ingediend = Signal()

# sent with aanmelding=…, wijziging=… when the student withdraws, before commit
aanmelding_ingetrokken = Signal()

# sent with aanmelding_ids=[…] when applications become anonymous rows (retention or the student's own deletion),
# before commit: every app empties the personal fields it keeps about them
aanmeldingen_geanonimiseerd = Signal()

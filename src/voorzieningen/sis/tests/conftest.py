from voorzieningen.aanmelden.tests.conftest import (  # noqa: F401 — the same students and drafts
    _outbox,
    cohort,
    student,
    student_client,
)

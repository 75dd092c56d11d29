from voorzieningen.aanmelden.tests.conftest import (  # noqa: F401 — the same students and programmes
    cohort,
    student,
    student_client,
)

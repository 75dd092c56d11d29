from tqdm import tqdm


def progress_bar(stream):
    """A tqdm progress bar per file on the command line."""

    def wrap(rows, label):
        return tqdm(rows, desc=label, unit=" regels", file=stream, mininterval=0.5)

    return wrap


def report(command, run) -> None:
    style = command.style.SUCCESS if run.uitkomst in ("success", "partial") else command.style.ERROR
    command.stdout.write(style(f"{run.get_uitkomst_display()}: {run.bron} ({run.get_soort_display()})"))
    if run.melding:
        command.stdout.write(run.melding)
    for key, value in sorted(run.aantallen.items()):
        command.stdout.write(f"  {key}: {value}")
    for error in run.fouten[:50]:
        where = f"{error['file']} regel {error['row']}" + (f", kolom {error['column']}" if error["column"] else "")
        command.stdout.write(command.style.WARNING(f"  afgekeurd — {where}: {error['message']}"))
    if len(run.fouten) > 50:
        command.stdout.write(
            f"  … en nog {len(run.fouten) - 50} afgekeurde regels (zie de importrun in de beheeromgeving)"
        )

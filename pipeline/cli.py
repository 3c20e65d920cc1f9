"""The `pipeline` command: parse options, call one library function, print, exit.

Exit codes: 0 all well; 1 some file was rejected; 2 the command could not be done.
Heavy libraries are imported inside the commands so that `pipeline --help` starts quickly.
What click writes by itself (the usage line, headings, usage errors) is Swedish through the
classes in click_sv.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import Any

import click

from .click_sv import OneOf, Seconds, SwedishGroup, SwedishPath
from .config import REPORT_ACTIVITIES, Settings, load_settings
from .errors import PipelineError, RegisterError

EXIT_OK, EXIT_REJECTED, EXIT_FAILED = 0, 1, 2


class _Context:
    def __init__(self) -> None:
        self.config: Path | None = None
        # Settings given on the command line (Settings field → value), for settings_from.
        self.overrides: dict[str, object] = {}


def config_option(func):  # type: ignore[no-untyped-def]
    """--config works both before and after the command name."""

    def remember(ctx: click.Context, _param: click.Parameter, value: Path | None) -> None:
        if value is not None:
            ctx.ensure_object(_Context).config = value

    return click.option("--config", "config", type=SwedishPath(), default=None, metavar="FIL",
                        expose_value=False, callback=remember, is_eager=True,
                        help="Konfigurationsfil (standard: ./pipeline.toml).")(func)


def _override(field: str, *decls: str, **attrs: Any):  # type: ignore[no-untyped-def]
    """An option that overrides one key of pipeline.toml; settings_from applies it."""

    def remember(ctx: click.Context, _param: click.Parameter, value: object) -> None:
        if value is not None:
            ctx.ensure_object(_Context).overrides[field] = value

    return click.option(*decls, field, default=None, expose_value=False, callback=remember,
                        **attrs)


# The keys of pipeline.toml that every command accepts on its command line (SPEC: "Every one
# of them can also be overridden on the command line"), the period first.
CONFIG_OPTIONS = [
    _override("period", "--period", metavar="PERIOD",
              help="Period, t.ex. 2024-T2 (standard: period i konfigurationen)."),
    _override("register", "--register", type=SwedishPath(), metavar="FIL",
              help="Registret (standard: register i konfigurationen)."),
    _override("inbox", "--inbox", type=SwedishPath(), metavar="MAPP",
              help="Inkorgens mapp (standard: inbox i konfigurationen)."),
    _override("outbox", "--outbox", type=SwedishPath(), metavar="MAPP",
              help="Utkorgens mapp (standard: outbox i konfigurationen)."),
    _override("archive", "--archive", type=SwedishPath(), metavar="MAPP",
              help="Arkivets mapp (standard: archive i konfigurationen)."),
]
# The keys only the nightly run uses.
RUN_OPTIONS = [
    _override("report", "--report/--no-report",
              help="Skriv också tertialrapporten, eller låt bli (standard: report i "
                   "konfigurationen, annars ja)."),
    _override("settle_seconds", "--settle-seconds", type=Seconds(), metavar="SEKUNDER",
              help="En fil som ändrats för färre sekunder sedan lämnas till nästa natt "
                   "(standard: settle_seconds i konfigurationen, annars 300)."),
    _override("lock_wait_seconds", "--lock-wait-seconds", type=Seconds(), metavar="SEKUNDER",
              help="Så länge körningen väntar när en annan körning pågår, innan den avslutas "
                   "med kod 2 (standard: lock_wait_seconds i konfigurationen, annars 10)."),
]
# The keys of the tertial report, which the nightly run and `pipeline report` write.
REPORT_OPTIONS = [
    _override("report_activities", "--report-activities", type=OneOf(list(REPORT_ACTIVITIES)),
              help="Vilka aktiviteter rapportens målkapitel listar: all (alla) eller deviations "
                   "(bara avvikelserna från planen; standard: report_activities i "
                   "konfigurationen, annars all)."),
]


def command_options(*options):  # type: ignore[no-untyped-def]
    """-h/--help, --config and the config overrides that every command has, then its own."""

    def decorate(func):  # type: ignore[no-untyped-def]
        for option in reversed([*CONFIG_OPTIONS, *options]):
            func = option(func)
        func = config_option(func)
        return click.help_option("-h", "--help", help="Visa den här hjälpen och avsluta.")(func)

    return decorate


def settings_from(ctx: click.Context, **overrides: object) -> Settings:
    state = ctx.ensure_object(_Context)
    return load_settings(state.config, **{**state.overrides, **overrides})


def fail(message: str) -> None:
    click.echo(message, err=True)
    sys.exit(EXIT_FAILED)


def _user_path(name: object) -> Path | None:
    """The path to show for a failed file operation: a temporary file written beside its
    target (`.<target>.<random>.tmp`, as atomic_write and the archive's cache name them) is
    shown as the target."""
    if not isinstance(name, str | os.PathLike):
        return None
    path = Path(os.fsdecode(name))
    temporary = re.fullmatch(r"\.(.+)\.[^.]+\.tmp", path.name)
    return path.with_name(temporary[1]) if temporary else path


def _not_a_folder(path: Path) -> Path | None:
    """The file standing where path (or one of the folders above it) should be a folder."""
    for candidate in (path, *path.parents):
        if candidate.exists():
            return None if candidate.is_dir() else candidate
    return None


def os_error_message(exc: OSError) -> str:
    """What went wrong in the file system, naming what the user must fix: the folder or the
    target file, never a temporary file of ours."""
    import errno

    path = _user_path(exc.filename)
    target = _user_path(exc.filename2) or path
    temporary = path is not None and exc.filename is not None and \
        path.name != Path(os.fsdecode(exc.filename)).name
    folder = path.parent if path is not None and (temporary or not path.is_dir()) else path
    then = ("Filer som redan tagits emot finns kvar i arkivet och inkorgen; rätta felet och kör "
            "kommandot igen.")
    if exc.errno == errno.ENOSPC:
        where = f" (när {target} skrevs)" if target is not None else ""
        reason = f"disken är full{where}. Frigör utrymme på disken."
    elif exc.errno in (errno.ENOTDIR, errno.EEXIST) and path is not None \
            and (blocker := _not_a_folder(path)) is not None:
        reason = (f"{blocker} är en fil, inte en mapp. Flytta filen eller byt namn på den, så "
                  "skapas mappen.")
    elif exc.errno == errno.EISDIR and target is not None:
        reason = (f"{target} är en mapp, men där ska en fil skrivas. Flytta mappen eller byt "
                  "namn på den.")
    elif exc.errno in (errno.EACCES, errno.EPERM, errno.EBUSY) and exc.filename2 is not None \
            and target is not None and target.is_file():
        # a rename over an output (`atomic_write`): the folder let us write the temporary
        # file, so it is the output itself that may not be replaced
        reason = (f"filen {target} kunde inte ersättas. Stäng den om den är öppen i ett annat "
                  "program, och ge kontot som kör kommandot rätt att skriva över den.")
    elif exc.errno in (errno.EACCES, errno.EPERM) and path is not None and not temporary \
            and path.is_file():
        reason = (f"behörighet saknas till filen {path}. Ge kontot som kör kommandot rätt att "
                  "läsa och skriva den.")
    elif exc.errno in (errno.EACCES, errno.EPERM) and folder is not None:
        reason = (f"behörighet saknas i mappen {folder}. Ge kontot som kör kommandot rätt att "
                  "läsa och skriva i mappen.")
    elif exc.errno == errno.EROFS and folder is not None:
        reason = (f"mappen {folder} ligger på en skrivskyddad disk. Gör disken skrivbar eller "
                  "ange en annan mapp i pipeline.toml.")
    elif exc.errno == errno.ENOENT:
        reason = f"en fil eller mapp saknas{f' ({path})' if path else ''}."
    else:
        reason = f"ett fel i filsystemet{f' ({path})' if path else ''}."
    return f"Kommandot kunde inte slutföras: {reason} {then}"


def _wrapped_os_error(exc: Exception) -> OSError | None:
    """The OSError inside an xlsxwriter FileCreateError (raised by Workbook.close, e.g. on a
    full disk). xlsxwriter is looked up, not imported: if it is not loaded, it raised nothing."""
    xlsx = sys.modules.get("xlsxwriter.exceptions")
    if xlsx is None or not isinstance(exc, xlsx.FileCreateError):
        return None
    for inner in (*exc.args[:1], exc.__cause__, exc.__context__):
        if isinstance(inner, OSError):
            return inner
    return None


def run_guarded(func):  # type: ignore[no-untyped-def]
    """Domain errors become a Swedish message and exit code 2, never a traceback."""
    import functools

    @functools.wraps(func)
    def wrapper(*args, **kwargs):  # type: ignore[no-untyped-def]
        try:
            return func(*args, **kwargs)
        except RegisterError as exc:
            click.echo(str(exc), err=True)
            for issue in exc.issues:
                click.echo(f"  - {issue.describe()}", err=True)
            if exc.remarks:
                click.echo(f"Dessutom {len(exc.remarks)} "
                           f"{'anmärkning' if len(exc.remarks) == 1 else 'anmärkningar'}, "
                           "som inte stoppar körningen:", err=True)
                for issue in exc.remarks:
                    click.echo(f"  - {issue.describe()}", err=True)
            for note in getattr(exc, "__notes__", ()):
                click.echo(note, err=True)
            sys.exit(EXIT_FAILED)
        except PipelineError as exc:
            fail(str(exc))
        except BrokenPipeError:  # `pipeline validate … | head`: the reader has gone
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # nothing at exit
            sys.exit(EXIT_FAILED)  # its output was not all delivered; nothing else to say
        except OSError as exc:  # disk full, no permission, a folder that vanished
            fail(os_error_message(exc))
        except Exception as exc:
            inner = _wrapped_os_error(exc)
            if inner is None:
                raise
            fail(os_error_message(inner))

    return wrapper


@click.group(cls=SwedishGroup, invoke_without_command=True, no_args_is_help=True,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.help_option("-h", "--help", help="Visa den här hjälpen och avsluta.")
@config_option
@click.version_option(package_name="malsystem", help="Visa versionen och avsluta.")
@click.pass_context
def main(ctx: click.Context) -> None:
    """Målsystem: måluppföljning för kommunen, från Excel till sammanställning.

    Controllern skapar mallar med `pipeline templates`, avdelningarna lämnar in ifyllda mallar
    i inkorgen och `pipeline run` läser dem varje natt.
    """
    if ctx.invoked_subcommand is None:  # options but no command (click would say it in English)
        raise click.UsageError("Ange ett kommando, till exempel 'pipeline run'.", ctx)
    _quiet_log()


def _quiet_log() -> None:
    """What the package logs is for the developer: a program error (with its traceback) is
    printed, the rest (an unreadable workbook, already told in Swedish) is not. The nightly
    run keeps all of it in the archive's log (`Archive.logging_here`)."""
    import logging

    if logging.lastResort is not None:  # the handler used when none is configured
        logging.lastResort.setLevel(logging.ERROR)


@main.command()
@command_options(
    click.option("--department", "departments", multiple=True, metavar="KOD",
                 help="Bara denna avdelning; kan anges flera gånger."),
    click.option("--out", type=SwedishPath(), metavar="MAPP",
                 help="Mapp för mallarna (standard: outbox/mallar/<period>/)."),
)
@click.pass_context
@run_guarded
def templates(ctx: click.Context, departments: tuple[str, ...], out: Path | None) -> None:
    """Skapa en ifyllningsmall per avdelning för perioden."""
    from .night import remark_lines
    from .run import make_templates, register_open

    settings = settings_from(ctx)
    made = make_templates(settings, departments=departments, out=out)
    for path in made.paths:
        click.echo(f"Skrev {path}")
    made_count = len(made.paths)
    click.echo("1 mall klar." if made_count == 1 else f"{made_count} mallar klara.")
    for line in remark_lines(made.remarks, settings.register.name):
        click.echo(line)
    for passed in made.notices:
        click.echo(f"Obs: {passed.message}")
    notice = register_open(settings)
    if notice is not None:
        click.echo(f"Obs: {notice.message}")


@main.command()
@command_options(
    click.argument("files", nargs=-1, required=True, type=SwedishPath(), metavar="FILER..."),
    click.option("--feedback", type=SwedishPath(), metavar="MAPP",
                 help="Mapp där en felmarkerad kopia skrivs för varje underkänd fil."),
)
@click.pass_context
@run_guarded
def validate(ctx: click.Context, files: tuple[Path, ...], feedback: Path | None) -> None:
    """Kontrollera filer som nattkörningen skulle göra, utan att arkivera något."""
    from .inbox import file_name
    from .run import validate_files

    settings = settings_from(ctx)
    rejected = 0
    # (a folder among the files, e.g. from `pipeline validate inbox/*`, is named as such)
    for result in validate_files(settings, files, feedback_dir=feedback, tell=click.echo):
        report = result.report
        click.echo(f"{file_name(result.path)}: {report.verdict.value}")
        for issue in report.ordered:
            place = issue.place if issue.cell and issue.cell not in issue.message else ""
            click.echo(f"  {issue.severity.value}: {place + ': ' if place else ''}"
                       f"{issue.message}")
        if result.feedback_path:
            click.echo(f"  Felmarkerad kopia: {result.feedback_path}")
        rejected += not report.accepted
    sys.exit(EXIT_REJECTED if rejected else EXIT_OK)


@main.command()
@command_options(*RUN_OPTIONS, *REPORT_OPTIONS)
@click.pass_context
@run_guarded
def run(ctx: click.Context) -> None:
    """Nattkörningen: läs inkorgen, arkivera, kontrollera och skriv sammanställningen."""
    from .run import nightly_run

    settings = settings_from(ctx)
    progress = _progress if sys.stderr.isatty() else None
    try:
        summary = nightly_run(settings, progress=progress)
    except RegisterError as exc:  # the cron mail says what became of the departments' files
        from .inbox import scan_inbox
        from .ledger import plural

        try:
            scan = scan_inbox(settings, None)
        except PipelineError:  # no inbox either: the register's errors come first
            raise exc from None
        waiting = len(scan.ready) + len(scan.waiting)
        if waiting:
            exc.add_note(f"Inget lästes in: {plural(waiting, 'fil', 'filer')} ligger kvar i "
                         "inkorgen och läses in när registret är rättat.")
        raise
    for line in summary.lines():
        click.echo(line)
    sys.exit(EXIT_REJECTED if summary.rejected else EXIT_OK)


def _progress(done: int, total: int, name: str) -> None:
    width = 30
    filled = int(width * done / max(1, total))
    click.echo(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {name[:40]:<40}",
               nl=done == total, err=True)


@main.command()
@command_options()
@click.pass_context
@run_guarded
def status(ctx: click.Context) -> None:
    """Visa vilka avdelningar som lämnat in och vilka som saknas."""
    from .run import submission_status

    settings = settings_from(ctx)
    for line in submission_status(settings).lines():
        click.echo(line)


@main.command()
@command_options(
    click.option("--template", "docx_template", type=SwedishPath(exists=True, dir_okay=False),
                 metavar="FIL", help="Word-mall (.docx) vars formatmallar används."),
    *REPORT_OPTIONS,
)
@click.pass_context
@run_guarded
def report(ctx: click.Context, docx_template: Path | None) -> None:
    """Skriv tertialrapporten (Word) från det som tagits emot."""
    from .run import write_report

    settings = settings_from(ctx)
    path = write_report(settings, docx_template=docx_template, tell=click.echo)
    click.echo(f"Skrev {path}")


@main.command()
@command_options(
    click.option("--template", "docx_template", type=SwedishPath(exists=True, dir_okay=False),
                 metavar="FIL", help="Word-mall (.docx) för tjänsteskrivelser, till exempel "
                                     "med kommunens sidhuvud."),
)
@click.pass_context
@run_guarded
def memo(ctx: click.Context, docx_template: Path | None) -> None:
    """Skriv ett utkast till tjänsteskrivelse (Word).

    Tjänsteskrivelsen lämnar över tertialrapporten till de förtroendevalda: förslag till
    beslut, ärendet i korthet med målens bedömning, siffrorna som förvaltningens övervägande
    vilar på och, när registret har dem, kommunens vision och fokusområden. Det som bara
    förvaltningen kan skriva är gulmarkerat i utkastet: övervägandet, och om ärendet har
    bärighet på varje fokusområde."""
    from .run import write_memo

    settings = settings_from(ctx)
    path = write_memo(settings, docx_template=docx_template, tell=click.echo)
    click.echo(f"Skrev {path}")
    click.echo("Det som är gulmarkerat i utkastet skriver förvaltningen själv innan det skickas.")


def _printable_output() -> None:
    """Output that is not UTF-8 (on Windows, a night's output redirected to a file or a pipe
    is in the code page, cp1252) cannot hold every character a message may carry: a file name
    in Polish, the minus sign of a negative amount. Such a character is printed as "?" rather
    than stopping the command with a traceback half-way through its summary."""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        if encoding and not encoding.startswith("utf") and hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")


def entry() -> None:
    """The `pipeline` console command: `main`, then leave the process at once.

    By the time a command returns, every output is closed and fsynced and every worker process
    joined; what remains is the interpreter tearing down its heap object by object (about
    0.3 s after a night at 300 departments, for nothing). So flush what is printed and exit
    without it. Errors that escape as exceptions still end the ordinary way, with their
    traceback."""
    _printable_output()
    try:
        main(prog_name="pipeline")
        code: object = 0
    except SystemExit as stop:
        code = stop.code
    if code is None:
        code = 0
    elif not isinstance(code, int):  # sys.exit("message"): printed, exit code 1
        print(code, file=sys.stderr)
        code = 1
    import logging

    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (`pipeline run | head`) or stream
            pass
    os._exit(code)


if __name__ == "__main__":  # pragma: no cover
    entry()

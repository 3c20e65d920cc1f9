"""click's own texts in Swedish: the usage line, help headings, usage errors and "Aborted!".

The commands' docstrings and option help are Swedish already; what click writes by itself
("Usage:", "Options:", "Error: No such option ...") is made Swedish here through click's
extension points: a HelpFormatter, a Context that uses it, a Command and a Group that use
that Context and turn click's usage errors into Swedish ones before click shows them, and
Path and Seconds types that complain in Swedish. Only click is imported, so `pipeline --help`
stays quick.
"""

from __future__ import annotations

import contextlib
import math
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any

import click
from click.exceptions import NoArgsIsHelpError, NoSuchCommand

HEADINGS = {"Options": "Flaggor", "Commands": "Kommandon", "Arguments": "Argument"}


class SwedishHelpFormatter(click.HelpFormatter):
    """Help text with "Användning:" and Swedish section headings."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, "Användning: " if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        super().write_heading(HEADINGS.get(heading, heading))


class SwedishContext(click.Context):
    formatter_class = SwedishHelpFormatter


class SwedishUsageError(click.UsageError):
    """A usage error told in Swedish: the usage line, where to find help, what was wrong."""

    def show(self, file: IO[Any] | None = None) -> None:
        color = self.ctx.color if self.ctx is not None else self.show_color
        if self.ctx is not None:
            hint = _help_hint(self.ctx)
            click.echo(self.ctx.get_usage() + (f"\n{hint}" if hint else "") + "\n",
                       file=file, err=True, color=color)
        click.echo(f"Fel: {self.message}", file=file, err=True, color=color)


class Aborted(click.ClickException):
    """Ctrl-C (or an explicit abort), told in Swedish; exit code 1 as click's "Aborted!"."""

    def __init__(self) -> None:
        super().__init__("Avbrutet: kommandot stoppades innan det var klart.")

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"\n{self.message}", file=file, err=True)


class SwedishPath(click.Path):
    """click.Path (giving a pathlib.Path) whose complaints about the path are in Swedish."""

    def __init__(self, *, exists: bool = False, dir_okay: bool = True) -> None:
        super().__init__(path_type=Path, exists=exists, dir_okay=dir_okay)

    def convert(self, value: str | os.PathLike[str], param: click.Parameter | None,
                ctx: click.Context | None) -> str | bytes | os.PathLike[str]:
        name = os.fspath(value)
        if not str(name).strip():  # an unset shell variable: "" would be the current folder
            what = "en fil" if not self.dir_okay else "en fil eller mapp"
            rest = "." if isinstance(param, click.Argument) else ", eller utelämna flaggan."
            self.fail(f"sökvägen är tom. Ange {what}{rest}", param, ctx)
        if not os.path.exists(name):
            if self.exists:
                self.fail(f"{'sökvägen' if self.dir_okay else 'filen'} {name} finns inte.",
                          param, ctx)
        elif not self.dir_okay and os.path.isdir(name):
            self.fail(f"{name} är en mapp, inte en fil.", param, ctx)
        elif self.readable and not os.access(name, os.R_OK):
            self.fail(f"{name} går inte att läsa: behörighet saknas.", param, ctx)
        return super().convert(value, param, ctx)


class Seconds(click.ParamType):
    """A number of seconds, 0 or more; a decimal comma (2,5) is read as a point."""

    name = "sekunder"

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> float:
        if isinstance(value, int | float) and not isinstance(value, bool):
            number = float(value)
        else:
            try:
                number = float(str(value).strip().replace(",", "."))
            except ValueError:
                number = math.nan
        if not math.isfinite(number) or number < 0:
            self.fail(f'"{value}" är inte ett antal sekunder. Ange ett tal, 0 eller större, '
                      "t.ex. 300.", param, ctx)
        return number


class OneOf(click.Choice):  # type: ignore[type-arg]
    """click.Choice (the values shown in the help as [a|b]) that complains in Swedish."""

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> Any:
        if value in self.choices:
            return value
        listed = [str(choice) for choice in self.choices]
        self.fail(f'"{value}" är inget av de tillåtna värdena. Ange {", ".join(listed[:-1])} '
                  f"eller {listed[-1]}.", param, ctx)


class SwedishCommand(click.Command):
    """A command whose help and usage errors are Swedish."""

    context_class = SwedishContext
    #: Extra arguments get past click, which would refuse them in English, to be refused in
    #: Swedish by parse_args.
    allow_extra_args = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", "[FLAGGOR]")
        super().__init__(*args, **kwargs)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        with swedish_errors(ctx):
            rest = super().parse_args(ctx, args)
        if rest and not ctx.resilient_parsing:
            words = ", ".join(f"'{arg}'" for arg in rest)
            raise SwedishUsageError(
                f"Oväntat argument {words}." if len(rest) == 1 else f"Oväntade argument {words}.",
                ctx)
        return rest

    def invoke(self, ctx: click.Context) -> Any:
        with swedish_errors(ctx):
            return super().invoke(ctx)


class SwedishGroup(click.Group):
    """A group of SwedishCommands whose own help and usage errors are Swedish too."""

    context_class = SwedishContext
    command_class = SwedishCommand

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", "[FLAGGOR]")
        kwargs.setdefault("subcommand_metavar", "KOMMANDO [ARGUMENT]...")
        super().__init__(*args, **kwargs)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        with swedish_errors(ctx):
            return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        with swedish_errors(ctx):
            return super().invoke(ctx)


@contextlib.contextmanager
def swedish_errors(ctx: click.Context) -> Iterator[None]:
    """Usage errors and interruptions raised inside leave as their Swedish counterparts.

    The help that a command without arguments shows (NoArgsIsHelpError) passes unchanged."""
    try:
        yield
    except (SwedishUsageError, NoArgsIsHelpError):
        raise
    except click.UsageError as exc:
        where = exc.ctx or ctx  # the parser's own errors come without a context
        raise SwedishUsageError(swedish_message(exc, where), where) from exc
    except (KeyboardInterrupt, EOFError, click.Abort):
        raise Aborted() from None


def swedish_message(exc: click.UsageError, ctx: click.Context) -> str:
    """What was wrong, in Swedish; click's own text for a kind of error not known here."""
    if isinstance(exc, click.NoSuchOption):
        return f"Flaggan '{exc.option_name}' finns inte.{_did_you_mean(exc.possibilities)}"
    if isinstance(exc, NoSuchCommand):
        return f"Kommandot '{exc.command_name}' finns inte.{_did_you_mean(exc.possibilities)}"
    if isinstance(exc, click.BadOptionUsage):
        return _bad_option_usage(exc, ctx)
    if isinstance(exc, click.MissingParameter):
        return _missing(exc)
    if isinstance(exc, click.BadParameter):
        hint = _param_hint(exc)
        return f"Ogiltigt värde för {hint}: {exc.message}" if hint else exc.message
    return exc.format_message()


def _did_you_mean(possibilities: Sequence[str] | None) -> str:
    if not possibilities:
        return ""
    names = [f"'{name}'" for name in sorted(possibilities)]
    listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} eller {names[-1]}"
    return f" Menade du {listed}?"


def _bad_option_usage(exc: click.BadOptionUsage, ctx: click.Context) -> str:
    """The parser's two complaints: a value missing after an option, or one given to a flag."""
    name = exc.option_name
    for param in ctx.command.get_params(ctx):
        if isinstance(param, click.Option) and name in (*param.opts, *param.secondary_opts):
            if param.is_flag or param.count:
                return f"Flaggan '{name}' tar inget värde."
            if param.nargs > 1:
                return f"Flaggan '{name}' behöver {param.nargs} värden."
            return f"Flaggan '{name}' behöver ett värde."
    return exc.format_message()


def _missing(exc: click.MissingParameter) -> str:
    param = exc.param
    if isinstance(param, click.Argument):
        is_file = isinstance(param.type, click.Path) and param.type.file_okay
        what = "en fil" if is_file else "ett värde"
        at_least = "minst " if param.nargs == -1 else ""
        return f"Argumentet {param.human_readable_name.rstrip('.')} saknas: ange {at_least}{what}."
    if isinstance(param, click.Option):
        return f"Flaggan '{param.opts[0]}' måste anges."
    return exc.format_message()


def _param_hint(exc: click.BadParameter) -> str | None:
    if isinstance(exc.param_hint, str):
        return exc.param_hint
    if exc.param_hint is not None:
        return " / ".join(f"'{hint}'" for hint in exc.param_hint)
    return exc.param.get_error_hint(exc.ctx) if exc.param is not None else None


def _help_hint(ctx: click.Context) -> str | None:
    """"Skriv 'pipeline run --help' för hjälp." if the command has such an option."""
    names = {opt for param in ctx.command.get_params(ctx) for opt in param.opts}
    names &= set(ctx.help_option_names)
    if not names:
        return None
    return f"Skriv '{ctx.command_path} {max(names, key=len)}' för hjälp."

"""The README's command table and ``assess --help`` name the same commands, both ways."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from assessment.cli import build_parser, main

README = Path(__file__).resolve().parents[1] / "README.md"


def readme_commands() -> set[str]:
    """Commands of the README's table: "plan export" for a command with actions, else "new"."""
    table = README.read_text(encoding="utf-8").split("## The command line", 1)[1]
    found = set()
    for cell in re.findall(r"^\| `assess ([^`]*)`", table, flags=re.MULTILINE):
        words = [w for w in cell.split() if re.fullmatch(r"[a-z][a-z-]*", w)]
        if words:
            found.add(" ".join(words[:2]) if words[0] in ("plan", "scenario") else words[0])
    return found


def help_commands() -> set[str]:
    """Commands ``assess --help`` lists, with the actions of a command that takes some."""
    parser = build_parser()
    [commands] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    found = set()
    for name, sub in commands.choices.items():
        actions = [a for a in sub._actions if a.dest == "action" and a.choices]
        found |= {f"{name} {c}" for a in actions for c in a.choices} if actions else {name}
    return found


def test_every_command_of_the_readme_exists_and_every_command_is_in_the_readme() -> None:
    assert readme_commands() == help_commands()


def test_assess_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--help"])
    assert exited.value.code == 0
    shown = capsys.readouterr().out
    for command in help_commands():
        assert re.search(rf"^\s+{command.split()[0]}\s", shown, flags=re.MULTILINE), command

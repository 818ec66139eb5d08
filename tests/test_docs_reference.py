"""README.md and docs/ are the users' reference, checked against the code as sqlite-utils checks its CLI
reference: every command, subcommand and option of `newsmon` (read from the argparse parser) and every
NEWSMON_ variable flows/settings.py knows is documented, and no doc talks about how it was written
(sessions, issues, one machine) or points outside the repository."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest
from conftest import PROJECT

import flows.settings
from flows.cli import _parser

DOCS = [PROJECT / "README.md", *sorted((PROJECT / "docs").glob("*.md"))]
# What a user reference never says; each pattern is matched case-insensitively, line by line.
NOT_FOR_USERS = {
    "a session": r"\bsessions?\b",
    "this machine": r"\bthis machine\b",
    "an issue number": r"\bissues? #?\d+",
    "the developers' notes outside the repository": r"\.\./shared/design",
}


def _commands(parser: argparse.ArgumentParser, words: tuple[str, ...] = ("newsmon",)):
    """(words, parser) of every command and subcommand, however deeply nested."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield (*words, name), sub
                yield from _commands(sub, (*words, name))


COMMANDS = dict(_commands(_parser()))


def _docs() -> str:
    return "\n".join(path.read_text("utf-8") for path in DOCS)


def _mentions(name: str) -> re.Pattern:
    """`name` as a word of its own: `--feed` must not be found inside `--feeds`, nor `-v` in `-verbose`."""
    return re.compile(rf"(?<![\w-]){re.escape(name)}(?![\w-])")


def test_the_parser_has_commands():
    assert {"backfill", "poll", "sql"} <= {words[-1] for words in COMMANDS}


@pytest.mark.parametrize("words", list(COMMANDS), ids=" ".join)
def test_every_command_is_documented(words):
    command = " ".join(words)
    assert _mentions(command).search(_docs()), f"`{command}` appears in neither README.md nor docs/*.md"


@pytest.mark.parametrize("words", list(COMMANDS), ids=" ".join)
def test_every_option_is_documented_beside_its_command(words):
    """Each option shows up on a line that names its command (the README's table row, a usage line)."""
    command = " ".join(words)
    lines = [line for line in _docs().splitlines() if _mentions(command).search(line)]
    missing = [
        "/".join(action.option_strings)
        for action in COMMANDS[words]._actions
        if action.option_strings and not isinstance(action, argparse._HelpAction)
        and not any(_mentions(option).search(line) for option in action.option_strings for line in lines)
    ]
    assert not missing, f"options of `{command}` documented on no line that names it: {missing}"


def _variables() -> set[str]:
    """Every NEWSMON_ name flows/settings.py spells out (and its VARIABLES, while it has them)."""
    source = Path(flows.settings.__file__).read_text("utf-8")
    return set(re.findall(r"\bNEWSMON_[A-Z][A-Z_]*\b", source)) | set(getattr(flows.settings, "VARIABLES", ()))


def test_settings_name_variables():
    assert {"NEWSMON_DB", "NEWSMON_WORKERS"} <= _variables()


@pytest.mark.parametrize("variable", sorted(_variables()))
def test_every_variable_is_documented(variable):
    assert _mentions(variable).search(_docs()), f"{variable} appears in neither README.md nor docs/*.md"


@pytest.mark.parametrize("doc", DOCS, ids=lambda path: str(path.relative_to(PROJECT)))
def test_docs_speak_to_users(doc):
    found = [
        f"{doc.name}:{number}: {what}: {line.strip()[:100]}"
        for number, line in enumerate(doc.read_text("utf-8").splitlines(), 1)
        for what, pattern in NOT_FOR_USERS.items()
        if re.search(pattern, line, re.IGNORECASE)
    ]
    assert not found, "\n".join(found)

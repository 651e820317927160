"""Office accounts, for the operator: python -m submit_fn.office COMMAND …

    add-account NAME --province CODE [--province CODE…]   a centre's account (password from standard input)
    add-account NAME --all-provinces                      the Department's account, which sees every province
    list-accounts                                         names, provinces, disabled or not
    reset-password NAME                                   a new password (standard input); ends its sessions
    disable-account NAME / enable-account NAME            disabling ends its sessions at once

The database is the function's (DATABASE_URL, else the SQLite file under var/). A password is read
without echo from a terminal (typed twice), else as the first line of standard input.
"""

from __future__ import annotations

import argparse
import getpass
import re
import sys

from submit_fn.model.divisions import province_codes
from submit_fn.office.access import ACCOUNT_NAME, hash_password, now, stamp
from submit_fn.service.settings import ConfigError, load_settings
from submit_fn.service.storage import AccountExists, Storage

MIN_PASSWORD = 12


class CommandError(Exception):
    """What the operator typed cannot be done; the message says why."""


def read_password() -> str:
    if sys.stdin.isatty():
        first = getpass.getpass("Password: ")
        if getpass.getpass("Again: ") != first:
            raise CommandError("the two passwords differ")
    else:
        first = sys.stdin.readline().rstrip("\r\n")
    if len(first) < MIN_PASSWORD:
        raise CommandError(f"a password needs at least {MIN_PASSWORD} characters")
    return first


def _name(text: str) -> str:
    if not re.fullmatch(ACCOUNT_NAME, text):
        raise CommandError("an account name is 2 to 40 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit")
    return text


def _existing(storage: Storage, name: str) -> str:
    if storage.account(name) is None:
        raise CommandError(f"there is no account {name!r}")
    return name


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m submit_fn.office", description="Office accounts of the submit function.")
    commands = parser.add_subparsers(dest="command", required=True)
    add = commands.add_parser("add-account", help="make an account; the password is read from standard input")
    add.add_argument("name")
    scope = add.add_mutually_exclusive_group(required=True)
    scope.add_argument("--province", action="append", metavar="CODE", help="2-digit code of a province whose filings it sees")
    scope.add_argument("--all-provinces", action="store_true", help="the Department: every province")
    commands.add_parser("list-accounts", help="every account with its provinces")
    for command in ("reset-password", "disable-account", "enable-account"):
        commands.add_parser(command).add_argument("name")
    return parser


def run(argv: list[str], storage: Storage | None = None) -> str:
    arguments = _parser().parse_args(argv)
    storage = storage or Storage(load_settings().database_url)
    moment = stamp(now())
    if arguments.command == "add-account":
        name = _name(arguments.name)
        provinces = None if arguments.all_provinces else frozenset(arguments.province)
        unknown = sorted((provinces or frozenset()) - province_codes())
        if unknown:
            raise CommandError(f"not a province code: {', '.join(unknown)} (codes are 2 digits, e.g. 01 for Hà Nội)")
        try:
            storage.add_account(name, hash_password(read_password()), provinces, moment)
        except AccountExists:
            raise CommandError(f"the account {name!r} exists already: use reset-password to change its password") from None
        return f"account {name} added: {'every province (Department)' if provinces is None else '+'.join(sorted(provinces))}"
    if arguments.command == "list-accounts":
        return "\n".join(
            f"{a.name}\t{'every province' if a.provinces is None else '+'.join(sorted(a.provinces))}\t{'disabled' if a.disabled else 'enabled'}"
            for a in storage.accounts()
        ) or "no accounts yet"
    name = _existing(storage, arguments.name)
    if arguments.command == "reset-password":
        storage.update_account(name, moment, password_hash=hash_password(read_password()))
        return f"password of {name} changed; its sessions have ended"
    disabled = arguments.command == "disable-account"
    storage.update_account(name, moment, disabled=disabled)
    return f"account {name} {'disabled; its sessions have ended' if disabled else 'enabled'}"


def main() -> int:
    try:
        print(run(sys.argv[1:]))
    except (CommandError, ConfigError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())

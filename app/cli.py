"""`rpm-timeline`: the command line for everything a person would want to script.

Every subcommand exits 0 on success; on a user error it prints one line on stderr and exits 1.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import sys
from datetime import date
from pathlib import Path

from app.config import Config
from data.errors import DatabaseHeld, StoreError

EXIT_OK, EXIT_ERROR = 0, 1


class UserError(Exception):
    """A problem with what the user asked for, reported as one line."""


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date in the form YYYY-MM-DD") from exc


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="rpm-timeline", description=__doc__.splitlines()[0])
    db_parent = argparse.ArgumentParser(add_help=False)
    db_parent.add_argument("--db", help="DuckDB file (default: $RPM_DB, else var/rpm.duckdb)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = sub.add_parser("serve", parents=[db_parent], help="start the web app")
    serve.add_argument("--host", help="default: $RPM_HOST, else 127.0.0.1")
    serve.add_argument(
        "--port", type=int, help="default: $RPM_PORT, else 8050; 0 picks a free port"
    )
    serve.add_argument(
        "--demo", action="store_true", help="seed an empty database with the fictional demo case"
    )
    serve.add_argument("--threads", type=int, default=8, help="worker threads (default 8)")

    case = sub.add_parser("case", help="add or list cases").add_subparsers(
        dest="case_command", required=True
    )
    case_add = case.add_parser("add", parents=[db_parent], help="add a case")
    case_add.add_argument("case_ref")
    case_add.add_argument("--dob", type=_date, help="child's date of birth, YYYY-MM-DD")
    case_add.add_argument("--label", help="pseudonym or initials (no full names)")
    case_add.add_argument("--model", help="reflective cycle: gibbs (default), kolb or driscoll")
    case.add_parser("list", parents=[db_parent], help="one case a line: reference, label, events")

    ingest = sub.add_parser("ingest", parents=[db_parent], help="add an agency's extract to a case")
    ingest.add_argument("--case", required=True, dest="case_ref")
    ingest.add_argument("--agency", required=True)
    ingest.add_argument("file")
    ingest.add_argument(
        "--map",
        action="append",
        default=None,
        metavar="FIELD=COLUMN",
        help="which column holds a field (date, time, event_type, summary, source_ref); "
        "repeat for each; default: the mapping detected from the header",
    )
    ingest.add_argument(
        "--date-order",
        choices=("dmy", "mdy", "ymd"),
        default=None,
        help="order of numeric dates (default: the agency's last upload's, else dmy: "
        "03/05/2016 is 3 May 2016)",
    )
    ingest.add_argument(
        "--encoding", help="text encoding of a CSV, e.g. utf-8, cp1252 (default: detected)"
    )
    ingest.add_argument(
        "--sheet", help="workbook sheet to read (default: the first with a date column)"
    )
    ingest.add_argument(
        "--header-row",
        type=int,
        metavar="N",
        help="the file's row that names the columns (default: detected, rows above skipped)",
    )
    ingest.add_argument(
        "--replace",
        action="store_true",
        help="retire this agency's earlier uploads for the case (default: add to them)",
    )
    ingest.add_argument(
        "--strict", action="store_true", help="refuse the whole file if any row would be rejected"
    )

    rejects = sub.add_parser(
        "rejects", parents=[db_parent], help="rejected rows of a case's uploads as CSV"
    )
    rejects.add_argument("--case", required=True, dest="case_ref")
    rejects.add_argument("-o", "--output", help="file to write (default: standard output)")

    chron = sub.add_parser("chronology", parents=[db_parent], help="merged chronology as CSV")
    chron.add_argument("--case", required=True, dest="case_ref")
    chron.add_argument("-o", "--output", help="file to write (default: standard output)")

    found = sub.add_parser(
        "patterns",
        parents=[db_parent],
        help="the case's patterns, suggested links and corroborated incidents as CSV",
    )
    found.add_argument("--case", required=True, dest="case_ref")
    found.add_argument("-o", "--output", help="file to write (default: standard output)")

    # A whole case as one JSON document (docs/schema.md, "Case archive").
    export = sub.add_parser(
        "export", help="export a whole case as JSON, or its documents"
    ).add_subparsers(dest="export_command", required=True)
    export_case = export.add_parser("case", parents=[db_parent], help="the case archive (JSON)")
    _add_document_exports(export, db_parent)
    _add_briefing_export(export, db_parent)
    export_case.add_argument("--case", required=True, dest="case_ref")
    export_case.add_argument("-o", "--output", required=True, help="JSON file to write")
    import_ = sub.add_parser("import", help="import a whole case from JSON").add_subparsers(
        dest="import_command", required=True
    )
    import_case = import_.add_parser("case", parents=[db_parent], help="restore a case archive")
    import_case.add_argument("file")
    import_case.add_argument("--as", dest="new_ref", help="import under this case reference")

    user = sub.add_parser("user", help="manage accounts").add_subparsers(
        dest="user_command", required=True
    )
    user_add = user.add_parser(
        "add", parents=[db_parent], help="add a user (password asked, or $RPM_NEW_PASSWORD)"
    )
    user_add.add_argument("name")
    user_add.add_argument("--role", required=True, help="admin, chair, agency or crc")
    user_add.add_argument("--agency", help="the agency of an agency user")
    user_reset = user.add_parser(
        "reset-password",
        parents=[db_parent],
        help="set a new password, end the user's sessions, lift a lockout (server stopped)",
    )
    user_reset.add_argument("name")

    backup = sub.add_parser(
        "backup", parents=[db_parent], help="consistent copy of the database, server running or not"
    )
    backup.add_argument("-o", "--output", required=True, help="backup file to write")
    restore = sub.add_parser(
        "restore", parents=[db_parent], help="restore a backup into a NEW database file (--db)"
    )
    restore.add_argument("file", help="a file written by `rpm-timeline backup`")
    _add_crc_commands(sub, db_parent)
    return parser


def _add_crc_commands(sub, db_parent) -> None:
    """`crc publish` and `crc serve-pooled`: bundles for regional and national pooling."""
    crc = sub.add_parser("crc", help="publish committee-level data; explore many partnerships'")
    crc_sub = crc.add_subparsers(dest="crc_command", required=True)
    publish = crc_sub.add_parser(
        "publish", parents=[db_parent], help="write a bundle of Parquet files (docs/pooled.md)"
    )
    publish.add_argument("-o", "--output", required=True, help="folder to write the bundle into")
    publish.add_argument("--code", help="the partnership's code (default: $RPM_PARTNERSHIP_CODE)")
    publish.add_argument(
        "--linkable",
        action="store_true",
        help="keys stable across this partnership's linkable bundles (default: fresh each time)",
    )
    decisions = crc_sub.add_parser(
        "decisions",
        parents=[db_parent],
        help="the committee's decisions and organisational actions as CSV (one row per action)",
    )
    about = decisions.add_mutually_exclusive_group()
    about.add_argument("--case", dest="case_ref", help="a case's (and its themes') decisions")
    about.add_argument("--key", dest="case_key", help="the same, by the committee's case key")
    about.add_argument("--theme", help="the decisions on a theme across cases")
    decisions.add_argument("-o", "--output", help="file to write (default: standard output)")
    pooled = crc_sub.add_parser(
        "serve-pooled",
        parents=[db_parent],
        help="the CRC explorer over many partnerships' bundles (--db holds the accounts)",
    )
    demo = crc_sub.add_parser(
        "demo-bundles", help="write four fictional partnerships' bundles (a regional demo)"
    )
    demo.add_argument("-o", "--output", required=True, help="folder to write the bundles into")
    pooled.add_argument("bundles", nargs="+", metavar="DIR", help="a bundle, or a folder of them")
    pooled.add_argument("--host", help="default: $RPM_HOST, else 127.0.0.1")
    pooled.add_argument(
        "--port", type=int, help="default: $RPM_PORT, else 8050; 0 picks a free port"
    )
    pooled.add_argument("--threads", type=int, default=8, help="worker threads (default 8)")


def _add_briefing_export(export, db_parent) -> None:
    cmd = export.add_parser(
        "briefing",
        parents=[db_parent],
        help="a one-page 7-minute briefing for frontline practitioners, DOCX or PDF (by -o's suffix)",
    )
    which = cmd.add_mutually_exclusive_group(required=True)
    which.add_argument("--case", dest="case_ref", help="from one case's signed-off record")
    which.add_argument("--theme", help="from every signed-off record's learning on a theme")
    cmd.add_argument("-o", "--output", required=True, help="FILE.docx or FILE.pdf")
    cmd.add_argument(
        "--draft", action="store_true", help="allow a case record not signed off (marked DRAFT)"
    )


def _add_document_exports(export, db_parent) -> None:
    """`export learning-log|crc-summary|invitation`."""
    for name, text in (
        ("learning-log", "the learning log (Appendix 2) as DOCX, print-ready HTML or PDF"),
        ("crc-summary", "the summary for the Case Review Committee (Appendix 3)"),
        ("invitation", "the invitation to the meeting"),
    ):
        cmd = export.add_parser(name, parents=[db_parent], help=text)
        cmd.add_argument("--case", required=True, dest="case_ref")
        cmd.add_argument("-o", "--output", required=True, help="file to write")
        cmd.add_argument("--format", choices=("docx", "html", "pdf"), default="docx")
        if name == "learning-log":
            cmd.add_argument(
                "--no-image",
                action="store_true",
                help="leave out the timeline image (it is drawn in Chromium, which takes seconds)",
            )
            cmd.add_argument(
                "--anonymised",
                action="store_true",
                help="the people of the case by their role labels (case glossary), not their names",
            )
        if name != "invitation":
            cmd.add_argument("--version", type=int, help="record version (default: latest signed)")
            cmd.add_argument(
                "--draft",
                action="store_true",
                help="allow a record not signed off (every page then says DRAFT)",
            )


def open_store(args):
    from data.store import Store

    config = Config.from_env(db=args.db)
    try:
        return Store(config.db_path), config
    except DatabaseHeld as exc:
        raise UserError(held_by_server(config.db_path)) from exc
    except Exception as exc:
        raise UserError(
            f"cannot open database {config.db_path}: {str(exc).splitlines()[0]}"
        ) from exc


def held_by_server(db_path) -> str:
    """DuckDB's lock message names a program path and a PID; say what it means and what to do."""
    return (
        f"the running server holds the database {db_path}: stop the server and run this again"
        " (a backup needs no stop: `rpm-timeline backup` goes through the server)"
    )


def cmd_serve(args, pooled=None) -> int:
    import waitress

    from app.server import create_app
    from data.committee_patterns import backfill_in_background
    from data.demo import DEMO_CASE_REF, seed_demo
    from data.users import count_users, ensure_admin

    store, _ = open_store(args)
    config = Config.from_env(db=args.db, host=args.host, port=args.port)
    first_start = count_users(store) == 0  # only then is RPM_ADMIN_PASSWORD admin's password
    generated = ensure_admin(store, config.admin_password)
    if getattr(args, "demo", False) and seed_demo(store):
        print(f"Seeded the fictional demo case {DEMO_CASE_REF}.")
    import atexit

    from data.backup import remove_server_info, write_server_info

    # Bound before anything is announced: with port 0 the system picks a free port, and the
    # address printed (and left for `rpm-timeline backup`) must be the one really listened on.
    family = socket.AF_INET6 if ":" in config.host else socket.AF_INET
    try:
        listening = socket.create_server((config.host, config.port), family=family)
    except OSError as exc:
        raise UserError(
            f"cannot listen on {config.host}:{config.port}: {os.strerror(exc.errno)}"
        ) from exc
    port = listening.getsockname()[1]
    token = write_server_info(config.db_path, config.host, port)
    atexit.register(remove_server_info, config.db_path, token)
    app = create_app(store, config, backup_token=token, pooled=pooled)
    url = f"http://{config.host}:{port}/"
    print(f"RPM Timeline on {url} (database {config.db_path})")
    if generated:
        print(
            f"Sign in as 'admin' with the password {generated} (shown once; set RPM_ADMIN_PASSWORD to choose it)."
        )
    elif first_start:
        print("Sign in as 'admin' with the password in RPM_ADMIN_PASSWORD.")
    sys.stdout.flush()
    # After an upgrade, the patterns of records signed before the lenses reached the committee
    # are written while the server answers (minutes on a large database).
    backfill_in_background(store, announce=lambda line: print(line, flush=True))
    # A stop (SIGTERM: systemd, docker, a terminal's kill) ends the server as Ctrl+C does, so
    # the exit steps run: the uploads still waiting for confirmation are deleted (they are
    # extracts about a child) and the backup's address file is removed. Python's default for
    # SIGTERM ends the process at once, leaving both behind.
    signal.signal(signal.SIGTERM, _stop)
    waitress.serve(app.server, sockets=[listening], threads=args.threads, ident="rpm-timeline")
    return EXIT_OK


def _stop(_signum, _frame):
    raise SystemExit(EXIT_OK)


def cmd_crc(args) -> int:
    if args.crc_command == "publish":
        from data.actor import SYSTEM
        from data.committee_patterns import write_missing_patterns
        from data.publish import check_code, publish

        store, config = open_store(args)
        code = check_code(args.code or config.partnership_code)
        if written := write_missing_patterns(store):
            print(f"wrote the committee's patterns of {written} signed-off record(s) first")
        print(
            f"published {publish(store, SYSTEM, args.output, code, linkable=args.linkable).line()}"
        )
        return EXIT_OK
    if args.crc_command == "decisions":
        return _crc_decisions(args)
    if args.crc_command == "demo-bundles":
        from data.demo.bundles import write_demo_bundles

        for folder in write_demo_bundles(args.output):
            print(f"wrote {folder}")
        return EXIT_OK
    from data.bundle import BadBundle
    from data.pooled import open_pooled

    try:
        pooled = open_pooled(args.bundles)
    except BadBundle as exc:
        raise UserError(f"bundle refused: {exc}") from exc
    names = ", ".join(b.partnership for b in pooled.bundles)
    print(f"Pooled {len(pooled.bundles)} partnerships' bundles: {names}")
    pooled.warm_up_in_background(announce=lambda line: print(line, flush=True))
    return cmd_serve(args, pooled=pooled)


def _crc_decisions(args) -> int:
    from data import committee
    from data.actor import SYSTEM
    from data.cases import get_case
    from data.crc import case_key_of
    from data.exports import csv_text

    store, _ = open_store(args)
    subject = None
    if args.case_ref:
        subject = committee.Subject(
            case_key=case_key_of(store, get_case(store, args.case_ref).case_id)
        )
    elif args.case_key or args.theme:
        subject = committee.Subject(case_key=args.case_key, theme=args.theme)
    decisions = committee.list_decisions(store, SYSTEM, subject)
    text = csv_text(committee.DECISION_COLUMNS, committee.decision_rows(decisions))
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"wrote {len(decisions)} decision(s) to {args.output}")
    else:
        sys.stdout.write(text)
    return EXIT_OK


def cmd_case(args) -> int:
    from data import cases
    from data.actor import SYSTEM

    store, _ = open_store(args)
    if args.case_command == "add":
        if args.model:  # checked before the case is added, so a typo adds nothing
            from data.reflective_models import list_models

            known = [key for key, _ in list_models(store)]
            if args.model not in known:
                raise UserError(
                    f"unknown reflective model {args.model!r}: choose one of {', '.join(known)}"
                )
        case = cases.add_case(store, args.case_ref, date_of_birth=args.dob, label=args.label)
        if args.model:
            from data.reflective_models import set_case_model

            set_case_model(store, SYSTEM, case.case_ref, args.model)
        print(f"added case {case.case_ref}")
    else:
        for s in cases.list_cases(store, SYSTEM):
            print(f"{s.case_ref}\t{s.label or ''}\t{s.event_count}")
    return EXIT_OK


def cmd_ingest(args) -> int:
    from data.ingest import ingest_file

    store, _ = open_store(args)
    result = ingest_file(
        store,
        args.case_ref,
        args.agency,
        Path(args.file),
        uploaded_by="cli",
        mapping=args.map,
        date_order=args.date_order,
        encoding=args.encoding,
        sheet=args.sheet,
        header_row=args.header_row,
        replace=args.replace,
        strict=args.strict,
    )
    print(f"read as {result.read_as}")
    for note in result.notes:
        print(f"note: {note}")
    if result.mapping:
        print("mapping: " + ", ".join(f"{f}={c}" for f, c in result.mapping.items()))
    for warning in result.warnings:
        rows = ", ".join(str(r) for r in warning.rows[:10]) + (
            ", ..." if len(warning.rows) > 10 else ""
        )
        print(f"warning: {warning.message} (rows {rows})")
    if result.retired_uploads:
        print(f"replaced {result.retired_uploads} earlier upload(s) from {result.agency}")
    print(result.summary_line())
    return EXIT_OK


def cmd_rejects(args) -> int:
    from data.actor import SYSTEM
    from data.ingest.uploads import rejects_csv

    store, _ = open_store(args)
    text = rejects_csv(store, SYSTEM, args.case_ref)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return EXIT_OK


def cmd_chronology(args) -> int:
    from data.actor import SYSTEM
    from data.events import CHRONOLOGY_COLUMNS, chronology_rows
    from data.exports import csv_text

    store, _ = open_store(args)
    text = csv_text(CHRONOLOGY_COLUMNS, chronology_rows(store, SYSTEM, args.case_ref))
    return _write_export(store, args, text, "chronology CSV")


def _write_export(store, args, text: str, detail: str) -> int:
    """A case's export to -o FILE or standard output, recorded in the audit trail."""
    from data import audit
    from data.actor import SYSTEM

    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    audit.record(store, SYSTEM, audit.EXPORT, case_ref=args.case_ref, detail=detail)
    return EXIT_OK


def cmd_patterns(args) -> int:
    from data.actor import SYSTEM
    from data.exports import csv_text
    from data.patterns import PATTERN_CSV_COLUMNS, case_findings, findings_csv_rows

    store, _ = open_store(args)
    found = case_findings(store, SYSTEM, args.case_ref)
    text = csv_text(PATTERN_CSV_COLUMNS, findings_csv_rows(found))
    return _write_export(store, args, text, "patterns CSV")


def _document(document_files, store, actor, args) -> bytes:
    if args.export_command == "briefing":
        fmt = Path(args.output).suffix.lower().lstrip(".")
        if fmt not in ("docx", "pdf"):
            raise UserError(f"write the briefing to a .docx or .pdf file, not {args.output}")
        return document_files.briefing_file(
            store, actor, fmt, case_ref=args.case_ref, theme=args.theme, draft=args.draft
        )
    if args.export_command == "learning-log":
        return document_files.learning_log_file(
            store,
            actor,
            args.case_ref,
            args.format,
            draft=args.draft,
            version=args.version,
            with_image=not args.no_image,
            anonymised=args.anonymised,
        )
    if args.export_command == "crc-summary":
        return document_files.crc_summary_file(
            store, actor, args.case_ref, args.format, draft=args.draft, version=args.version
        )
    return document_files.invitation_file(store, actor, args.case_ref, args.format)


def _export_document(args) -> int:
    from app import document_files
    from data.actor import SYSTEM
    from data.errors import InvalidInput

    store, _ = open_store(args)
    try:
        content = _document(document_files, store, SYSTEM, args)
    except InvalidInput as exc:
        if not getattr(args, "draft", True) and "draft" in str(exc):
            raise UserError(f"{exc} (add --draft to export it)") from exc
        raise
    try:
        Path(args.output).write_bytes(content)
    except OSError as exc:
        raise UserError(f"cannot write {args.output}: {os.strerror(exc.errno)}") from exc
    from data import audit

    audit.record(
        store,
        SYSTEM,
        audit.EXPORT,
        case_ref=args.case_ref,
        detail=f"{args.export_command} {'draft ' if getattr(args, 'draft', False) else ''}to {Path(args.output).name}",
    )
    print(f"wrote {args.output}")
    return EXIT_OK


def cmd_user(args) -> int:
    import getpass
    import os

    from data.actor import ROLES
    from data.users import add_user, reset_password

    if args.user_command == "add" and args.role not in ROLES:
        raise UserError(f"unknown role {args.role!r}: choose one of {', '.join(ROLES)}")
    store, _ = open_store(args)
    password = os.environ.get("RPM_NEW_PASSWORD")
    if not password:
        if not sys.stdin.isatty():
            raise UserError("no password: set RPM_NEW_PASSWORD or run in a terminal")
        password = getpass.getpass(f"Password for {args.name}: ")
    if args.user_command == "reset-password":
        reset_password(store, args.name, password)
        print(f"new password set for {args.name}; their sessions have ended")
        return EXIT_OK
    user = add_user(store, args.name, args.role, password, agency=args.agency)
    print(f"added user {user.username} ({user.role}{', ' + user.agency if user.agency else ''})")
    return EXIT_OK


def cmd_backup(args) -> int:
    """Ask the running server for the copy if it holds the file; otherwise copy it here."""
    from data.backup import backup_closed_file, read_server_info

    config = Config.from_env(db=args.db)
    output = Path(args.output)
    if output.exists():
        raise UserError(f"{output} already exists: choose a new file name")
    try:
        summary = backup_closed_file(config.db_path, output).line()
    except DatabaseHeld:
        summary = _backup_from_server(config.db_path, output, read_server_info(config.db_path))
    print(f"backup written: {summary}")
    return EXIT_OK


def _backup_from_server(db_path: Path, output: Path, info: dict | None) -> str:
    import os
    import urllib.error
    import urllib.request

    if not info:
        raise UserError(
            f"{db_path} is in use by another process and no running server was found "
            f"({db_path.name}.server.json is missing): stop that process and try again"
        )
    request = urllib.request.Request(
        info["url"] + "_rpm/backup",
        method="POST",
        # The server refuses a POST that does not name it as its origin.
        headers={"Authorization": f"Bearer {info['token']}", "Origin": info["url"].rstrip("/")},
    )
    tmp = output.with_name(output.name + ".part")
    try:
        with urllib.request.urlopen(request, timeout=600) as response, tmp.open("wb") as fh:
            while block := response.read(1 << 20):
                fh.write(block)
    except (urllib.error.URLError, OSError) as exc:
        tmp.unlink(missing_ok=True)
        raise UserError(f"the server at {info['url']} did not make the backup: {exc}") from exc
    os.replace(tmp, output)
    return f"{output} ({output.stat().st_size:,} bytes, made by the running server)"


def cmd_restore(args) -> int:
    from data.backup import restore

    config = Config.from_env(db=args.db)
    summary = restore(Path(args.file), config.db_path)
    print(f"restored into {summary.line()}")
    print(f"start the server on it with RPM_DB={config.db_path}")
    return EXIT_OK


def cmd_export(args) -> int:
    if args.export_command != "case":
        return _export_document(args)  # learning-log, crc-summary, invitation
    from data import audit
    from data.actor import SYSTEM
    from data.case_archive import write_case

    store, _ = open_store(args)
    document = write_case(store, SYSTEM, args.case_ref, args.output)
    rows = sum(len(t["rows"]) for t in document["tables"].values())
    audit.record(store, SYSTEM, audit.EXPORT, case_ref=args.case_ref, detail="case archive JSON")
    print(f"exported case {args.case_ref}: {rows} rows in {len(document['tables'])} tables")
    return EXIT_OK


def cmd_import(args) -> int:
    from data import audit
    from data.actor import SYSTEM
    from data.case_archive import import_case, read_case_file

    document = read_case_file(args.file)
    store, _ = open_store(args)
    notes: list[str] = []
    case_ref = import_case(store, SYSTEM, document, args.new_ref, notes)
    audit.record(
        store,
        SYSTEM,
        audit.CHANGE,
        case_ref=case_ref,
        detail=f"case imported from {Path(args.file).name}",
    )
    print(f"imported case {case_ref}")
    for note in notes:
        print(f"note: {note}")
    return EXIT_OK


COMMANDS = {
    "serve": cmd_serve,
    "case": cmd_case,
    "ingest": cmd_ingest,
    "chronology": cmd_chronology,
    "patterns": cmd_patterns,
    "rejects": cmd_rejects,
    "user": cmd_user,
    "backup": cmd_backup,
    "restore": cmd_restore,
    "export": cmd_export,
    "import": cmd_import,
    "crc": cmd_crc,
}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except (UserError, StoreError) as exc:
        print(f"rpm-timeline: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())

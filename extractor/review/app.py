"""The workbench's web application (Starlette, server-rendered Jinja pages, no CDN, no script needed).

Security, all on the server:
- every page but the login needs a session; the session is a signed cookie (itsdangerous through
  Starlette's SessionMiddleware), HttpOnly and SameSite=Strict, and lasts a working day;
- every POST carries the session's CSRF token in a hidden field, compared in constant time;
- roles: a reviewer decides, a lead also assigns, an admin also manages accounts;
- after `MAX_FAILURES` wrong passwords for one name from one address, that pair waits `LOCKOUT` seconds
  (counted in the store, so every worker process and a restart see the same count);
- document text reaches the pages only through Jinja's autoescaping.
"""

from __future__ import annotations

import json
import os
import secrets
import tempfile
import time
from dataclasses import asdict
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urlencode

from jinja2 import ChoiceLoader, Environment, PackageLoader, select_autoescape
from sqlalchemy import delete, func, select
from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from extractor.batch.reports import document_view
from extractor.batch.store import DocumentRow, Store, finding_key
from extractor.document import Document
from extractor.i18n import SEVERITY_WORD, _, html_lang, translations, word
from extractor.i18n import current as current_language
from extractor.review.accounts import AccountError, add_user, authenticate
from extractor.review.annotations import AnnotationError, examples, keep, markup_of
from extractor.review.corrections import CorrectionError, cell_at, correct_cell, corrections_of
from extractor.review.decisions import (
    ASSIGNS,
    REASONS,
    ROLES,
    STATUSES,
    Conflict,
    DecisionError,
    Forbidden,
    decide,
    histories,
    states,
)
from extractor.review.paper import SignoffRefused, paper, sign_off, write_workbook
from extractor.review.queue import FILTERS, Orders, Query, choices, findings
from extractor.review.tables import LoginFailureRow, UserRow

CHOICES_SECONDS = 60  # the filter menus' values are read from the store at most this often
MAX_FAILURES = 5
LOCKOUT = 15 * 60  # seconds
SESSION_SECONDS = 10 * 3600


def _env() -> Environment:
    env = Environment(
        loader=ChoiceLoader([PackageLoader("extractor.review", "templates"), PackageLoader("extractor.batch", "templates")]),
        autoescape=select_autoescape(["html", "j2"], default=True),
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_translations(translations(current_language()))
    env.globals.update(html_lang=html_lang(), STATUSES=STATUSES, REASONS=REASONS, ROLES=ROLES,
                       severity_word=lambda s: word(SEVERITY_WORD, s), urlencode=urlencode)
    return env


class Throttle:
    """Wrong passwords per (name, address) in a sliding window, kept in the store: every server process
    (`serve --workers N`) and a restart see the same count."""

    def __init__(self, store: Store, limit: int = MAX_FAILURES, window: float = LOCKOUT):
        self.store, self.limit, self.window = store, limit, window

    def locked(self, who: tuple[str, str]) -> bool:
        since = datetime.now(timezone.utc) - timedelta(seconds=self.window)
        with self.store.session() as session:
            n = session.scalar(select(func.count()).select_from(LoginFailureRow).where(
                LoginFailureRow.name == who[0], LoginFailureRow.address == who[1], LoginFailureRow.at > since))
        return (n or 0) >= self.limit

    def failed(self, who: tuple[str, str]) -> None:
        with self.store.session() as session:
            session.add(LoginFailureRow(name=who[0][:64], address=who[1][:64], at=datetime.now(timezone.utc)))
            session.commit()

    def passed(self, who: tuple[str, str]) -> None:
        with self.store.session() as session:
            session.execute(delete(LoginFailureRow).where(LoginFailureRow.name == who[0],
                                                          LoginFailureRow.address == who[1]))
            session.commit()


def create_app(store: Store, secret: str, https_only: bool = False) -> Starlette:
    store.fill_finding_keys()  # a store written before findings had keys
    env = _env()
    throttle = Throttle(store)
    menus: dict = {"at": 0.0, "values": {}}
    orders = Orders()

    def filter_values() -> dict[str, list[str]]:
        if time.monotonic() - menus["at"] > CHOICES_SECONDS:
            with store.session() as session:
                menus["values"], menus["at"] = choices(session), time.monotonic()
        return menus["values"]

    def render(request: Request, template: str, status_code: int = 200, **context) -> HTMLResponse:
        user = request.session.get("user")
        html = env.get_template(template).render(user=user, role=request.session.get("role"),
                                                 csrf=request.session.get("csrf", ""), **context)
        return HTMLResponse(html, status_code=status_code)

    def signed_in(handler):
        """Only with a session (else to the login page); POSTs only with the session's CSRF token."""

        async def guarded(request: Request) -> Response:
            role = current_role(request.session.get("user")) if request.session.get("until", 0) >= time.time() else None
            if role is None:
                request.session.clear()
                return RedirectResponse("/login?" + urlencode({"next": request.url.path}), status_code=303)
            request.session["role"] = role  # a changed role counts from the next request, not the next login
            if request.method == "POST":
                form = await request.form()
                sent, expected = str(form.get("csrf", "")), request.session.get("csrf", "")
                if not expected or not secrets.compare_digest(sent, expected):
                    return render(request, "message.html.j2", 403, title="403", message=_(
                        "This form has expired or does not come from this site (no valid CSRF token); go back to "
                        "the page and try again."))
                request.state.form = form
            return await handler(request)

        return guarded

    def current_role(name: str | None) -> str | None:
        """The account's role now, None if it is gone or disabled (its sessions end with it)."""
        if not name:
            return None
        with store.session() as session:
            return session.scalar(select(UserRow.role).where(UserRow.name == name, UserRow.active.is_(True)))

    def needs(role_set, request: Request) -> Response | None:
        if request.session.get("role") not in role_set:
            return render(request, "message.html.j2", 403, title="403", message=_("Your role may not do this."))
        return None

    async def login(request: Request) -> Response:
        nxt = _local(request.query_params.get("next", "/"))
        if request.method == "GET":
            return render(request, "login.html.j2", next=nxt)
        form = await request.form()
        name, password = str(form.get("name", "")).strip(), str(form.get("password", ""))
        who = (name, request.client.host if request.client else "")
        if throttle.locked(who):
            return render(request, "login.html.j2", 429, next=nxt, error=_(
                "Too many failed sign-ins; try again in 15 minutes."))
        with store.session() as session:
            user = authenticate(session, name, password)
            role = user.role if user else None
        if user is None:
            throttle.failed(who)
            return render(request, "login.html.j2", 401, next=nxt, error=_("Wrong user name or password."))
        throttle.passed(who)
        request.session.clear()
        request.session.update(user=name, role=role, csrf=secrets.token_urlsafe(32), until=time.time() + SESSION_SECONDS)
        return RedirectResponse(nxt, status_code=303)

    @signed_in
    async def logout(request: Request) -> Response:
        request.session.clear()
        return RedirectResponse("/login", status_code=303)

    def queue_page(request: Request) -> HTMLResponse:
        query = Query.of(request.query_params)
        with store.session() as session:
            page = findings(session, query, orders=orders)
        page.choices = filter_values()
        return render(request, "queue.html.j2", page=page, query=query, filters=FILTERS)

    @signed_in
    async def queue(request: Request) -> Response:
        # the store and the template work in a thread: SQLite lets go of the interpreter while it reads
        return await run_in_threadpool(queue_page, request)

    @signed_in
    async def document(request: Request) -> Response:
        return await run_in_threadpool(document_page, request)

    def document_page(request: Request) -> Response:
        doc_id = request.path_params["doc_id"]
        with store.session() as session:
            d = session.get(DocumentRow, doc_id)
        if d is None or d.status != "ok":
            return render(request, "message.html.j2", 404, title="404", message=_("There is no such report."))
        extraction, doc_json = store.payload(doc_id)
        ex = json.loads(extraction)
        ex["findings"] = ex.get("findings", []) + store.findings_of(doc_id, "across.")
        view = document_view(d, ex, doc_json, store.crops_of(doc_id))
        stored = store.finding_keys(doc_id)
        keys = {f["id"]: stored.get(f["id"]) or finding_key(d.sha256, f) for f in ex["findings"]}
        with store.session() as session:
            state = states(session, list(keys.values()))
            users = [u.name for u in session.scalars(select(UserRow).where(UserRow.active.is_(True)))]
            records = histories(session, list(keys.values()))
        decisions = {fid: {"key": k, "state": state[k], "history": records[k]} for fid, k in keys.items()}
        document = json.loads(doc_json or "{}")
        fixing = _cell_asked(request.query_params.get("correct"), document)
        block = request.query_params.get("annotate")
        marking = {"block": block, "markup": markup_of(ex, document, block)} if block else None
        return render(request, "review_document.html.j2", decisions=decisions, doc_id=doc_id, users=users,
                      can_assign=request.session.get("role") in ASSIGNS, fixing=fixing, marking=marking,
                      request_saved=bool(request.query_params.get("saved")),
                      corrections=corrections_of(store, d.sha256), **view)

    @signed_in
    async def annotate(request: Request) -> Response:
        form = request.state.form
        doc_id = request.path_params["doc_id"]
        try:
            row = await run_in_threadpool(keep, store, doc_id, str(form.get("block", "")), str(form.get("markup", "")),
                                          user=request.session["user"], note=str(form.get("note", ""))[:4000])
        except AnnotationError as exc:
            return render(request, "message.html.j2", 400, title="400",
                          message=_("The spans were not saved: {why}").format(why=exc))
        return RedirectResponse(f"/doc/{doc_id}?annotate={row.block}&saved=1#annotate", status_code=303)

    @signed_in
    async def annotations_export(request: Request) -> Response:
        lines = [json.dumps(e.model_dump(), ensure_ascii=False) for e in await run_in_threadpool(examples, store)]
        return Response("".join(line + "\n" for line in lines), media_type="application/x-ndjson",
                        headers={"Content-Disposition": 'attachment; filename="reviewed.jsonl"'})

    @signed_in
    async def correct(request: Request) -> Response:
        form = request.state.form
        doc_id = request.path_params["doc_id"]
        try:
            table, row, col = str(form.get("table", "")), int(form.get("row", "")), int(form.get("col", ""))
        except ValueError:
            return render(request, "message.html.j2", 400, title="400", message=_(
                "Not corrected: the cell's place is incomplete."))
        try:
            outcome = await run_in_threadpool(correct_cell, store, doc_id, table, row, col, str(form.get("text", "")),
                                              user=request.session["user"], note=str(form.get("note", ""))[:4000])
        except CorrectionError as exc:
            return render(request, "message.html.j2", 400, title="400",
                          message=_("Not corrected: {why}").format(why=exc))
        orders.entries.clear()  # the queue's documents changed
        return render(request, "corrected.html.j2", outcome=outcome, doc_id=doc_id)

    @signed_in
    async def decision(request: Request) -> Response:
        form = request.state.form
        key = request.path_params["key"]
        back = _local(str(form.get("back", "/")))
        try:
            seen = int(form.get("version", "-1"))
        except ValueError:
            seen = -1
        change = {"assignee": str(form.get("assignee", ""))} if form.get("change") == "assign" else {
            "status": str(form.get("status", "")), "reason": str(form.get("reason", "")) or None}
        with store.session() as session:
            try:
                decide(session, key, user=request.session["user"], role=request.session["role"], seen_version=seen,
                       note=str(form.get("note", ""))[:4000], **change)
            except Conflict as conflict:
                return render(request, "conflict.html.j2", 409, other=asdict(conflict.current), back=back)
            except Forbidden:
                return render(request, "message.html.j2", 403, title="403", message=_("Your role may not do this."))
            except DecisionError as exc:
                return render(request, "message.html.j2", 400, title="400",
                              message=_("Not recorded: {why}").format(why=exc))
        if change.get("assignee") is not None or menus["values"]:
            menus["at"] = 0.0  # a new reviewer or assignee may belong in the menus
        return RedirectResponse(back, status_code=303)

    @signed_in
    async def working_paper(request: Request) -> Response:
        query = Query.of(request.query_params)
        title = (_("Working paper") + " " + " ".join(v for k, v in query.params().items() if k != "page")).strip()
        def build():
            with store.session() as session:
                return paper(session, query, title)

        p = await run_in_threadpool(build)  # a province's selection is thousands of rows
        if request.path_params.get("fmt") == "xlsx":
            fd, name = tempfile.mkstemp(suffix=".xlsx")
            os.close(fd)
            await run_in_threadpool(write_workbook, p, Path(name))
            return FileResponse(name, filename="working-paper.xlsx",
                                background=BackgroundTask(Path(name).unlink, missing_ok=True))
        return render(request, "paper.html.j2", paper=p, query=query, can_sign=request.session.get("role") in ASSIGNS)

    @signed_in
    async def signoff(request: Request) -> Response:
        if refused := needs(ASSIGNS, request):
            return refused
        form = request.state.form
        query = Query.of(form)
        with store.session() as session:
            try:
                sign_off(session, query, request.session["user"], str(form.get("note", ""))[:4000])
            except SignoffRefused as exc:
                return render(request, "message.html.j2", 400, title="400",
                              message=_("Not signed off: {why}").format(why=exc))
        return RedirectResponse("/paper?" + urlencode(query.params(page="")), status_code=303)

    @signed_in
    async def users(request: Request) -> Response:
        if refused := needs(("admin",), request):
            return refused
        error = None
        if request.method == "POST":
            form = request.state.form
            with store.session() as session:
                try:
                    add_user(session, str(form.get("name", "")).strip(), str(form.get("role", "")),
                             str(form.get("password", "")))
                except AccountError as exc:
                    error = str(exc)
        with store.session() as session:
            accounts = [(u.name, u.role, u.active) for u in session.scalars(select(UserRow).order_by(UserRow.name))]
        return render(request, "users.html.j2", 400 if error else 200, accounts=accounts, error=error)

    routes = [
        Route("/login", login, methods=["GET", "POST"]),
        Route("/logout", logout, methods=["POST"]),
        Route("/", queue),
        Route("/doc/{doc_id:int}", document),
        Route("/doc/{doc_id:int}/correct", correct, methods=["POST"]),
        Route("/doc/{doc_id:int}/annotate", annotate, methods=["POST"]),
        Route("/annotations.jsonl", annotations_export),
        Route("/finding/{key:str}", decision, methods=["POST"]),
        Route("/paper", working_paper),
        Route("/paper.{fmt:str}", working_paper),
        Route("/paper/signoff", signoff, methods=["POST"]),
        Route("/users", users, methods=["GET", "POST"]),
    ]
    middleware = [Middleware(SessionMiddleware, secret_key=secret, session_cookie="extractor_review",
                             max_age=SESSION_SECONDS, same_site="strict", https_only=https_only)]
    return Starlette(routes=routes, middleware=middleware)


def _local(path: str) -> str:
    """`path` if it is a path on this site, else "/": never a redirect elsewhere (//host, /\\host)."""
    return path if path.startswith("/") and path[1:2] not in ("/", "\\") else "/"


def _cell_asked(asked: str | None, document: dict) -> dict | None:
    """The cell named by `?correct=TABLE,ROW,COL`, with the text read there, for the correction form."""
    try:
        table, row, col = (asked or "").rsplit(",", 2)
        row, col = int(row), int(col)
    except ValueError:
        return None
    cell = cell_at(Document.model_validate(document), table, row, col) if document else None
    return {"table": table, "row": row, "col": col, "text": cell.text} if cell else None


def from_environment() -> Starlette:
    """The application of `serve --workers N`: each worker process builds its own from what `serve` put in
    the environment (uvicorn starts workers from an import string)."""
    out = Path(os.environ["EXTRACTOR_SERVE_OUT"])
    return create_app(Store.at(out, os.environ.get("EXTRACTOR_SERVE_DB") or None), session_secret(out))


def session_secret(out: Path) -> str:
    """The key that signs session cookies, made once per output folder (readable by its owner only), so a
    restart does not sign everyone out and two stores never accept each other's cookies."""
    path = Path(out) / ".workbench-secret"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(48), encoding="utf-8")
    return path.read_text(encoding="utf-8").strip()

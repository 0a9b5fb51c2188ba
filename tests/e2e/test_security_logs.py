"""Issue #10: no personal data in the logs or in URLs, after an end-to-end flow.

The production server (JSON logs, access log on) takes the fixture alerts through the API
(one good, one malformed, one with a bad signature), the pipeline stages and timers run,
an operator signs in, opens the queue and the case page, adds a note and types a phone-in
call with a name and number. Then every log line the server and the workers wrote, and
the access log, are searched for the fixture's phone numbers (in every spelling), names,
handles, post texts, e-mail and IP addresses: none may be there. Every link and form
target on the pages the operator saw is checked the same way (no personal data in URLs).
"""

from __future__ import annotations

import json
import re
from http.client import HTTPConnection
from pathlib import Path

import pytest
import requests

from jeevanrekha.intake.signing import signed_headers
from tests.conftest import fixture_alert
from tests.e2e.browser import Account, make_account
from tests.e2e.conftest import SECRET, SOURCE, Server

ALERT = {**fixture_alert("alert_full"), "source": SOURCE}
NOTE_TEXT = "Called Ankit Verma on 9415012345, he is with his brother Sunil"
PHONE_IN = {"name": "Priya Sharma", "phone": "9839012345", "said": "meri behen kal se gayab hai"}


def personal_values() -> list[str]:
    """Everything in the flow that identifies or describes the person, in each spelling."""
    ev, account = ALERT["evidence"], ALERT["account"]
    values = [
        ALERT["post"]["text"],
        ev["post_text"],
        account["handle"],
        account["name"],
        "Ankit",
        "Verma",
        ev["address"],
        "Indira Nagar",
        ev["ip"],
        ALERT["reporter"]["email"],
        "Sunil",
        *PHONE_IN.values(),
        "Priya",
    ]
    for phone in (ev["phone"], ALERT["reporter"]["phone"], "+91 98390 12345"):
        digits = re.sub(r"\D", "", phone)
        values += [phone, digits, digits[-10:]]
    return values


@pytest.fixture
def json_logs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOG_FORMAT", "json")
    monkeypatch.setenv("LOG_LEVEL", "INFO")
    monkeypatch.setenv("WEB_SERVER", "gunicorn")  # it writes the access log (ACCESS_LOG)


def _post(server: Server, body: bytes, *, sign: bool = True) -> int:
    conn = HTTPConnection("127.0.0.1", server.port, timeout=30)
    headers = signed_headers(SOURCE, SECRET if sign else "wrong-secret", body)
    conn.request("POST", "/api/v1/alerts", body=body, headers=headers)
    status = conn.getresponse().status
    conn.close()
    return status


def _sign_in(server: Server, account: Account) -> requests.Session:
    session = requests.Session()
    session.get(f"{server.url}/login/", timeout=30)
    token = session.cookies["csrftoken"]
    form = {"username": account.username, "password": account.password}
    reply = session.post(
        f"{server.url}/login/", data={**form, "csrfmiddlewaretoken": token}, timeout=30
    )
    code = {"code": account.next_code(), "csrfmiddlewaretoken": session.cookies["csrftoken"]}
    reply = session.post(reply.url, data=code, timeout=30)
    assert "/login/" not in reply.url, reply.url
    return session


def _form(session: requests.Session, url: str, data: dict[str, str]) -> requests.Response:
    return session.post(
        url,
        data={**data, "csrfmiddlewaretoken": session.cookies["csrftoken"]},
        headers={"Referer": url},
        timeout=30,
    )


def _urls_in(page: str) -> list[str]:
    return re.findall(r'(?:href|src|action|hx-get|hx-post|data-\w+)="([^"]*)"', page)


def _flow(server: Server) -> list[str]:
    """Run the desk's flow; the pages the operator saw."""
    full = json.dumps(ALERT, ensure_ascii=False).encode()
    assert _post(server, full) == 202
    broken = full[: len(full) // 2]  # malformed: quarantined, its bytes kept, not logged
    assert _post(server, broken) == 400
    assert _post(server, full, sign=False) == 401
    for stage in ("risk", "locate", "dispatch"):
        server.cli("worker", "--stage", stage, "--once")
    server.cli("timers", "--once")
    operator = make_account(server, "privacy.op", "operator")
    session = _sign_in(server, operator)
    pages = [session.get(f"{server.url}/", timeout=30).text]
    case_id = server.db.scalar("SELECT MIN(id) FROM cases_case")
    case_url = f"{server.url}/cases/{case_id}/"
    pages.append(session.get(case_url, timeout=30).text)
    assert ALERT["account"]["name"] in pages[-1]  # the page shows it; the logs must not
    _form(session, f"{case_url}note", {"kind": "call", "result": "reached", "text": NOTE_TEXT})
    pages.append(session.get(f"{server.url}/quarantine/", timeout=30).text)
    phone_in = {
        "said": PHONE_IN["said"],
        "person_name": PHONE_IN["name"],
        "person_phone": PHONE_IN["phone"],
        "platform": "phone",
    }
    reply = _form(session, f"{server.url}/phone-in/", phone_in)
    pages.append(reply.text)
    for url in {reply.url, case_url}:
        pages.append(session.get(url, timeout=30).text)
    return pages


def _log_text(server: Server, tmp_path: Path) -> str:
    assert server.log is not None and server.process is not None
    server.process.terminate()  # flush every worker's output
    server.process.wait(timeout=30)
    text = server.log.read_text(encoding="utf-8", errors="replace")
    access = tmp_path / "access.log"
    return text + (access.read_text(encoding="utf-8") if access.exists() else "")


def test_no_personal_data_in_logs_or_urls(json_logs: None, server: Server, tmp_path: Path) -> None:
    pages = _flow(server)
    logs = _log_text(server, tmp_path)
    lines = [line for line in logs.splitlines() if line.strip()]
    json_lines = [line for line in lines if line.startswith("{")]
    assert json_lines, "the server wrote no JSON log line: the test would prove nothing"
    for line in json_lines:
        json.loads(line)  # one object per line
    # The search is meaningful: the same logs carry the flow's paths (the access log) and
    # request ids (JSON lines of the refused alerts), so a value written there is found.
    assert "POST /api/v1/alerts" in logs and "POST /phone-in/" in logs
    assert re.search(r'"request_id": "[0-9a-f]{32}"', logs), logs[-2000:]
    found = [value for value in personal_values() if value in logs]
    assert not found, f"personal data in the logs: {found}"
    urls = [url for page in pages for url in _urls_in(page)]
    assert len(urls) > 20
    in_urls = [(v, u) for u in urls for v in personal_values() if v in requests.utils.unquote(u)]
    assert not in_urls, f"personal data in URLs: {in_urls}"

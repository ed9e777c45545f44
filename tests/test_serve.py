"""`framing serve`: makes a per-process key when none is set, refuses the development key;
with --load-sample it stores the sample corpus and its analysed events before serving."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

FRAMING = Path(sys.executable).parent / "framing"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def first_answer(server: subprocess.Popen, url: str) -> dict:
    """The JSON at ``url`` once the starting ``server`` answers (up to 2 minutes); fails with
    the server's stderr if it exits first."""
    for _ in range(600):
        try:
            with urllib.request.urlopen(url) as response:
                return json.load(response)
        except OSError:
            assert server.poll() is None, server.stderr.read()
            time.sleep(0.2)
    raise AssertionError(f"no answer from {url} in 2 minutes")


def serve_sample(db: Path, port: int, env: dict[str, str]) -> subprocess.Popen:
    """`framing serve --load-sample` on ``db`` and ``port``, its stderr piped for reading."""
    return subprocess.Popen(
        [str(FRAMING), "serve", "--db", str(db), "--load-sample", "--port", str(port)],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_serve_refuses_the_development_key(tmp_path: Path) -> None:
    env = {**os.environ, "FRAMING_SECRET_KEY": "dev"}
    done = subprocess.run(
        [str(FRAMING), "serve", "--db", str(tmp_path / "x.db"), "--port", str(free_port())],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert "No secret key: set FRAMING_SECRET_KEY" in done.stderr


def test_serve_without_a_key_makes_one_for_the_process(tmp_path: Path) -> None:
    """As the serve docs say: no FRAMING_SECRET_KEY is no error, but a one-line warning."""
    env = {k: v for k, v in os.environ.items() if k != "FRAMING_SECRET_KEY"}
    port = free_port()
    with subprocess.Popen(
        [str(FRAMING), "serve", "--db", str(tmp_path / "x.db"), "--port", str(port)],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    ) as server:
        try:
            csrf = first_answer(server, f"http://127.0.0.1:{port}/api/csrf")
            assert csrf["ok"] is True  # a session could be signed
        finally:
            server.terminate()
            said = server.communicate(timeout=30)[1]
    warnings = [line for line in said.splitlines() if "FRAMING_SECRET_KEY" in line]
    assert warnings == [
        "Warning: FRAMING_SECRET_KEY is not set; using a key made for this process "
        "(sessions and form tokens end when the server restarts)."
    ]


def test_serve_with_the_sample_corpus(tmp_path: Path) -> None:
    db, port = tmp_path / "site.db", free_port()
    env = {**os.environ, "FRAMING_SECRET_KEY": "k" * 40}
    with serve_sample(db, port, env) as server:
        try:
            events = first_answer(server, f"http://127.0.0.1:{port}/api/events")["events"]
            assert {len(e["articles"]) for e in events} == {1, 2}
            connection = sqlite3.connect(db)
            kinds = {row[0] for row in connection.execute("select kind from analyses")}
            connection.close()
            assert {"events", "compare", "article"} <= kinds  # analysed before the first visit
        finally:
            server.terminate()
            said = server.communicate(timeout=30)[1]
    assert "Analysing its events" in said


def test_serve_loads_the_models_ahead_of_the_first_comparison(tmp_path: Path) -> None:
    """The first compare-your-own of a new server waited for the models to load (about
    13 s against 1 s for the next ones): serve loads them in the background as it starts,
    after rendering the first page there, and says when each is ready."""
    import queue
    import threading

    db, port = tmp_path / "site.db", free_port()
    env = {**os.environ, "FRAMING_SECRET_KEY": "k" * 40}
    env.pop("FRAMING_SERVE_WARM_UP", None)
    with serve_sample(db, port, env) as server:
        lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=lambda: [lines.put(x) for x in server.stderr], daemon=True).start()
        said: list[str] = []
        try:
            while not said or not said[-1].startswith("Serving on"):
                said.append(lines.get(timeout=600))
            assert "Loading the models for compare-your-own in the background…\n" in said
            while not any("Models loaded" in x or "loading the models" in x for x in said):
                said.append(lines.get(timeout=600))
            first_answer(server, f"http://127.0.0.1:{port}/api/csrf")
        finally:
            server.terminate()
            server.wait(timeout=30)
    assert said[-1].startswith("Models loaded for compare-your-own ("), said
    # before them, the home page: a restarted server's first page waited 6.7-66 s for the
    # lexicons its titles' highlights read (session 26); the page cache now holds it
    ready = [n for n, line in enumerate(said) if line.startswith("First page ready (")]
    assert ready and ready[0] < len(said) - 1, said


def test_serve_refuses_a_taken_port_before_loading_anything(tmp_path: Path) -> None:
    """A second `make run` beside the first loaded and analysed the sample, then died with
    waitress's traceback: now one line naming the port and what to do, nothing stored."""
    db = tmp_path / "site.db"
    env = {**os.environ, "FRAMING_SECRET_KEY": "k" * 40, "FRAMING_SERVE_WARM_UP": "false"}
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [str(FRAMING), "serve", "--db", str(db), "--load-sample", "--port", str(port)],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        f"Error: Port {port} on 127.0.0.1 is in use by another program (a `framing serve` or "
        "`make run` still running?). Stop it, or choose another port: framing serve --port N, "
        "make run PORT=N."
    ]
    assert not db.exists()  # the sample was not loaded first

"""``fremskudt app``: serve the workshop app (:mod:`sim.interface.app`) in the browser.

The Solara server runs as a child process in a process group of its own.  Ctrl+C,
SIGTERM and SIGHUP to ``fremskudt app`` stop that whole group (SIGTERM, then SIGKILL
after :data:`STOP_SECONDS`), so the port is free again when the command returns; and
if ``fremskudt app`` itself is killed, Linux sends the server SIGTERM.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import webbrowser
from pathlib import Path

from sim.errors import UsageError
from sim.experiment.pool import signal_on_parent_death
from sim.interface.cli import positive

APP = "sim.interface.app.page:Page"
STOP_SECONDS = 10.0
#: Exit status of ``fremskudt app`` when its server ends by itself (killed, or failed).
SERVER_FAILED = 1


def server_command(host: str, port: int) -> list[str]:
    """The command line that serves the app with Solara."""
    return [sys.executable, "-m", "solara", "run", APP, "--host", host, "--port", str(port), "--no-open",
            "--production", "--log-level", "warning"]


def server_env(data_dir: str | None = None, workers: int | None = None, fixed: bool = False) -> dict[str, str]:
    """Environment for the server: no usage telemetry, no Solara banner over the page, where
    team designs are kept, how many warm worker processes the ensembles share, whether the
    behavioural parameters are fixed, and that the server warms its pool at start."""
    from sim.interface.app.ensemble import PARAMETERS_ENV, PREWARM_ENV, WORKERS_ENV
    from sim.interface.app.store import ENV as DATA_ENV

    env = dict(os.environ)
    env.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "False")
    env.setdefault("SOLARA_THEME_SHOW_BANNER", "False")
    env[PREWARM_ENV] = "1"
    env[PARAMETERS_ENV] = "fixed" if fixed else "posterior"
    if data_dir is not None:
        env[DATA_ENV] = str(Path(data_dir).expanduser().resolve())
    if workers is not None:
        env[WORKERS_ENV] = str(workers)
    return env


def stop_server(proc: subprocess.Popen) -> None:
    """SIGTERM to the server's process group; SIGKILL if it has not ended in time."""
    for sig, wait in ((signal.SIGTERM, STOP_SECONDS), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def preflight(env: dict[str, str]) -> None:
    """Refuse to start, with a clear message, when the page could not work: browser
    assets missing (it would be a blank page offline) or the designs database unusable."""
    from sim.interface.app import assets
    from sim.interface.app.store import ENV as DATA_ENV, FILE, DesignStore, default_folder

    assets.check()
    folder = Path(env[DATA_ENV]) if env.get(DATA_ENV) else default_folder()
    DesignStore(folder / FILE)


def check_port(host: str, port: int) -> None:
    """Refuse, before anything is served, an address the server could not listen on (a port
    in use, a host that is not this machine's)."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        with socket.socket(family, kind, proto) as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(address)
    except OSError as e:
        raise UsageError(f"--host {host} --port {port}: the app cannot listen there ({e.strerror or e}); choose another "
                         "--port (or --host)") from None


def ended(status: int) -> str:
    """Why the server process ended, in words."""
    if status < 0:
        try:
            return f"it was killed by {signal.Signals(-status).name}"
        except ValueError:
            return f"it was killed by signal {-status}"
    return f"it exited with status {status}"


def run(args) -> int:
    from sim.experiment.resources import check_workers
    if args.workers is not None and args.workers < 1:
        raise UsageError(f"--workers must be at least 1, not {args.workers}")
    check_workers(args.workers)
    env = server_env(args.data_dir, args.workers, args.fixed_parameters)
    preflight(env)
    check_port(args.host, args.port)
    cmd = server_command(args.host, args.port)
    url = f"http://{args.host}:{args.port}/"
    print(f"Serving the workshop app on {url} (Ctrl+C to stop)", file=sys.stderr)
    # started before any other thread of ours exists, as preexec_fn requires
    proc = subprocess.Popen(cmd, env=env, start_new_session=True, preexec_fn=signal_on_parent_death)
    if not args.no_browser:
        def _open():
            time.sleep(3.0)
            webbrowser.open(url)
        threading.Thread(target=_open, daemon=True).start()
    try:
        status = proc.wait()
    except KeyboardInterrupt as e:
        stop_server(proc)
        name = getattr(e, "name", "SIGINT")
        print(f"fremskudt: stopped by {name}; the app server has stopped", file=sys.stderr)
        return getattr(e, "exit_status", 128 + signal.SIGINT)
    if status != 0:
        print(f"fremskudt: the app server stopped unexpectedly ({ended(status)}); the designs saved so far are kept. "
              "Start it again with: fremskudt app", file=sys.stderr)
        return SERVER_FAILED
    return 0


def register(subparsers) -> None:
    p = subparsers.add_parser("app", help="serve the workshop app in the browser",
                              description="Serve the workshop app: pick a scenario, move the policy levers and watch "
                                          "the design run next to its baseline.")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine only)")
    p.add_argument("--port", type=positive(int, 65_535), default=8765, help="port to listen on, 1-65535 (default: 8765)")
    p.add_argument("--no-browser", action="store_true", help="do not open a web browser")
    p.add_argument("--data-dir", default=None,
                   help="folder of the team designs database (default: $FREMSKUDT_APP_DATA, else "
                        "~/.local/share/fremskudt)")
    p.add_argument("--workers", type=int, default=None,
                   help="warm worker processes shared by every participant's ensembles (default: 2, at most the "
                        "machine's cores; 1: a background thread of the server)")
    p.add_argument("--fixed-parameters", action="store_true",
                   help="run every replication with the posterior medians instead of drawing behavioural parameters "
                        "from the committed fit (the intervals then show chance alone)")
    p.set_defaults(func=run)

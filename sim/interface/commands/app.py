"""``fremskudt app``: serve the workshop app (:mod:`sim.interface.app`) in the browser."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import webbrowser

APP = "sim.interface.app:Page"


def server_command(host: str, port: int) -> list[str]:
    """The command line that serves the app with Solara."""
    return [sys.executable, "-m", "solara", "run", APP, "--host", host, "--port", str(port), "--no-open",
            "--production", "--log-level", "warning"]


def server_env() -> dict[str, str]:
    """Environment for the server: no usage telemetry."""
    env = dict(os.environ)
    env.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "False")
    return env


def run(args) -> int:
    cmd = server_command(args.host, args.port)
    url = f"http://{args.host}:{args.port}/"
    print(f"Serving the workshop app on {url} (Ctrl+C to stop)", file=sys.stderr)
    if not args.no_browser:
        def _open():
            time.sleep(3.0)
            webbrowser.open(url)
        threading.Thread(target=_open, daemon=True).start()
    proc = subprocess.Popen(cmd, env=server_env())
    try:
        return proc.wait()
    except KeyboardInterrupt:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        return 130


def register(subparsers) -> None:
    p = subparsers.add_parser("app", help="serve the workshop app in the browser",
                              description="Serve the workshop app: pick a scenario, move the policy levers and watch "
                                          "the design run next to its baseline.")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine only)")
    p.add_argument("--port", type=int, default=8765, help="port to listen on (default: 8765)")
    p.add_argument("--no-browser", action="store_true", help="do not open a web browser")
    p.set_defaults(func=run)

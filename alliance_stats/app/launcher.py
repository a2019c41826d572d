"""Serve the local web page: pick the port, print the address with its token, open the browser, run uvicorn.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import webbrowser
from pathlib import Path
from typing import Any

from alliance_stats.core.errors import SpecificationError


def free_port(host: str = "127.0.0.1") -> int:
    """A port free on ``host`` now (the system's choice).

    Examples
    --------
    >>> 1024 <= free_port() <= 65535
    True
    """
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and loopback addresses (``127.0.0.1``, ``::1``).

    Examples
    --------
    >>> is_loopback("127.0.0.1"), is_loopback("localhost"), is_loopback("0.0.0.0")
    (True, True, False)
    """
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _check_port(host: str, port: int) -> None:
    try:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as sock:
            sock.bind((host, port))
    except OSError as exc:
        raise SpecificationError(f"cannot listen on {host}:{port} ({exc.strerror or exc})", value=port,
                                 fix="choose another port with --port (--port 0 picks a free one)") from None


def serve(workspace: str | Path, port: int = 8765, host: str = "127.0.0.1", open_browser: bool = True,
          max_upload_mb: int = 200, console: Any = None) -> None:
    """Run the local web page until Ctrl-C.

    Parameters
    ----------
    workspace
        The workspace folder (created on first start, with a study folder from ``alliance-stats init``).
    port
        The port (0: a free one).
    host
        The address to listen on: 127.0.0.1 unless given explicitly (a warning is printed then: anyone who
        can reach the address and knows the token can use the page).
    open_browser
        Open the user's browser on the address with its token.
    max_upload_mb
        Largest upload, in MB.
    console
        A rich console for the address and warnings (default: standard error).
    """
    import uvicorn

    from alliance_stats.app.security import Session
    from alliance_stats.app.server import create_app

    if max_upload_mb < 1:
        raise SpecificationError("--max-upload-mb must be at least 1", value=max_upload_mb,
                                 fix="give a size in MB such as 200")
    def say(text: str) -> None:
        if console is None:
            print(text, flush=True)
        else:
            console.print(text, markup=False, highlight=False, soft_wrap=True)

    port = free_port(host) if port == 0 else int(port)
    _check_port(host, port)
    extra = () if is_loopback(host) or host in ("0.0.0.0", "::") else (host.lower(),)
    session = Session(port=port, extra_hosts=extra)
    app = create_app(workspace, session, max_upload_mb=max_upload_mb)
    if not is_loopback(host):
        say(f"Warning: listening on {host}, not only on this computer (127.0.0.1): anyone who can reach this "
            "address and has the token can use the page and read the workspace's reports.")
    shown = "127.0.0.1" if not extra else (f"[{host}]" if ":" in host else host)
    url = session.url(shown)
    say(f"alliance-stats app: workspace {Path(workspace).resolve()}")
    say(f"Open {url}  (Ctrl-C stops the server)")
    if open_browser:
        threading.Timer(1.0, webbrowser.open, args=(url,)).start()
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False, server_header=False)

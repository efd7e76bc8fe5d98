"""Run several Streamlit server processes on one machine behind a sticky nginx proxy (``make serve-multi``).

    python deploy/multiprocess/serve.py [--processes N] [--port 8500] [--address 127.0.0.1]
    python deploy/multiprocess/serve.py --print-config [--processes N] [--port 8500]

Streamlit runs every session's script in one Python process, so one server uses at most about one
core. This starts N ``streamlit run app.py`` processes on consecutive loopback ports (``--port`` + 1
onwards) and a private nginx (``protocol-explorer.nginx.conf`` beside this file) that listens on
``--address:--port`` and pins every browser to one process with a cookie. All processes share one
``STREAMLIT_SERVER_COOKIE_SECRET`` (taken from the environment, or drawn once per start). It stays
in the foreground until Ctrl-C or SIGTERM, then stops everything; it also stops everything and exits
1 if any process dies. ``--print-config`` prints the rendered nginx snippet for a system nginx
(``/etc/nginx/conf.d/``) and exits.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
CONFIG_TEMPLATE = HERE / "protocol-explorer.nginx.conf"
HEALTH_TIMEOUT_S = 120

# A private nginx: no daemon, its files in a folder of its own; the http-context snippet is included.
MAIN_CONFIG = """worker_processes @@WORKERS@@;
daemon off;
master_process on;
pid @@RUN@@/nginx.pid;
error_log @@RUN@@/error.log warn;
events { worker_connections 4096; }
http {
    client_body_temp_path @@RUN@@/client_body;
    proxy_temp_path @@RUN@@/proxy;
    fastcgi_temp_path @@RUN@@/fastcgi;
    uwsgi_temp_path @@RUN@@/uwsgi;
    scgi_temp_path @@RUN@@/scgi;
    include @@RUN@@/protocol-explorer.conf;
}
"""


def render_config(listen: str, backend_ports: list[int], access_log: str, *, secure_cookie: bool = False) -> str:
    """The nginx snippet with the listen address, the Streamlit processes and the access log filled in."""
    servers = "\n".join(f"    server 127.0.0.1:{port} max_fails=1 fail_timeout=5s;" for port in backend_ports)
    return (CONFIG_TEMPLATE.read_text(encoding="utf-8")
            .replace("@@SERVERS@@", servers)
            .replace("@@LISTEN@@", listen)
            .replace("@@ACCESS_LOG@@", access_log)
            .replace("@@COOKIE_SECURE@@", "; Secure" if secure_cookie else ""))


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def nginx_binary() -> str:
    found = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx")
                                           if Path(p).exists()), None)
    if not found:
        raise RuntimeError("nginx is not installed (Debian: apt-get install nginx)")
    return found


class MultiProcessServer:
    """N Streamlit processes and a sticky nginx in front of them, as a context manager.

    ``base_url`` is nginx's address; ``backend_urls`` the processes' own; ``server_pids`` and
    ``proxy_pids`` are for CPU accounting. Ports are free loopback ports unless given.
    """

    def __init__(self, root: Path = ROOT, *, script: str = "app.py", processes: int = 2, port: int | None = None,
                 address: str = "127.0.0.1", streamlit_args: tuple[str, ...] = ()):
        if processes < 1:
            raise ValueError("at least one process")
        self.root, self.script, self.address = root, script, address
        self.port = port or free_port()
        self.backend_ports = [self.port + i + 1 for i in range(processes)] if port else \
            [free_port() for _ in range(processes)]
        self.streamlit_args = streamlit_args
        self.run_dir = Path(tempfile.mkdtemp(prefix="protocol-explorer-multi-"))
        self.run_dir.chmod(0o755)  # nginx workers (user nobody, when started as root) create their temp files here
        self.servers: list[subprocess.Popen] = []
        self.nginx: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://{self.address}:{self.port}"

    @property
    def backend_urls(self) -> list[str]:
        return [f"http://127.0.0.1:{port}" for port in self.backend_ports]

    @property
    def access_log(self) -> Path:
        return self.run_dir / "access.log"

    @property
    def server_pids(self) -> list[int]:
        return [process.pid for process in self.servers]

    @property
    def proxy_pids(self) -> list[int]:
        if self.nginx is None:
            return []
        import psutil  # only the load driver asks; the server itself does not need it

        with contextlib.suppress(psutil.NoSuchProcess):
            return [self.nginx.pid, *(child.pid for child in psutil.Process(self.nginx.pid).children())]
        return []

    def start(self) -> MultiProcessServer:
        env = {**os.environ, "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false", "PYTHONUNBUFFERED": "1"}
        env.setdefault("STREAMLIT_SERVER_COOKIE_SECRET", secrets.token_hex(32))
        python = ROOT / ".venv" / "bin" / "python"
        for port in self.backend_ports:
            log = open(self.run_dir / f"streamlit-{port}.log", "wb")  # noqa: SIM115  (the child owns it)
            self.servers.append(subprocess.Popen(
                [str(python) if python.exists() else sys.executable, "-m", "streamlit", "run", self.script,
                 "--server.headless", "true", "--server.port", str(port), "--server.address", "127.0.0.1",
                 *self.streamlit_args],
                cwd=self.root, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL))
            log.close()
        (self.run_dir / "protocol-explorer.conf").write_text(
            render_config(f"{self.address}:{self.port}", self.backend_ports, str(self.access_log)), encoding="utf-8")
        main_config = self.run_dir / "nginx.conf"
        main_config.write_text(MAIN_CONFIG.replace("@@RUN@@", str(self.run_dir))
                               .replace("@@WORKERS@@", "1"), encoding="utf-8")
        with open(self.run_dir / "nginx.out", "wb") as out:
            self.nginx = subprocess.Popen([nginx_binary(), "-p", str(self.run_dir), "-c", str(main_config)],
                                          stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        try:
            for url in [*self.backend_urls, self.base_url]:
                self._wait_healthy(url)
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_healthy(self, url: str) -> None:
        deadline = time.monotonic() + HEALTH_TIMEOUT_S
        while time.monotonic() < deadline:
            dead = self.dead_process()
            if dead:
                raise RuntimeError(f"{dead} exited while starting; logs in {self.run_dir}:\n{self.log_tails()}")
            with contextlib.suppress(OSError), urllib.request.urlopen(f"{url}/_stcore/health", timeout=5) as answer:
                if answer.read().strip() == b"ok":
                    return
            time.sleep(0.25)
        raise RuntimeError(f"{url} was not healthy within {HEALTH_TIMEOUT_S} s; logs in {self.run_dir}:\n"
                           f"{self.log_tails()}")

    def dead_process(self) -> str | None:
        """A description of the first process that has exited, if any."""
        for port, process in zip(self.backend_ports, self.servers):
            if process.poll() is not None:
                return f"streamlit on port {port} (exit code {process.returncode})"
        if self.nginx is not None and self.nginx.poll() is not None:
            return f"nginx (exit code {self.nginx.returncode})"
        return None

    def log_tails(self, chars: int = 1500) -> str:
        return "\n".join(f"--- {path.name} ---\n{path.read_text(errors='replace')[-chars:]}"
                         for path in sorted(self.run_dir.glob("*.log")) + [self.run_dir / "nginx.out"]
                         if path.exists())

    def stop(self) -> None:
        for process in [p for p in (self.nginx, *self.servers) if p is not None]:
            if process.poll() is None:
                process.terminate()
        for process in [p for p in (self.nginx, *self.servers) if p is not None]:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)

    def __enter__(self) -> MultiProcessServer:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        """Stop everything; keep the folder of logs only when a process logged a traceback."""
        self.stop()
        if not any("Traceback" in path.read_text(errors="replace") for path in self.run_dir.glob("streamlit-*.log")):
            shutil.rmtree(self.run_dir, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python deploy/multiprocess/serve.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--processes", type=int, default=2, help="Streamlit server processes (default 2)")
    parser.add_argument("--port", type=int, default=8500, help="nginx's port; the processes use the next ones")
    parser.add_argument("--address", default="127.0.0.1", help="nginx's address (default 127.0.0.1)")
    parser.add_argument("--print-config", action="store_true", help="print the nginx snippet and exit")
    parser.add_argument("--secure-cookie", action="store_true", help="mark the route cookie Secure (HTTPS sites)")
    args = parser.parse_args(argv)
    if not 1 <= args.processes <= 64:
        parser.error("--processes must be from 1 to 64")
    if args.print_config:
        ports = [args.port + i + 1 for i in range(args.processes)]
        print(render_config(f"{args.address}:{args.port}", ports, "/var/log/nginx/protocol-explorer.access.log",
                            secure_cookie=args.secure_cookie))
        return 0
    stopping = False

    def request_stop(*_):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, request_stop)
    with MultiProcessServer(processes=args.processes, port=args.port, address=args.address) as multi:
        print(f"Protocol Explorer: {args.processes} Streamlit processes on ports "
              f"{', '.join(map(str, multi.backend_ports))} behind nginx at {multi.base_url} (Ctrl-C stops)",
              flush=True)
        try:
            while not stopping:
                dead = multi.dead_process()
                if dead:
                    print(f"{dead} stopped; stopping the rest. Logs:\n{multi.log_tails()}", file=sys.stderr)
                    return 1
                time.sleep(1)
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())

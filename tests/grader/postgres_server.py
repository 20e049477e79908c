"""A throwaway PostgreSQL server for the gradebook tests: Debian's `postgresql` binaries, `initdb`
in a temporary folder, a free port on 127.0.0.1, password authentication, stopped at the end.

PostgreSQL refuses to run as root: as root the server runs as `nobody` (through `runuser` or
`setpriv`), with its folder handed to that user."""
from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

USER, PASSWORD, DATABASE = "grader", "s3cret-for-tests", "course"


def binaries() -> Path | None:
    """The folder of initdb and pg_ctl (Debian keeps them out of PATH), newest version first."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _as_server_user() -> list[str] | None:
    """The command prefix that runs the server as an unprivileged user ([] when not root)."""
    if os.geteuid() != 0:
        return []
    if shutil.which("runuser"):
        return ["runuser", "-u", "nobody", "--"]
    if shutil.which("setpriv"):
        return ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--"]
    return None


def problem() -> str:
    """Why no server can be started here ("" when one can)."""
    if binaries() is None:
        return ("PostgreSQL is not installed (Debian: apt-get install postgresql; `make setup` "
                "does it where it runs as root)")
    if _as_server_user() is None:
        return "running as root without runuser or setpriv to start PostgreSQL as another user"
    return ""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self):
        bin_dir, prefix = binaries(), _as_server_user()
        self.prefix, self.bin = prefix, bin_dir
        self.folder = Path(tempfile.mkdtemp(prefix="course-pg-"))   # /tmp: reachable by nobody
        (self.folder / "pw").write_text(PASSWORD + "\n")
        if os.geteuid() == 0:
            shutil.chown(self.folder, "nobody", "nogroup")
            shutil.chown(self.folder / "pw", "nobody", "nogroup")
        self.data = self.folder / "data"
        self.port = _free_port()
        self._run("initdb", "-D", str(self.data), "-U", USER, f"--pwfile={self.folder / 'pw'}",
                  "--auth=scram-sha-256", "-E", "UTF8", "--no-sync")
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.folder / "log"), "-w", "-t", "60",
                  "-o", f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 "
                        "-c fsync=off -c synchronous_commit=off", "start")
        import psycopg2

        conn = psycopg2.connect(host="127.0.0.1", port=self.port, user=USER, password=PASSWORD,
                                dbname="postgres")
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute(f"CREATE DATABASE {DATABASE}")
        conn.close()
        self.url = f"postgresql://{USER}:{PASSWORD}@127.0.0.1:{self.port}/{DATABASE}"

    def _run(self, tool: str, *args: str) -> None:
        out = subprocess.run([*self.prefix, str(self.bin / tool), *args], capture_output=True,
                             text=True, timeout=120, cwd=self.folder)
        if out.returncode:
            raise RuntimeError(f"{tool} failed: {out.stderr.strip() or out.stdout.strip()}")

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        except (RuntimeError, subprocess.TimeoutExpired):
            pass
        shutil.rmtree(self.folder, ignore_errors=True)

"""Start Superset on loopback with the cockpit dashboard, over a read-only copy of the warehouse.

Usage: .venv-superset/bin/crmwh superset [--warehouse warehouse/crm.duckdb]
           [--home warehouse/superset] [--port 0] [--prepare-only]

Copies the warehouse into the Superset home (so a nightly swap never meets an open file),
sets up Superset's metadata database there, creates the admin user, imports the dashboard
bundle of crmwh superset-bundle and serves on 127.0.0.1 (a free port unless --port).
The admin password is SUPERSET_ADMIN_PASSWORD when set, else generated once and kept in
<home>/admin_password (mode 600); the secret key likewise in <home>/secret_key. Neither is
ever written into the repository. See docs/superset.md.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import socket
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]

from crm_warehouse.superset import dashboard  # noqa: E402

HOST = "127.0.0.1"
ADMIN = "admin"


def _secret_file(path: Path) -> str:
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(32))
    return path.read_text().strip()


def free_port() -> int:
    """A free TCP port on the loopback address."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def environment(home: Path) -> dict[str, str]:
    """The environment Superset runs with: its home, config file, secret key and Flask app."""
    env = dict(os.environ)
    env.update(
        {
            "SUPERSET_HOME": str(home),
            "SUPERSET_CONFIG_PATH": str(HERE / "superset_config.py"),
            "SUPERSET_SECRET_KEY": _secret_file(home / "secret_key"),
            "FLASK_APP": "superset",
            "SCARF_ANALYTICS": "false",
        }
    )
    return env


def _superset(env: dict[str, str], *args: str, secret_args: int = 0) -> None:
    binary = Path(sys.executable).parent / "superset"
    result = subprocess.run([str(binary), *args], env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        shown = args[: len(args) - secret_args] if secret_args else args
        raise SystemExit(
            f"superset {' '.join(shown)} failed:\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}"
        )


def prepare(warehouse: Path, home: Path) -> tuple[dict[str, str], Path]:
    """Copy the warehouse read-only into the Superset home, set up the metadata database and the
    admin user, and import the dashboard bundle; returns the environment and the copy's path."""
    if not warehouse.is_file():
        raise SystemExit(f"no warehouse at {warehouse}: run `make demo` first (or pass --warehouse)")
    home.mkdir(parents=True, exist_ok=True)
    copy = home / "warehouse.duckdb"
    tmp = home / "warehouse.duckdb.tmp"
    shutil.copyfile(warehouse, tmp)
    os.replace(tmp, copy)
    os.chmod(copy, 0o444)
    env = environment(home)
    password = os.environ.get("SUPERSET_ADMIN_PASSWORD") or _secret_file(home / "admin_password")
    _superset(env, "db", "upgrade")
    if not (home / ".initialised").exists():
        _superset(
            env,
            "fab",
            "create-admin",
            "--username",
            ADMIN,
            "--firstname",
            "Superset",
            "--lastname",
            "Admin",
            "--email",
            "admin@localhost",
            "--password",
            password,
            secret_args=1,
        )
        _superset(env, "init")
        (home / ".initialised").touch()
    else:
        _superset(env, "fab", "reset-password", "--username", ADMIN, "--password", password, secret_args=1)
    bundle = dashboard.write_bundle(copy, home / "dashboard_bundle.zip")
    _superset(env, "import-dashboards", "--path", str(bundle), "--username", ADMIN)
    return env, copy


def main(argv: list[str] | None = None) -> int:
    """Command line: prepare Superset, then serve it on the loopback address (unless ``--prepare-only``)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warehouse", type=Path, default=ROOT / "warehouse" / "crm.duckdb")
    parser.add_argument("--home", type=Path, default=ROOT / "warehouse" / "superset")
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: a free one)")
    parser.add_argument("--prepare-only", action="store_true", help="set up and import, do not serve")
    args = parser.parse_args(argv)
    home = args.home.resolve()
    env, _ = prepare(args.warehouse.resolve(), home)
    if args.prepare_only:
        return 0
    port = args.port or free_port()
    where = (
        "SUPERSET_ADMIN_PASSWORD" if os.environ.get("SUPERSET_ADMIN_PASSWORD") else home / "admin_password"
    )
    print(
        f"Superset: http://{HOST}:{port}/superset/dashboard/{dashboard.SLUG}/  (user {ADMIN}, password in {where})",
        flush=True,
    )
    binary = Path(sys.executable).parent / "superset"
    os.execve(str(binary), [str(binary), "run", "--host", HOST, "--port", str(port), "--with-threads"], env)
    return 0


if __name__ == "__main__":
    sys.exit(main())

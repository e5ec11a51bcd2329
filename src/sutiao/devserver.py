"""Running the two platforms as real processes: `make up` for people, and the e2e tests' live servers.

Each platform gets its own database, its own Ed25519 key pair and its own URL; each registers the other
as a peer with the other's public key, as two institutions would."""

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from sutiao import demo
from sutiao.docking.keys import generate_private_key_pem, key_id_for, public_pem_of

NAMES = {
    "court": ("court-platform", "人民法院调解平台"),
    "investor": ("investor-platform", "中国投资者网证券期货纠纷在线调解平台"),
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Platform:
    name: str  # "court" or "investor"
    var_dir: Path
    port: int
    database_url: str = ""
    extra_env: dict = field(default_factory=dict)
    processes: dict = field(default_factory=dict)  # role ("web", "worker") → Popen

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def key_file(self) -> Path:
        return self.var_dir / "keys" / f"{self.name}.pem"

    @property
    def key_id(self) -> str:
        return key_id_for(NAMES[self.name][0], self.key_file.read_bytes())

    @property
    def env(self) -> dict:
        env = {
            **os.environ,
            "SUTIAO_DEV": "1",
            "SUTIAO_VAR_DIR": str(self.var_dir),
            "SUTIAO_BASE_URL": self.url,
            "SUTIAO_SIGNING_KEY_FILE": str(self.key_file),
            "SUTIAO_KEY_ID": self.key_id,
            "PYTHONUNBUFFERED": "1",
            **self.extra_env,
        }
        env.pop("DATABASE_URL", None)
        if self.database_url:
            env["SUTIAO_DATABASE_URL"] = self.database_url
        return env

    def manage(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "sutiao", self.name, *args],
            env=self.env,
            check=check,
            capture_output=True,
            text=True,
        )

    def ensure_key(self) -> None:
        if not self.key_file.exists():
            self.key_file.parent.mkdir(parents=True, exist_ok=True)
            self.key_file.write_bytes(generate_private_key_pem())
            self.key_file.chmod(0o600)

    def register(self, peer: "Platform", via: str = "") -> None:
        """Register `peer` with its public key; `via`: reach it through this URL (a proxy) instead."""
        public = self.var_dir / "keys" / f"{peer.name}.pub.pem"
        public.write_text(public_pem_of(peer.key_file.read_bytes()))
        peer_name, display = NAMES[peer.name]
        self.manage(
            "register_peer",
            "--name",
            peer_name,
            "--display-name",
            display,
            "--url",
            via or peer.url,
            "--key-id",
            peer.key_id,
            "--public-key-file",
            str(public),
        )

    def start(self, log_dir: Path, roles=("web", "worker")) -> None:
        log_dir.mkdir(parents=True, exist_ok=True)
        commands = {"web": ["serve", "--port", str(self.port)], "worker": ["worker"]}
        for role in roles:
            log = open(log_dir / f"{self.name}-{role}.log", "ab")  # noqa: SIM115 (lives as long as the process)
            self.processes[role] = subprocess.Popen(
                [sys.executable, "-m", "sutiao", self.name, *commands[role]],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for p in self.processes.values():
                if p.poll() is not None:
                    raise RuntimeError(f"{self.name} process exited with {p.returncode}")
            try:
                with urllib.request.urlopen(self.url + "/docking/v1/openapi.json", timeout=2) as r:  # noqa: S310
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise TimeoutError(f"{self.name} did not answer on {self.url}")

    def stop(self, roles=("web", "worker"), kill: bool = False) -> None:
        """Stop the given processes: politely (SIGTERM, then SIGKILL after 15 s) or at once (`kill`)."""
        for role in roles:
            p = self.processes.pop(role, None)
            if p is None or p.poll() is not None:
                continue
            os.killpg(p.pid, signal.SIGKILL if kill else signal.SIGTERM)
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()


class PostgresDatabases:
    """Fresh databases for one run on the server DATABASE_URL names; dropped afterwards."""

    def __init__(self, url: str):
        import psycopg  # only when PostgreSQL is asked for

        self.psycopg, self.parts = psycopg, urlsplit(url)
        self.names = [f"sutiao_e2e_{secrets.token_hex(4)}_{p}" for p in ("court", "investor")]
        with self._admin() as conn:
            for name in self.names:
                conn.execute(f'CREATE DATABASE "{name}"')

    def _admin(self):
        return self.psycopg.connect(urlunsplit(self.parts._replace(path="/postgres")), autocommit=True)

    @property
    def urls(self):
        return [urlunsplit(self.parts._replace(path=f"/{name}")) for name in self.names]

    def drop(self):
        with self._admin() as conn:
            for name in self.names:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def pair(
    var_dir: Path,
    court_port: int,
    investor_port: int,
    court_db: str = "",
    investor_db: str = "",
    extra_env: dict | None = None,
    via: dict | None = None,
) -> tuple[Platform, Platform]:
    """Two platforms ready to start. `via` may name, per platform, the URL its peer reaches it through."""
    court = Platform("court", var_dir, court_port, court_db, dict(extra_env or {}))
    investor = Platform("investor", var_dir, investor_port, investor_db, dict(extra_env or {}))
    for p in (court, investor):
        p.ensure_key()
    for p in (court, investor):
        p.manage("migrate", "--noinput", "-v0")
    court.register(investor, (via or {}).get("investor", ""))
    investor.register(court, (via or {}).get("court", ""))
    for p in (court, investor):
        p.manage("seed_demo")
    investor.manage("seed_demo_registry")
    return court, investor


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def up(reset: bool = False) -> int:
    var_dir = Path(os.environ.get("SUTIAO_VAR_DIR", Path.cwd() / "var"))
    if reset and var_dir.exists():
        shutil.rmtree(var_dir)
    print("准备两个平台（迁移数据库、密钥、演示数据）…", flush=True)
    # SIGTERM (a supervisor, `timeout`) stops everything as Ctrl-C does, so no server is left orphaned.
    signal.signal(signal.SIGTERM, _interrupt)
    court, investor = pair(var_dir, 8001, 8002)
    court.manage("seed_demo_cases")
    try:
        for p in (court, investor):
            p.start(var_dir / "logs")
        court.wait_ready()
        investor.wait_ready()
        print(
            f"""
诉调通已启动（Ctrl-C 停止）
  人民法院调解平台               {court.url}/
  中国投资者网证券期货纠纷在线调解平台 {investor.url}/
  对接接口说明                   {court.url}/docking/v1/openapi.json
  REST API 说明                  {court.url}/api/v1/docs   {investor.url}/api/v1/docs
演示账号（密码均为 {demo.PASSWORD}）：
  法院：court_filing（立案：登记、征求意见、委派/委托）  court_judge（法官：查阅）
        court_admin（法院管理员：确认、不予确认、移出名册，请求沿用上级法院名册）
        xicheng_filing / xicheng_admin（另一法院）  beijing_high_admin（北京市高级人民法院名册；
        org3_mediator1 可在调解平台同意本院沿用）
        spc_admin（最高人民法院，确认共同认定名册）
  调解：org1_admin / org2_admin / org3_admin（调解组织管理员）  org1_mediator1 … org3_mediator2（调解员）
  监管：bureau（投保局）  beijing_office（派出机构）
  运维：operator（两个平台的 /admin/ 与 /docking/operations/；第二步动态口令：把密钥
        {demo.OPERATOR_TOTP_BASE32} 加入身份验证器，或运行 sutiao court totp operator 查看当前口令）
  当事人：investor_chen（投资者陈二，手机 13800000002）  securities_firm（某某证券股份有限公司）
        当事人可在 /accounts/sms-login/ 用短信验证码登录，在“我的案件”中在线表示调解意见
短信（开发环境不真正发送）：验证码和链接写入 {var_dir / "sms-court.log"} 与 {var_dir / "sms-investor.log"}
        （tail -f 查看）；邮件写入 {var_dir / "mail"}
日志：{var_dir / "logs"}""",
            flush=True,
        )
        parent = os.getppid()
        while all(p.poll() is None for p in [*court.processes.values(), *investor.processes.values()]):
            # `timeout make up` signals make only, which dies without passing it on: stop with it.
            if os.getppid() != parent:
                raise KeyboardInterrupt
            time.sleep(0.5)
        print("有进程意外退出，正在停止其余进程；请查看日志。", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\n正在停止…", flush=True)
        return 0
    finally:
        court.stop()
        investor.stop()

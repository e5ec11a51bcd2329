"""Running the two platforms as real processes: `make up` for people, and the e2e tests' live servers.

Each platform gets its own database, its own Ed25519 key pair and its own URL; each registers the other
as a peer with the other's public key, as two institutions would."""

import contextlib
import gettext
import http.client
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from sutiao import demo, lifeline
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
    processes: dict = field(default_factory=dict)  # role ("web", "worker", "media") → Popen
    media_port: int = 0  # the investor platform's signalling server for audio/video rooms (0: none)

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
        if self.media_port:
            env["SUTIAO_MEDIA_URL"] = f"ws://127.0.0.1:{self.media_port}/media/"
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

    @property
    def roles(self) -> tuple[str, ...]:
        return ("web", "worker", "media") if self.media_port else ("web", "worker")

    def start(self, log_dir: Path, roles=None) -> None:
        log_dir.mkdir(parents=True, exist_ok=True)
        commands = {
            "web": ["serve", "--port", str(self.port)],
            "worker": ["worker"],
            "media": ["serve_media", "--port", str(self.media_port)],
        }
        roles = self.roles if roles is None else roles
        lifeline_fd = lifeline.for_child()
        for role in roles:
            log = open(log_dir / f"{self.name}-{role}.log", "ab")  # noqa: SIM115 (lives as long as the process)
            # Its own session: a Ctrl-C at the terminal reaches `sutiao up` (or pytest) only, which then stops
            # the servers in order; and killpg reaches the server with anything it starts. The lifeline stops
            # the server if its starter dies without stopping it.
            self.processes[role] = subprocess.Popen(
                [sys.executable, "-m", "sutiao", self.name, *commands[role]],
                env={**self.env, lifeline.ENV: str(lifeline_fd)},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                pass_fds=(lifeline_fd,),
            )

    def answers(self) -> bool:
        try:
            with urllib.request.urlopen(self.url + "/docking/v1/openapi.json", timeout=2) as r:  # noqa: S310
                return r.status == 200
        except OSError:
            return False

    def exited(self) -> list[str]:
        """The roles whose process has ended (not reaped, so stopping can still reach its process group)."""
        return [role for role, p in self.processes.items() if _exited(p)]

    def media_answers(self) -> bool:
        """Whether the signalling server accepts connections (or there is none to wait for)."""
        if not self.media_port or "media" not in self.processes:
            return True
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.media_port), timeout=2):
            return True
        return False

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.exited():
                raise RuntimeError(f"{self.name} {self.exited()} exited")
            if self.answers() and self.media_answers():
                return
            time.sleep(0.2)
        raise TimeoutError(f"{self.name} did not answer on {self.url}")

    def stop(self, roles=("web", "worker", "media"), kill: bool = False) -> None:
        """Stop the given processes: politely (SIGTERM, then SIGKILL after a grace period) or at once (`kill`)."""
        stop_processes([self.processes.pop(role) for role in roles if role in self.processes], kill)


STOP_GRACE_SECONDS = 15


def stop_all(*platforms: Platform) -> None:
    """Stop every process of the platforms together: one grace period, one uninterruptible stop."""
    stop_processes([p.processes.pop(role) for p in platforms for role in list(p.processes)])


def stop_processes(processes: list[subprocess.Popen], kill: bool = False) -> None:
    """SIGTERM (or SIGKILL) each process's group, all at once; SIGKILL what is left after the grace period.

    Not interruptible: SIGINT and SIGTERM arriving meanwhile take effect only once every process is gone,
    so a second Ctrl-C or a supervisor's repeated SIGTERM cannot leave servers running."""
    with _signals_deferred():
        for p in processes:
            _signal_group(p, signal.SIGKILL if kill else signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        for p in processes:
            while not _exited(p) and time.monotonic() < deadline:
                time.sleep(0.05)
            # Whatever the server started (its group) goes with it, even if the server itself has ended.
            _signal_group(p, signal.SIGKILL)
            p.wait()


def _exited(p: subprocess.Popen) -> bool:
    """Whether `p` has ended, without reaping it: while unreaped its pid is not reused, so killpg(p.pid) can
    only reach its own group."""
    if p.returncode is not None:
        return True
    try:
        return os.waitid(os.P_PID, p.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None
    except ChildProcessError:
        return p.poll() is not None


def _signal_group(p: subprocess.Popen, sig: int) -> None:
    if p.returncode is not None:
        return  # reaped already: its pid, the group's id, may belong to someone else by now
    # ProcessLookupError: the group is gone (PermissionError: macOS's word for a group of zombies).
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(p.pid, sig)


@contextlib.contextmanager
def _signals_deferred():
    """SIGINT and SIGTERM wait until the block is done, then act as they would have (only the main thread
    receives signals in Python; elsewhere there is nothing to defer)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    noted = []
    previous = {sig: signal.signal(sig, lambda signum, frame: noted.append(signum)) for sig in STOP_SIGNALS}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler if handler is not None else signal.SIG_DFL)
        for sig in dict.fromkeys(noted):
            signal.raise_signal(sig)


STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


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
    media_port: int = 0,
) -> tuple[Platform, Platform]:
    """Two platforms ready to start. `via` may name, per platform, the URL its peer reaches it through;
    `media_port`: the investor platform's signalling server for audio/video rooms listens there."""
    court = Platform("court", var_dir, court_port, court_db, dict(extra_env or {}))
    investor = Platform("investor", var_dir, investor_port, investor_db, dict(extra_env or {}), media_port=media_port)
    for p in (court, investor):
        p.ensure_key()

    def prepare(platform: Platform, peer: Platform) -> None:
        platform.manage("migrate", "--noinput", "-v0")
        platform.register(peer, (via or {}).get(peer.name, ""))
        platform.manage("seed_demo")
        if platform.name == "investor":
            platform.manage("seed_demo_registry")

    # Each platform only needs the other's public key (written above), not its database: the two are prepared
    # side by side, on two cores about half the time.
    with ThreadPoolExecutor(2) as pool:
        for done in [pool.submit(prepare, court, investor), pool.submit(prepare, investor, court)]:
            done.result()
    return court, investor


DEFAULT_PORTS = {"court": 8001, "investor": 8002, "media": 8003}
PORT_ENV = {"court": "SUTIAO_COURT_PORT", "investor": "SUTIAO_INVESTOR_PORT", "media": "SUTIAO_MEDIA_PORT"}
LOCALE_DIR = Path(__file__).resolve().parent / "locale"


def _translation():
    """The project's catalogue in the terminal's language: English when the first of LANGUAGE, LC_ALL,
    LC_MESSAGES, LANG that is set names English, otherwise the Chinese of the msgids (Django is not set up in
    `sutiao up` itself; Python's own lookup would take C.UTF-8 for en_US)."""
    setting = next((os.environ[v] for v in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG") if os.environ.get(v)), "")
    if setting.startswith("en"):
        return gettext.translation("django", LOCALE_DIR, languages=["en"], fallback=True)
    return gettext.NullTranslations()


def port_taken(port: int) -> bool:
    with socket.socket() as s:
        # As waitress binds: connections of an earlier run waiting out TIME_WAIT do not hold the port.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return True
        return False


def _serves_sutiao(port: int) -> bool:
    """Whether the port answers as one of our platforms (waitress runs them with ident "sutiao")."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        conn.request("HEAD", "/")
        return conn.getresponse().getheader("Server") == "sutiao"
    except (OSError, http.client.HTTPException):
        return False
    finally:
        conn.close()


def _live_up(pid_file: Path) -> int | None:
    """The pid of the `sutiao up` that wrote `pid_file`, if it is still running."""
    try:
        pid = int(pid_file.read_text())
        os.kill(pid, 0)
    except (OSError, ValueError):
        return None
    cmdline = Path(f"/proc/{pid}/cmdline")
    if cmdline.exists() and b"sutiao" not in cmdline.read_bytes():
        return None  # the pid has been reused by something else
    return pid


def _port_owner(name: str) -> str:
    return NAMES[name][1] if name in NAMES else "音视频调解室信令服务"


def busy_ports(ports: dict, pid_file: Path) -> list[str]:
    """What to tell the user when any of `ports` (platform → port) is taken; empty if all are free."""
    _ = _translation().gettext
    taken = {name: port for name, port in ports.items() if port_taken(port)}
    if not taken:
        return []
    messages = [
        _("端口 {port}（{platform}）已被占用。").format(
            port=port, platform=_(NAMES[name][1] if name in NAMES else "音视频调解室信令服务")
        )
        for name, port in taken.items()
    ]
    earlier = _live_up(pid_file)
    if earlier:
        messages.append(
            _("之前启动的诉调通仍在运行（进程 {pid}）：在它的终端按 Ctrl-C，或运行 kill {pid}，然后重试。").format(
                pid=earlier
            )
        )
    for name, port in taken.items():
        if earlier:
            break
        if _serves_sutiao(port):
            messages.append(
                _(
                    "端口 {port} 上运行的是诉调通，可能是之前的 make up 遗留的进程：用 ss -ltnp 'sport = :{port}' "
                    "找到它们并结束（kill 进程号），然后重试。"
                ).format(port=port)
            )
        else:
            messages.append(
                _(
                    "端口 {port} 被其他程序占用：结束该程序（ss -ltnp 'sport = :{port}' 可查看是哪个），"
                    "或用环境变量 {variable} 换一个端口。"
                ).format(port=port, variable=PORT_ENV[name])
            )
    messages.append(_("诉调通没有启动，数据库未作任何改动。"))
    return messages


class _StopSignals:
    """SIGINT/SIGTERM for `sutiao up`: while preparing, the first one interrupts (KeyboardInterrupt); once the
    servers start, and for every later one, they are only noted. Stopping therefore cannot be interrupted:
    the main loop sees the note and stops every server, whatever else arrives meanwhile."""

    def __init__(self):
        self.received: list[int] = []
        self.interrupting = True
        for sig in (*STOP_SIGNALS, signal.SIGHUP):  # SIGHUP: its terminal was closed
            signal.signal(sig, self)

    def __call__(self, signum, frame):
        self.received.append(signum)
        if self.interrupting:
            self.interrupting = False  # at most one KeyboardInterrupt, ever
            raise KeyboardInterrupt


def up(reset: bool = False, prepare: bool = True) -> int:
    """Both platforms until Ctrl-C. `prepare`: migrate, register the peers and seed the demo data first;
    without it the servers start at once on the databases as an earlier run left them (same ports)."""
    _ = _translation().gettext
    var_dir = Path(os.environ.get("SUTIAO_VAR_DIR", Path.cwd() / "var"))
    ports = {name: int(os.environ.get(PORT_ENV[name], default)) for name, default in DEFAULT_PORTS.items()}
    pid_file = var_dir / "up.pid"
    # Checked before anything is touched: a port still held by an earlier run must not let this one migrate,
    # seed or (--reset) delete the databases that run is using.
    busy = busy_ports(ports, pid_file)
    if busy:
        print("\n".join(busy), file=sys.stderr)
        return 1
    # SIGTERM (a supervisor, `timeout`, a closed terminal) stops everything as Ctrl-C does.
    signals = _StopSignals()
    try:
        if reset and var_dir.exists():
            shutil.rmtree(var_dir)
        if prepare:
            print(_("准备两个平台（迁移数据库、密钥、演示数据）…"), flush=True)
            court, investor = pair(var_dir, ports["court"], ports["investor"], media_port=ports["media"])
            court.manage("seed_demo_cases")
        else:
            court = Platform("court", var_dir, ports["court"])
            investor = Platform("investor", var_dir, ports["investor"], media_port=ports["media"])
            if not (court.key_file.exists() and investor.key_file.exists()):
                unprepared = _("{var_dir} 中还没有准备好的平台：先运行一次 make up。")
                print(unprepared.format(var_dir=var_dir), file=sys.stderr)
                return 1
        signals.interrupting = False  # from here a signal is only noted: the loop below stops the servers
    except KeyboardInterrupt:
        print("\n" + _("正在停止…"), flush=True)
        return 0
    pid_file.write_text(str(os.getpid()))
    try:
        return _run(court, investor, var_dir, signals, seed_mediation=prepare)
    finally:
        stop_all(court, investor)
        pid_file.unlink(missing_ok=True)


def _run(court: Platform, investor: Platform, var_dir: Path, signals: _StopSignals, seed_mediation=False) -> int:
    _ = _translation().gettext
    for p in (court, investor):
        p.start(var_dir / "logs")
    parent, ready_by, ready = os.getppid(), time.monotonic() + 60, False
    # `timeout make up` signals make only, which dies without passing it on: stop with it.
    while not signals.received and os.getppid() == parent:
        if court.exited() or investor.exited():
            print(_("有进程意外退出，正在停止其余进程；请查看日志。"), file=sys.stderr, flush=True)
            return 1
        if not ready and court.answers() and investor.answers():
            ready = True
            media = f"ws://127.0.0.1:{investor.media_port}/media/" if investor.media_port else "-"
            banner = BANNER.format(
                court=court.url, investor=investor.url, media=media, var=var_dir, logs=var_dir / "logs"
            )
            print(banner, flush=True)
            if seed_mediation:
                # The demo case in mediation: its delegation reaches the investor platform through the docking
                # now that both run; the command waits for it, then works it through the actions (a signal
                # meanwhile ends the command too, and its one transaction leaves nothing half done).
                seeded = investor.manage("seed_demo_mediation", "--wait", "60", check=False)
                print((seeded.stdout or "").strip(), flush=True)
        elif not ready and time.monotonic() > ready_by:
            print(_("两个平台未能在 60 秒内启动，正在停止；请查看日志。"), file=sys.stderr, flush=True)
            return 1
        time.sleep(0.2)
    print("\n" + _("正在停止…"), flush=True)
    return 0


BANNER = f"""
诉调通已启动（Ctrl-C 停止）
  人民法院调解平台               {{court}}/
  中国投资者网证券期货纠纷在线调解平台 {{investor}}/
  对接接口说明                   {{court}}/docking/v1/openapi.json
  REST API 说明                  {{court}}/api/v1/docs   {{investor}}/api/v1/docs
演示账号（密码均为 {demo.PASSWORD}）：
  法院：court_filing（立案：登记、征求意见、委派/委托）  court_judge（法官：查阅）
        court_admin（法院管理员：确认、不予确认、移出名册，请求沿用上级法院名册）
        xicheng_filing / xicheng_admin（另一法院）  beijing_high_admin（北京市高级人民法院名册；
        org3_mediator1 可在调解平台同意本院沿用）
        spc_admin（最高人民法院，确认共同认定名册）
  调解：org1_admin / org2_admin / org3_admin（调解组织管理员）  org1_mediator1 … org3_mediator2（调解员）
  监管：bureau（投保局）  beijing_office（派出机构）
  运维：operator（两个平台的 /admin/ 与 /docking/operations/）
  工作人员登录的第二步动态口令：演示账号共用密钥 {demo.OPERATOR_TOTP_BASE32}（加入身份验证器），
        或运行 sutiao court totp <用户名>（调解平台：sutiao investor totp <用户名>）查看当前口令
  当事人：investor_chen（投资者陈二，手机 13800000002）  securities_firm（某某证券股份有限公司）
        当事人登录须密码加短信验证码（见下方短信日志），在“我的案件”中在线表示调解意见
  代理人：lawyer_zhao（赵律师，手机 13700000004，陈二的授权委托代理人），在调解平台“我的调解案件”中
        代陈二办理调解中的演示案件（陈二诉某某证券：已安排调解，有消息和证据）
音视频调解：org1_mediator1 在演示案件的调解工作台点“进入在线调解室”，investor_chen 或 lawyer_zhao、
        securities_firm 在“我的调解案件”中同样进入（信令服务 {{media}}；浏览器仅在 localhost、127.0.0.1
        或 HTTPS 下允许使用摄像头）
短信（开发环境不真正发送）：验证码和链接写入 {{var}}/sms-court.log 与 {{var}}/sms-investor.log
        （tail -f 查看）；邮件写入 {{var}}/mail
日志：{{logs}}"""

"""Issue 12 in Chromium with fake camera and microphone: the mediator and two parties in an online session's room
on the live investor platform and its signalling server. Each admitted participant receives audio and video
bytes from the others (WebRTC getStats, growing); a stranger is refused; the caucus split leaves the other party
without the private room's media; a recording starts only with every consent and is stored with its hash; a
participant removed by the mediator loses the media; the attendance reaches the case and, when the session is
recorded as held, the court. The party's room works at 375 px."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from live import wait_for
from test_browser import ARTIFACTS, chromium, login, party_login
from test_mediation_flow import Web, _delegated_case, _joined_party, _values, _wait_story

from sutiao import demo

pytestmark = pytest.mark.browser
PHONE = {"width": 375, "height": 812}


@pytest.fixture(scope="module")
def media_browser():
    with chromium(
        "--use-fake-device-for-media-stream",  # a test pattern and a beep instead of a camera and a microphone
        "--use-fake-ui-for-media-stream",  # the permission prompt answered yes
        "--allow-loopback-in-peer-connection",  # the browsers meet on loopback only
        "--disable-features=WebRtcHideLocalIpsWithMdns",
        "--autoplay-policy=no-user-gesture-required",
    ) as launched:
        yield launched


def _received(page) -> dict:
    return page.evaluate("window.sutiaoRoom.received()")


def _media_flows(page, what: str) -> None:
    """Audio and video bytes received on `page` grow."""

    def some():
        received = _received(page)
        return received if received["audio"] and received["video"] else None

    first = wait_for(some, what=f"{what}: media")

    def more():
        received = _received(page)
        return received["audio"] > first["audio"] and received["video"] > first["video"]

    wait_for(more, what=f"{what}: media growing")


def _peers(page) -> list:
    return page.evaluate("window.sutiaoRoom.peers()")


def _host_click(host, label: str, button: str) -> None:
    host.get_by_test_id("host-seat").filter(has_text=label).get_by_role("button", name=button).click()


def test_three_browsers_meet_split_record_and_one_is_removed(live, media_browser):
    ARTIFACTS.mkdir(exist_ok=True)
    investor, investor_id = demo.INVESTOR_PARTY[1], demo.party_id_number(demo.INVESTOR_PARTY[2])
    firm, firm_code = demo.FIRM_PARTY[1], demo.party_id_number(demo.FIRM_PARTY[2])
    case, delegation_id = _delegated_case(
        live,
        investor,
        investor_id,
        firm_code,
        respondent=firm,
        online={investor: demo.INVESTOR_PARTY[0], firm: demo.FIRM_PARTY[0]},
    )
    ws = f"/delegations/{delegation_id}/mediation/"
    mediator = Web(live.investor.url, "org1_mediator1")
    applicant_row, respondent_row = _values(mediator.get(ws), "session-parties")
    _joined_party(live, demo.INVESTOR_PARTY[3])
    _joined_party(live, demo.FIRM_PARTY[3])
    starts = dt.datetime.now(ZoneInfo("Asia/Shanghai")) + dt.timedelta(minutes=10)
    mediator.act(
        ws + "session/",
        {
            "session-starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
            "session-mode": "online",
            "session-place": "",
            "session-parties": [applicant_row, respondent_row],
            "session-channel": "sms",
        },
    )
    session_id = _values(mediator.get(ws), "session")[0]
    room = f"{live.investor.url}/mediations/{delegation_id}/sessions/{session_id}/room/"

    # A stranger (another organisation's mediator) finds no such case.
    stranger = Web(live.investor.url, "org2_mediator1")
    stranger.get(room.removeprefix(live.investor.url), expect=404)

    host = login(media_browser, live.investor.url, "org1_mediator1")
    chen = party_login(media_browser, live.investor.url, demo.INVESTOR_PARTY[0], viewport=PHONE)
    firm_page = party_login(media_browser, live.investor.url, demo.FIRM_PARTY[0])
    host.goto(room)
    chen.goto(room)
    firm_page.goto(room)
    for page in (chen, firm_page):
        page.get_by_test_id("room-status").filter(has_text="等候室").wait_for()

    # L8: the mediator cannot admit before checking identities; checks them in the workspace, then admits.
    _host_click(host, investor, "准许进入")
    host.get_by_test_id("room-flash").filter(has_text="第十七条").wait_for()
    for participant in _values(mediator.get(ws), "participant"):
        mediator.act(
            ws + "identity/",
            {
                "participant": participant,
                "identity-method": "视频比对身份证件",
                "identity-passed": "on",
                "identity-warned": "on",
            },
        )
    _host_click(host, investor, "准许进入")
    chen.get_by_test_id("room-status").filter(has_text="已进入调解室").wait_for()
    _media_flows(chen, "陈二 with the mediator")  # two browsers
    _media_flows(host, "the mediator with 陈二")
    _host_click(host, firm, "准许进入")
    firm_page.get_by_test_id("room-status").filter(has_text="已进入调解室").wait_for()
    for page, who in ((host, "mediator"), (chen, "陈二"), (firm_page, "firm")):  # three browsers, a full mesh
        wait_for(lambda p=page: len(_peers(p)) == 2, what=f"{who}: two peers")
        _media_flows(page, who)
    assert chen.evaluate("document.documentElement.scrollWidth") <= 375
    chen.screenshot(path=str(ARTIFACTS / "room-party-375.png"), full_page=True)
    host.screenshot(path=str(ARTIFACTS / "room-mediator-desktop.png"), full_page=True)

    # Text chat is a mediation message.
    chen.get_by_test_id("chat-input").fill("请调解员先看交易流水")
    chen.get_by_test_id("chat-input").press("Enter")
    firm_page.get_by_test_id("chat-lines").filter(has_text="请调解员先看交易流水").wait_for()

    # 背对背 with 陈二: the firm is left without the private room's media, and reads none of its chat.
    host.get_by_test_id("host-split").get_by_role("button", name=re.compile(investor)).click()
    firm_page.get_by_test_id("room-status").filter(has_text="背对背").wait_for()
    wait_for(lambda: _peers(firm_page) == [], what="the firm out of the private room")
    wait_for(lambda: _received(firm_page) == {"audio": 0, "video": 0}, what="the firm receives nothing")
    assert firm_page.locator("[data-testid=remote]").count() == 0
    wait_for(lambda: len(_peers(chen)) == 1, what="陈二 alone with the mediator")
    _media_flows(chen, "陈二 in the private room")
    chen.get_by_test_id("chat-input").fill("最低接受五万元")
    chen.get_by_test_id("chat-input").press("Enter")
    host.get_by_test_id("chat-lines").filter(has_text="最低接受五万元").wait_for()
    host.get_by_test_id("host-split").get_by_role("button", name="恢复共同调解").click()
    for page in (host, chen, firm_page):
        wait_for(lambda p=page: len(_peers(p)) == 2, what="everyone together again")
    assert "最低接受五万元" not in firm_page.get_by_test_id("chat-lines").inner_text()

    # The mediator drafts the record during the session (Art. 22).
    host.get_by_text("调解笔录（在线调解过程中同步制作", exact=False).click()
    host.get_by_test_id("room-record").fill("双方确认：申请人于2024年3月买入涉案股票。")
    host.get_by_test_id("room-record-save").click()
    host.get_by_test_id("room-flash").filter(has_text="笔录已保存").wait_for()

    # Recording: refused until everyone consented; then recorded, stopped, stored with its hash.
    host.get_by_test_id("record-start").click()
    host.get_by_test_id("room-flash").filter(has_text="尚未同意").wait_for()
    for page in (host, chen, firm_page):
        page.get_by_test_id("consent").click()
        page.get_by_test_id("consent-box").wait_for(state="hidden")
    host.get_by_test_id("record-start").click()
    for page in (host, chen, firm_page):
        page.get_by_test_id("recording-badge").wait_for()
    host.wait_for_timeout(3000)  # three seconds of media in the recording
    host.get_by_test_id("record-stop").click()
    stored = host.get_by_test_id("recording-stored")
    stored.wait_for()
    assert re.search(r"[0-9a-f]{64}", stored.inner_text())

    # Removed: the firm's page says so and its media stops; the others no longer exchange media with it.
    host.get_by_test_id("host-seat").filter(has_text=firm).get_by_role("textbox").fill("多次打断他人发言")
    _host_click(host, firm, "移出")
    firm_page.get_by_test_id("room-status").filter(has_text="移出").wait_for()
    wait_for(lambda: _peers(firm_page) == [] and _received(firm_page) == {"audio": 0, "video": 0}, what="firm cut")
    wait_for(lambda: len(_peers(chen)) == 1, what="陈二 no longer connected to the firm")
    firm_page.goto(room)
    assert "移出" in firm_page.get_by_test_id("room-refused").inner_text()

    # Audio only (a poor connection): the mediator keeps hearing 陈二 but receives no more of her video.
    chen.get_by_role("button", name="仅音频").click()

    def audio_only():
        # Over two seconds: audio arrives, no video. Frames already on their way when she switched (more of them on
        # a loaded machine) make the first windows fail; the switch holds once a whole window has none.
        before = _received(host)
        host.wait_for_timeout(2000)
        after = _received(host)
        return after["audio"] > before["audio"] and after["video"] == before["video"]

    wait_for(audio_only, timeout=60, what="the mediator hearing 陈二 without receiving her video")

    # The signalling server goes away: the pages say so and come back by themselves with a fresh ticket.
    live.investor.stop(roles=("media",))
    chen.get_by_test_id("room-status").filter(has_text="重新连接").wait_for()
    live.investor.start(live.investor.var_dir / "logs", roles=("media",))
    chen.get_by_test_id("room-status").filter(has_text="已进入调解室").wait_for(timeout=60_000)
    wait_for(lambda: len(_peers(chen)) == 1, what="陈二 reconnected to the mediator")

    # Camera and microphone refused (here: the browser's answer forced to a refusal): the page says what to do,
    # and 陈二 still sees and hears the mediator. Reloading takes her seat over from the old page.
    chen.context.add_init_script(
        "navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('denied', 'NotAllowedError'));"
    )
    chen.goto(room, wait_until="domcontentloaded")
    chen.get_by_test_id("room-flash").filter(has_text="您拒绝了使用摄像头和麦克风").wait_for()
    _media_flows(chen, "陈二 without devices")

    # The case keeps the attendance and the recording; the court hears who attended once the session is held.
    page = mediator.get(ws)
    assert "在线调解出席记录" in page and 'data-testid="attendance"' in page
    # The workspace shows the latest attendance facts; the session's attendance page all of them, page by page.
    attendance, url = "", f"/mediations/{delegation_id}/sessions/{session_id}/attendance/"
    while url:
        html = mediator.get(url.replace("&amp;", "&"))
        attendance += html
        found = re.search(r'href="([^"]+)" data-testid="next-page"', html)
        url = found.group(1) if found else ""
    assert "准入" in attendance and "被移出" in attendance
    assert 'data-testid="recording"' in page and "录制同意" in page
    assert "双方确认：申请人于2024年3月买入涉案股票。" in page
    attended = _values(page, f"held-{session_id}-attended")
    mediator.act(ws + "held/", {"session": session_id, f"held-{session_id}-attended": attended})
    _wait_story(live, case["id"], "在线调解已举行")
    host.reload()
    assert "本次调解已结束" in host.get_by_test_id("room-refused").inner_text()
    # The attendance page on the mediator's phone: nothing scrolls sideways.
    host.set_viewport_size({"width": 375, "height": 812})
    host.goto(f"{live.investor.url}/mediations/{delegation_id}/sessions/{session_id}/attendance/")
    assert host.get_by_test_id("attendance-row").count() > 0
    assert host.evaluate("document.documentElement.scrollWidth") <= 375
    host.screenshot(path=str(ARTIFACTS / "mediation-attendance-375.png"), full_page=True)
    for page in (host, chen, firm_page):
        page.context.close()

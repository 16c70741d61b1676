"""`make bench`: the time to keep the French demo course on a phone over an emulated 400 kbit/s link with 400 ms of
latency, measured in Chromium: a learner presses the real button and the clock stops at the confirmation. The link is
Chromium's network emulation (DevTools protocol), on the page and on the service worker, which fetches the files once
it controls the page. French only, and at most two minutes: the other languages differ by a few kilobytes of text."""

import json
import time

from playwright.sync_api import expect

from tests.browser.conftest import chromium, phone, sign_up_in_french, site_env, site_url  # noqa: F401 (fixtures)
from tests.browser.test_offline_course import COURSE_FR, STORED_BYTES

LINK = {
    "offline": False,
    "latency": 400,  # milliseconds, each way's sum as DevTools counts it
    "downloadThroughput": 400_000 / 8,  # bytes per second
    "uploadThroughput": 400_000 / 8,
}
SAVE_TIMEOUT_MS = 120_000


class SlowLink:
    """The emulated link on a page, and on every service worker the browser runs (a worker is a target of its own:
    the page's emulation does not cover the requests it makes). Counts the bytes both received over the link."""

    def __init__(self, chromium, page):  # noqa: F811 (the fixture's name)
        self.page_session = page.context.new_cdp_session(page)
        self.page_session.send("Network.enable")
        self.page_session.send("Network.emulateNetworkConditions", LINK)
        self.received = 0
        self.page_session.on("Network.loadingFinished", self._count)
        self.browser_session = chromium.new_browser_cdp_session()
        self.browser_session.on("Target.receivedMessageFromTarget", self._from_worker)
        self.workers = set()
        self.worker_errors = []

    def _count(self, event):
        self.received += event["encodedDataLength"]

    def _from_worker(self, event):
        message = json.loads(event["message"])
        if "error" in message:
            self.worker_errors.append(message["error"])
        if message.get("method") == "Network.loadingFinished":
            self.received += message["params"]["encodedDataLength"]

    def cover_service_workers(self):
        for target in self.browser_session.send("Target.getTargets")["targetInfos"]:
            if target["type"] != "service_worker" or target["targetId"] in self.workers:
                continue
            attached = self.browser_session.send("Target.attachToTarget", {"targetId": target["targetId"]})
            for number, (method, params) in enumerate(
                (("Network.enable", {}), ("Network.emulateNetworkConditions", LINK))
            ):
                message = json.dumps({"id": number + 1, "method": method, "params": params})
                self.browser_session.send(
                    "Target.sendMessageToTarget", {"sessionId": attached["sessionId"], "message": message}
                )
            self.workers.add(target["targetId"])


def test_time_to_keep_the_french_course_on_a_400_kbit_link(site_url, phone, chromium):  # noqa: F811
    sign_up_in_french(phone, site_url, name="Bench Slow Link", password="lien-lent-2045")
    phone.goto(site_url + COURSE_FR)
    keep = phone.get_by_role("button", name="Garder cette formation sur mon téléphone")
    expect(keep).to_be_visible()
    link = SlowLink(chromium, phone)
    started = time.monotonic()
    keep.click()
    status = phone.locator("[data-offline-keep-status]")
    deadline = started + SAVE_TIMEOUT_MS / 1000
    while "Gardé sur ce téléphone" not in (status.text_content() or ""):
        assert time.monotonic() < deadline, f"not saved in {SAVE_TIMEOUT_MS / 1000:.0f} s: {status.text_content()}"
        link.cover_service_workers()  # the worker starts when the button registers it
        phone.wait_for_timeout(100)
    seconds = time.monotonic() - started
    stored = phone.evaluate(STORED_BYTES)
    print(
        f"\nKeeping the French demo course over an emulated 400 kbit/s, 400 ms link (Chromium, the real button): "
        f"{seconds:.1f} s; stored {stored / 1e6:.2f} MB, received over the link {link.received / 1e6:.2f} MB"
    )
    assert link.workers and not link.worker_errors, f"the service worker was not throttled: {link.worker_errors}"

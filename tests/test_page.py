"""The drafting page in a real headless Chromium (Debian's `chromium`, driven by Playwright).

A person types a draft with the keyboard alone; the label, the reasons and the coloured
sentences must appear, on a desktop window and on a phone-sized one. Screenshots are saved in
tests/screenshots/ (not versioned) for a human to look at.
"""

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("RESEAUMEDIA_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
SCREENSHOTS = Path(__file__).parent / "screenshots"
# The flags a closed network and a root user need (no sandbox, no background connections).
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]

pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="Chromium introuvable : installez le paquet Debian « chromium » (apt-get install chromium), "
           "comme le fait .ci/run, ou indiquez son chemin dans RESEAUMEDIA_CHROMIUM.",
)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield launched
        launched.close()


@pytest.mark.parametrize("size, name", [((1280, 900), "bureau"), ((375, 740), "telephone")])
def test_typing_a_draft_shows_label_reasons_and_sentences(browser, live_server, size, name):
    page = browser.new_page(viewport={"width": size[0], "height": size[1]})
    external = []
    page.on("request", lambda r: None if r.url.startswith(f"http://127.0.0.1:{live_server}/") else external.append(r.url))
    page.goto(f"http://127.0.0.1:{live_server}/")
    # The text area has the focus on arrival: the keyboard alone is enough.
    assert page.evaluate("document.activeElement.id") == "brouillon"
    page.keyboard.type("Merci à toutes et tous pour hier soir ! Vous revenez jeudi pour la suite ?", delay=5)

    page.wait_for_selector("#verdict:not([hidden])", timeout=15_000)
    assert page.inner_text("#etiquette").startswith("réseau (probabilité")
    reasons = page.locator("#raisons li")
    assert reasons.count() >= 1
    assert "Merci" in page.inner_text("#raisons")
    sentences = page.locator("#phrases .phrase")
    assert sentences.count() == 2
    assert all("reseau" in sentences.nth(i).get_attribute("class") for i in range(2))
    # Readable on a phone: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"page-{name}.png"), full_page=True)

    # A new draft replaces the old result: média, with its own reasons.
    page.fill("#brouillon", "")
    page.keyboard.type("Notre rapport annuel 2025 est en ligne : chiffres clés et projets https://exemple.org/rapport", delay=2)
    page.wait_for_function("document.querySelector('#etiquette').textContent.startsWith('média')", timeout=15_000)
    assert external == [], f"the page fetched from outside: {external}"
    page.close()


def test_a_refused_text_shows_the_french_error(browser, live_server):
    page = browser.new_page()
    page.goto(f"http://127.0.0.1:{live_server}/")
    page.evaluate("""() => {
        const area = document.getElementById('brouillon');
        area.value = 'mot '.repeat(600000);
        area.dispatchEvent(new Event('input'));
    }""")
    page.wait_for_selector(".etat.erreur", timeout=15_000)
    assert "trop grande" in page.inner_text("#etat")
    page.close()

"""The HTML report as a person sees it: rendered by headless Chromium on screen and on A4.

Checks, at a desktop width, a phone width and an A4 page's printable width (print
media): nothing sticks out of the page, every figure loads, table headers have
``scope``, the page has ``lang``, every piece of text passes WCAG AA contrast, no
table has two columns with the same heading, and names stand beside ids. Chromium
is Debian's ``chromium`` package (installed by the test with apt-get where it is
missing and that is possible; skipped, saying why, only where it cannot be).
"""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

import mentormatch as mm
from chromium import Browser, Unavailable, find_or_install

#: CSS pixels: a desktop, a phone, and A4 (210 mm) less the report's 15 mm page margins.
WIDTHS = {"desktop": (1280, "screen"), "phone": (390, "screen"), "A4 print": (680, "print")}
#: Where a table may scroll sideways inside its own box (the page itself never does).
MAY_SCROLL = {"phone"}

# One script measures everything; it returns JSON the assertions read.
CHECKS = r"""
(() => {
  const parse = c => { const m = c.match(/[\d.]+/g).map(Number);
                       return [m[0], m[1], m[2], m.length > 3 ? m[3] : 1]; };
  const lum = ([r, g, b]) => { const f = v => { v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  const over = (top, base) => [0, 1, 2].map(i => top[i] * top[3] + base[i] * (1 - top[3]));
  const background = el => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c[3] > 0) layers.push(c);
      if (c[3] >= 1) break;
    }
    let base = [255, 255, 255];
    for (const c of layers.reverse()) base = over(c, base);
    return base;
  };
  const width = document.documentElement.clientWidth;
  const scrolls = e => ["auto", "scroll"].includes(getComputedStyle(e).overflowX);
  const inScroller = el => { for (let e = el.parentElement; e; e = e.parentElement)
                               if (e !== document.documentElement && scrolls(e)) return true;
                             return false; };
  const contrast = [], overflow = [], scrolled = [];
  for (const el of document.body.querySelectorAll("*")) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;
    if (scrolls(el) && el.scrollWidth > el.clientWidth + 0.5)
      scrolled.push(`${el.tagName}.${el.className} ${el.scrollWidth} in ${el.clientWidth}`);
    if ((box.right > width + 0.5 || box.left < -0.5) && !inScroller(el))
      overflow.push(`${el.tagName} ${Math.round(box.left)}..${Math.round(box.right)}`);
    const text = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (!text) continue;
    const style = getComputedStyle(el);
    const fg = parse(style.color), bg = background(el);
    const shown = over(fg, bg);
    const [a, b] = [lum(shown), lum(bg)].sort((x, y) => y - x);
    const ratio = (a + 0.05) / (b + 0.05);
    const size = parseFloat(style.fontSize), bold = parseInt(style.fontWeight) >= 700;
    const need = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    if (ratio < need)
      contrast.push(`${el.tagName} "${el.textContent.trim().slice(0, 40)}" ${ratio.toFixed(2)}`);
  }
  const tables = [...document.querySelectorAll("table")];
  return {
    lang: document.documentElement.lang,
    pageWidth: document.documentElement.scrollWidth, width,
    overflow, scrolled, contrast,
    images: [...document.images].map(i => ({alt: i.alt, ok: i.complete && i.naturalWidth > 0,
                                            fits: i.getBoundingClientRect().right <= width})),
    thWithoutScope: document.querySelectorAll("th:not([scope])").length,
    th: document.querySelectorAll("th").length,
    headings: tables.map(t => [...t.querySelectorAll("thead th")].map(h => h.textContent)),
    rows: tables.map(t => [...t.querySelectorAll("tbody tr")].map(
      r => [...r.cells].map(c => c.textContent))),
    text: document.body.innerText,
  };
})()
"""


@pytest.fixture(scope="module")
def browser():
    try:
        executable = find_or_install()
    except Unavailable as exc:
        pytest.skip(f"no headless Chromium: {exc}")
    with Browser(executable) as b:
        yield b


def _reports(tmp_path: Path) -> dict[str, Path]:
    cohort = mm.read_survey(mm.example_survey_path(), vocabulary=mm.TopicVocabulary.pilot())
    strict = mm.match(cohort, min_score=0.9)  # someone unmatched, someone short
    first = mm.match(cohort)
    changed = mm.rematch(first, release=[(first.pairs[0].mentee, first.pairs[0].mentor)])
    return {"match": mm.write_report(first, tmp_path / "match.html"),
            "strict": mm.write_report(strict, tmp_path / "strict.html"),
            "rematch": mm.write_report(changed, tmp_path / "rematch.html")}


@pytest.mark.slow
def test_report_renders_well_on_screen_and_on_a4(browser: Browser, tmp_path: Path) -> None:
    reports = _reports(tmp_path)
    for name, path in reports.items():
        for where, (width, media) in WIDTHS.items():
            browser.open(path.as_uri(), width=width, media=media)
            page = browser.evaluate(CHECKS)
            at = f"{name} report at {where} ({width} px, {media})"
            assert page["lang"] == "en", at
            assert page["pageWidth"] <= page["width"] and page["overflow"] == [], \
                (at, page["overflow"][:10])
            if where not in MAY_SCROLL:
                assert page["scrolled"] == [], (at, page["scrolled"])
            assert page["contrast"] == [], (at, page["contrast"][:10])
            assert len(page["images"]) == 2, at
            assert all(i["ok"] and i["fits"] and i["alt"] for i in page["images"]), \
                (at, page["images"])
            assert page["th"] > 0 and page["thWithoutScope"] == 0, at
            for heading in page["headings"]:
                assert len(set(heading)) == len(heading), (at, heading)
    # names beside ids: in every pair row, and for the people a note names by id
    browser.open(reports["match"].as_uri(), width=1280)
    page = browser.evaluate(CHECKS)
    pairs = next(rows for head, rows in zip(page["headings"], page["rows"])
                 if head[:4] == ["mentee id", "mentee name", "mentor id", "mentor name"])
    assert pairs and all(row[1] and row[3] for row in pairs)
    assert "mentor-03 supervises new-02" in page["text"]
    assert "mentor-03 is Dr." in page["text"] and "new-02 is Dr." in page["text"]
    assert "Score: how well the mentor fits" in page["text"]
    shot = browser.screenshot(tmp_path / "report.png", width=1280)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">I", shot.read_bytes()[16:20])[0] == 1280


@pytest.mark.slow
def test_the_checks_catch_a_bad_page(browser: Browser, tmp_path: Path) -> None:
    bad = tmp_path / "bad.html"
    bad.write_text(
        "<!DOCTYPE html><html><body><p style='color:#aaa'>pale grey on white</p>"
        "<div style='width:2000px'>too wide</div><img alt='x' src='missing.png'>"
        "<table><thead><tr><th>name</th><th>name</th></tr></thead></table></body></html>")
    browser.open(bad.as_uri(), width=680, media="print")
    page = browser.evaluate(CHECKS)
    assert page["lang"] == ""
    assert page["pageWidth"] > page["width"] and any("DIV" in o for o in page["overflow"])
    assert any("pale grey" in c for c in page["contrast"])
    assert page["images"] == [{"alt": "x", "ok": False, "fits": True}]
    assert page["thWithoutScope"] == 2 and page["headings"] == [["name", "name"]]
    bad.write_text("<html lang='en'><div style='overflow-x:auto'><p style='width:900px'>"
                   "wide</p></div></html>")
    browser.open(bad.as_uri(), width=680)
    page = browser.evaluate(CHECKS)
    # a box that scrolls sideways keeps the page in bounds, and is reported as scrolling
    assert page["overflow"] == []
    assert [s.split(" in ")[0] for s in page["scrolled"]] == ["DIV. 900"]

#!/usr/bin/env python3
"""tests/report/browser.py HMMM ROOT OUT_DIR - the --format html page in a
real browser (headless Chromium): it loads, its script runs without an
error, the summary, the chart and every highlight are there, a link to
#finding-N opens that finding's details, and screenshots at a desktop and
a phone width are PNGs of that size. Also checks, without the browser,
that the page fetches nothing and that its elements nest properly.

Exits 77 (skipped) when Chromium is not installed; CHROMIUM names it."""
import html.parser
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile

hmmm, root, out_dir = sys.argv[1], sys.argv[2], sys.argv[3]
failed = []


def fail(msg):
    failed.append(msg)
    print("FAIL:", msg, file=sys.stderr)


os.makedirs(out_dir, exist_ok=True)
draft = os.path.join(root, "examples", "strategy-draft.md")
case = os.path.join(root, "tests", "cli", "cases", "format-html-markdown")
# Two files, one with overlapping findings and awkward characters.
args = ["--no-config", os.path.join(case, "plan.md"), draft]
page = os.path.join(out_dir, "report.html")
with open(page, "wb") as f:
    rc = subprocess.run([hmmm, "--format", "html"] + args, stdout=f).returncode
if rc not in (0, 1):
    sys.exit(f"hmmm --format html exited {rc}")
report = json.loads(
    subprocess.run([hmmm, "--format", "json"] + args, capture_output=True).stdout)
findings = [x for f in report["files"] for x in f["findings"]]
n = len(findings)
if n < 50:
    fail(f"only {n} findings in the test documents")
text = open(page, encoding="utf-8").read()

# ---- without the browser ------------------------------------------------


class Nesting(html.parser.HTMLParser):
    VOID = {"meta", "br", "img", "input", "link", "hr", "rect", "line", "path"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.errors = [], []

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        pass

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1] if self.stack else ''}>"
                               f" at line {self.getpos()[0]}")
        else:
            self.stack.pop()


p = Nesting()
p.feed(text)
p.close()
if p.errors or p.stack:
    fail(f"elements do not nest: {(p.errors + p.stack)[:3]}")
for fetch in (r"<link\b", r"<img\b", r"<script\s+src", r"<iframe\b", r"url\(", r"@import",
              r"\bsrc="):
    if re.search(fetch, text):
        fail(f"the page could fetch something: {fetch}")

# ---- in the browser -------------------------------------------------------

chromium = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which(
    "chromium-browser")
if not chromium:
    print("chromium is not installed: skipped")
    sys.exit(77)

profile = tempfile.mkdtemp(prefix="hmmm-chromium-")


def browse(url, *extra):
    cmd = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
           "--hide-scrollbars", f"--user-data-dir={profile}", "--enable-logging=stderr",
           "--v=0", *extra, url]
    r = subprocess.run(cmd, capture_output=True, timeout=120)
    for line in r.stderr.decode(errors="replace").splitlines():
        if "Uncaught" in line or ("CONSOLE" in line and "error" in line.lower()):
            fail(f"the script failed: {line}")
    return r


url = "file://" + os.path.abspath(page)
# The first finding that starts inside another (in the first file), so
# that the panel shows both; the findings over where it starts.
first = report["files"][0]["findings"]
target, over = None, []
for k, x in enumerate(first):
    over = [str(i + 1) for i, y in enumerate(first)
            if y["offset"] <= x["offset"] < y["offset"] + y["length"]]
    if len(over) > 1:
        target = k + 1
        break
if target is None:
    sys.exit("no overlapping findings in the test document")
r = browse(f"{url}#finding-{target}", "--dump-dom", "--virtual-time-budget=5000")
dom = r.stdout.decode("utf-8", errors="replace")
if not re.search(r'<html[^>]*\bdata-ready="yes"', dom):
    fail("the script did not run to its end")
raised = re.search(r'<html[^>]*\bdata-script-error="([^"]*)"', dom)
if raised:
    fail("the script raised: " + raised.group(1))
highlights = re.findall(r'<a class="hl lv-(?:suggestion|warning|error)(?: many)?[^"]*" '
                        r'href="#item-(\d+)"[^>]*data-f="([\d ]+)"', dom)
covered = {int(k) for _, f in highlights for k in f.split()}
if covered != set(range(1, n + 1)):
    fail(f"the highlights cover findings {len(covered)}, not the {n} found")
if len(re.findall(r'<li id="item-\d+"', dom)) != n:
    fail("the list does not have every finding")
for what in (r'<section id="summary"', r'<svg class="chart"', r'<h2 id="summary-h">Summary',
             r'<section id="ladder"', r'<section id="rules"'):
    if not re.search(what, dom):
        fail(f"missing: {what}")
if len(re.findall(r'<g class="rung"', dom)) != 7:
    fail("the chart does not have seven rungs")
if not re.search(rf'<p>{n} findings in 2 files', dom):
    fail(f"the summary does not count {n} findings in 2 files")
panel = re.search(r'<aside id="panel"([^>]*)>(.*?)</aside>', dom, re.S)
if not panel or "hidden" in panel.group(1):
    fail(f"#finding-{target} did not open the panel")
else:
    body = panel.group(2)
    shown = re.findall(r'<div class="pf" data-finding="(\d+)">', body)
    if shown != over:
        fail(f"the panel shows findings {shown}, not {over} (which overlap)")
    x = findings[target - 1]
    message = html.escape(x["message"], quote=False)
    if message not in body:
        fail(f"the panel lacks the message {message!r}")
    if not all(html.escape(s, quote=False) in body for s in x["suggestions"]):
        fail("the panel lacks the suggestions")
    if '<dl class="gloss">' not in body or x["glossary"][0]["term"] not in body:
        fail("the panel lacks the glossary entry")
    if 'class="current"' not in dom and "current" not in re.search(
            rf'<a [^>]*id="finding-{target}"[^>]*>', dom).group(0):
        fail("the chosen highlight is not marked")


def png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    if len(head) < 24 or head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        return None
    return struct.unpack(">II", head[16:24])


for name, w, h in (("report-desktop.png", 1280, 1600), ("report-phone.png", 390, 844)):
    shot = os.path.join(out_dir, name)
    if os.path.exists(shot):
        os.remove(shot)
    browse(url, f"--screenshot={shot}", f"--window-size={w},{h}")
    size = png_size(shot) if os.path.exists(shot) else None
    if size != (w, h):
        fail(f"{name}: {size}, not a {w}x{h} PNG")
    elif os.path.getsize(shot) < 20000:
        fail(f"{name}: only {os.path.getsize(shot)} bytes, too few for the page")
    else:
        print(f"screenshot: {shot} ({w}x{h}, {os.path.getsize(shot)} bytes)")

# Printed: the print style hides the navigation and the panel and keeps
# the highlights.
pdf = os.path.join(out_dir, "report.pdf")
if os.path.exists(pdf):
    os.remove(pdf)
browse(url, f"--print-to-pdf={pdf}", "--no-pdf-header-footer")
if not os.path.exists(pdf) or open(pdf, "rb").read(5) != b"%PDF-" or os.path.getsize(pdf) < 20000:
    fail("the page does not print to a PDF")
else:
    print(f"printed: {pdf} ({os.path.getsize(pdf)} bytes)")

shutil.rmtree(profile, ignore_errors=True)
print(f"browser: {n} findings, {len(highlights)} highlights, "
      f"{'failed' if failed else 'all checks passed'}")
sys.exit(1 if failed else 0)

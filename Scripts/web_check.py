#!/usr/bin/env python3
"""The web page of `tmkit serve` in a real browser: Debian's Chromium, headless, driven by Selenium.

Starts a server on loopback with the Sputnik memory and glossary, then, as a person would: signs
in with a token, searches an English and a Russian phrase and sees the expected units, adds a
glossary term and finds it after a reload, imports a small TMX through the form and sees the count
change, signs in with a read-only token and sees no edit controls while the API refuses the write.
Uses only the keyboard where a person could (Enter submits; labels name every field).

Usage: Scripts/web_check.py --tmkit .build/debug/tmkit [--screenshot FILE]
"""
import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checklib import ROOT, SAMPLE, check, finish  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tmkit", required=True)
    ap.add_argument("--screenshot", help="save a screenshot of the search page here")
    args = ap.parse_args()
    tmkit = os.path.abspath(args.tmkit)
    folder = tempfile.mkdtemp(prefix="tmkit-web-")
    server = None
    driver = None
    try:
        def cli(*a):
            r = subprocess.run([tmkit, *a], cwd=folder, capture_output=True, text=True)
            assert r.returncode == 0, r.stderr
            return r.stdout.strip()

        mem, glo, tokens = f"{folder}/news.tmdb", f"{folder}/news.tbdb", f"{folder}/tokens.json"
        subprocess.run([tmkit, "align", f"{SAMPLE}/article-en.txt", f"{SAMPLE}/article-ru.txt", "--source-lang", "en",
                        "--target-lang", "ru", "--into", mem], cwd=folder, capture_output=True)
        cli("tm", "import", f"{SAMPLE}/ui-strings.en-ru.tsv", "--memory", mem)
        cli("glossary", "import", f"{SAMPLE}/glossary.en-ru.tsv", "--glossary", glo)
        editor = cli("serve", "token", "add", "editor", "--role", "write", "--tokens", tokens)
        viewer = cli("serve", "token", "add", "viewer", "--role", "read", "--tokens", tokens)
        port_file = f"{folder}/port"
        log = open(f"{folder}/server.log", "w")
        server = subprocess.Popen([tmkit, "serve", "--memory", f"news={mem}", "--glossary", f"news={glo}", "--tokens", tokens,
                                   "--port", "0", "--port-file", port_file], cwd=folder, stdout=log, stderr=log)
        for _ in range(200):
            if os.path.exists(port_file):
                break
            time.sleep(0.05)
        base = f"http://127.0.0.1:{open(port_file).read().strip()}"

        options = webdriver.ChromeOptions()
        options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
        for a in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1000", "--lang=en-US"):
            options.add_argument(a)
        driver = webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=options)
        wait = WebDriverWait(driver, 15)
        run(driver, wait, base, editor, viewer, args.screenshot, folder)
    finally:
        if driver:
            logs = []
            try:
                logs = [e for e in driver.get_log("browser") if e["level"] == "SEVERE" and "401" not in e["message"] and "403" not in e["message"]]
            except Exception:
                pass
            check(not logs, f"no errors in the browser's console ({[e['message'] for e in logs][:3]})")
            driver.quit()
        if server:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)
    finish("web page checks")


def sign_in(driver, wait, token):
    box = driver.find_element(By.ID, "token")
    box.clear()
    box.send_keys(token, Keys.ENTER)  # Enter submits the form
    wait.until(lambda d: d.find_element(By.ID, "who").text.startswith("Signed in as"))
    wait.until(lambda d: d.find_element(By.ID, "memory-count").text.endswith("units"))


def texts_of(driver, css):
    """The visible texts of the elements that match css, read at one moment."""
    return driver.execute_script("return [...document.querySelectorAll(arguments[0])].map(e => e.innerText);", css)


def search(driver, wait, text):
    box = driver.find_element(By.ID, "search-text")
    box.clear()
    box.send_keys(text, Keys.ENTER)
    wait.until(lambda d: "fuzzy matches" in d.find_element(By.ID, "search-status").text)


def run(driver, wait, base, editor, viewer, screenshot, folder):
    print("== the page")
    driver.get(base + "/")
    wait.until(lambda d: "Sign in" in d.find_element(By.ID, "who").text)
    check(driver.title == "tmkit", "the page loads")
    unlabeled = driver.execute_script("""
        return [...document.querySelectorAll('input:not([type=hidden]), select')].filter(e =>
          !(e.labels && e.labels.length) && !e.getAttribute('aria-label')).map(e => e.id);""")
    check(unlabeled == [], f"every field has a label ({unlabeled})")
    external = driver.execute_script("""
        return performance.getEntriesByType('resource').map(r => r.name).filter(n => !n.startsWith(location.origin));""")
    check(external == [], "nothing is loaded from another site")

    print("== sign in, search an English and a Russian phrase")
    sign_in(driver, wait, editor)
    check(driver.find_element(By.ID, "who").text == "Signed in as editor", "signed in as the token's name")
    count_before = int(driver.find_element(By.ID, "memory-count").get_attribute("data-units"))
    search(driver, wait, "MOSCOW (Sputnik) — Iraq intends to strengthen its cooperation with Syria in the fight against the Islamic State group, "
                         "the Russian Foreign Ministry said Friday.")
    matches = driver.find_elements(By.CSS_SELECTOR, "#matches li[data-unit]")
    first = matches[0].text if matches else ""
    check(matches and "Ирак намерен" in first and "%" in first, "an English sentence: a fuzzy match with its score and translation")
    dels = driver.find_elements(By.CSS_SELECTOR, "#matches li:first-child del")
    inss = driver.find_elements(By.CSS_SELECTOR, "#matches li:first-child ins")
    check(dels and inss and any("Syria" in i.text for i in inss), "the differences are marked (del/ins, coloured)")
    if screenshot:
        driver.save_screenshot(screenshot)
        print("  saved", screenshot)
    search(driver, wait, "islamic STATE")
    hits = driver.find_elements(By.CSS_SELECTOR, "#concordance li[data-unit]")
    marks = driver.find_elements(By.CSS_SELECTOR, "#concordance mark")
    check(len(hits) >= 3 and marks and marks[0].text.lower() == "islamic state", f"an English phrase in any case: concordance hits, marked ({len(hits)})")
    search(driver, wait, "ИСЛАМСКОГО государства")
    hits = driver.find_elements(By.CSS_SELECTOR, "#concordance li[data-unit]")
    texts = " ".join(h.text for h in hits)
    check(hits and "Исламского государства" in texts, f"a Russian phrase: found in the translations ({len(hits)} units)")
    target = driver.find_element(By.CSS_SELECTOR, "#concordance li .target")
    check(target.get_attribute("lang") == "ru" and target.get_attribute("dir") == "auto", "texts carry their language and direction")

    print("== glossary: add a term, find it after a reload")
    check(driver.find_element(By.ID, "glossary-add").is_displayed(), "a writer sees the form to add terms")
    driver.find_element(By.ID, "term-source").send_keys("airstrike")
    driver.find_element(By.ID, "term-target").send_keys("авиаудар")
    driver.find_element(By.ID, "term-note").send_keys("added in the browser", Keys.ENTER)
    wait.until(lambda d: "Added" in d.find_element(By.ID, "glossary-status").text or "error" in d.find_element(By.ID, "glossary-status").get_attribute("class"))
    check("Added" in driver.find_element(By.ID, "glossary-status").text, f"the term is added ({driver.find_element(By.ID, 'glossary-status').text})")
    driver.refresh()
    wait.until(lambda d: d.find_element(By.ID, "who").text.startswith("Signed in as"))  # the session keeps the token
    q = driver.find_element(By.ID, "glossary-q")
    q.send_keys("airstrike", Keys.ENTER)
    wait.until(lambda d: "entries" in d.find_element(By.ID, "glossary-status").text)
    # Read in one script, so that no element can go stale between finding it and reading it.
    rows = texts_of(driver, "#terms tbody tr")
    check(rows and "airstrike" in rows[0] and "авиаудар" in rows[0], f"after a reload the term is found ({rows[:2]})")
    edit_buttons = driver.find_elements(By.CSS_SELECTOR, "#terms tbody tr button")
    check(any(b.text == "Edit" for b in edit_buttons), "a writer sees Edit and Remove")

    print("== import a small TMX through the form")
    tmx = os.path.join(folder, "small.tmx")
    with open(tmx, "w", encoding="utf-8") as f:
        f.write("""<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header srclang="en" datatype="plaintext" segtype="sentence" adminlang="en" o-tmf="x" creationtool="x" creationtoolversion="1"/>
<body>
<tu><tuv xml:lang="en"><seg>The newsroom opens at eight.</seg></tuv><tuv xml:lang="ru"><seg>Редакция открывается в восемь.</seg></tuv></tu>
<tu><tuv xml:lang="en"><seg>Subscribe to our newsletter.</seg></tuv><tuv xml:lang="ru"><seg>Подпишитесь на нашу рассылку.</seg></tuv></tu>
</body></tmx>
""")
    driver.find_element(By.ID, "import-file").send_keys(tmx)
    driver.find_element(By.ID, "import-button").click()
    wait.until(lambda d: "units read" in d.find_element(By.ID, "import-report").text)
    report = driver.find_element(By.ID, "import-report").text
    wait.until(lambda d: int(d.find_element(By.ID, "memory-count").get_attribute("data-units")) != count_before)
    count_after = int(driver.find_element(By.ID, "memory-count").get_attribute("data-units"))
    check("2 units read; 2 added" in report and count_after == count_before + 2, f"the report, and the count {count_before} → {count_after}")
    search(driver, wait, "newsroom opens")
    check("Редакция открывается" in driver.find_element(By.ID, "concordance").text, "the imported unit is found")

    print("== a read-only token: no edit controls, and the API refuses the write")
    driver.find_element(By.ID, "signout-button").click()
    wait.until(lambda d: d.find_element(By.ID, "token").is_displayed())
    sign_in(driver, wait, viewer)
    driver.find_element(By.ID, "glossary-search-button").click()
    wait.until(lambda d: "entries" in d.find_element(By.ID, "glossary-status").text)
    visible = [e for e in ("glossary-add", "import") if driver.find_element(By.ID, e).is_displayed()]
    buttons = driver.execute_script("""
        return [...document.querySelectorAll('#terms tbody button')].filter(b => b.offsetParent !== null).map(b => b.innerText);""")
    check(not visible and not buttons, f"no add form, import form, Edit or Remove ({visible}, {buttons[:2]})")
    search(driver, wait, "Subscribe")
    check("Подписаться" in driver.find_element(By.ID, "matches").text, "the viewer can still search")
    status = driver.execute_async_script("""
        const done = arguments[arguments.length - 1];
        fetch('/v1/glossaries/news/entries', {method: 'POST', headers: {'Authorization': 'Bearer ' + arguments[0],
          'Content-Type': 'application/json'}, body: JSON.stringify({source: 'x', target: 'y', sourceLang: 'en', targetLang: 'ru'})})
          .then(r => done(r.status));""", viewer)
    check(status == 403, f"the API refuses the viewer's write ({status})")


if __name__ == "__main__":
    main()

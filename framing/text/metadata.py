"""Metadata: date, URL, language and publisher of an article.

Missing metadata stays ``None``: an agency an article only *cites* is never taken for its
publisher, and an undetectable language is never guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from framing.outlets import Registry
from framing.records import RemovedLine
from framing.settings import packaged_yaml, setting

# A leading " date 2024-11-07 https://…" line, as our scraped dumps carry; stored pages may run
# the page's first words on after it on the same line (" date 2023-06-22 Протягом …").
HEADER = re.compile(
    r"^\s*date\s+(?P<date>\d{4}-\d{2}-\d{2})(?:\s+(?P<url>https?://\S+))?(?=\s|$)(?P<rest>[^\n]*)$"
)
URL = re.compile(r"https?://[^\s<>\"'«»]+")
URL_DATE = re.compile(r"/(?P<y>20\d{2}|19\d{2})[/-]?(?P<m>[01]\d)[/-]?(?P<d>[0-3]\d)(?=[/\d_-])")
# Day first in a path ("/news/19-09-2022-u-putina…"), or a date parameter of an archive page
# ("channel.html?…&date=2024-08-11&page=6").
URL_DATE_DMY = re.compile(r"/(?P<d>[0-3]\d)[-.](?P<m>[01]\d)[-.](?P<y>20\d{2}|19\d{2})(?=[/_.-]|$)")
URL_DATE_PARAM = re.compile(
    r"[?&](?:date|day|published|pubdate)=(?P<y>(?:19|20)\d{2})-?(?P<m>[01]\d)-?(?P<d>[0-3]\d)(?![\w])",
    re.IGNORECASE,
)
ISO_DATE = re.compile(r"\b(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})\b")
MONTHS = {
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "september": 9,
    "october": 10,
    "november": 11,
    "december": 12,
    "января": 1,
    "февраля": 2,
    "марта": 3,
    "апреля": 4,
    "мая": 5,
    "июня": 6,
    "июля": 7,
    "августа": 8,
    "сентября": 9,
    "октября": 10,
    "ноября": 11,
    "декабря": 12,
    "січня": 1,
    "лютого": 2,
    "березня": 3,
    "квітня": 4,
    "травня": 5,
    "червня": 6,
    "липня": 7,
    "серпня": 8,
    "вересня": 9,
    "жовтня": 10,
    "листопада": 11,
    "грудня": 12,
}
# "15 December 2020", "04 May, 2023", and English month first: "February 4, 2023 11:26 PM".
DATELINE = re.compile(
    r"(?<!\d)(?P<d>[0-3]?\d)\s*(?P<month>"
    + "|".join(MONTHS)
    + r"),?\s+(?P<y>(?:19|20)\d{2})\b"
    + r"|(?<!\w)(?P<month2>"
    + "|".join(m for m in MONTHS if m.isascii())
    + r")\s+(?P<d2>[0-3]?\d)(?:st|nd|rd|th)?,?\s+(?P<y2>(?:19|20)\d{2})\b",
    re.IGNORECASE,
)

# A wire dateline: the place, capitalised or in capitals, and the day ("LONDON, February 26",
# "МОСКВА, 1 марта", "Moscow, Feb 19"). English months may be cut to three letters.
_WIRE_MONTH = "(?i:" + "|".join([*MONTHS, *{m[:3] for m in MONTHS if m.isascii()}]) + ")"
WIRE_PLACE = r"[A-ZА-ЯЁІЇЄҐ][\w’'.-]*(?:[ -][A-ZА-ЯЁІЇЄҐ][\w’'.-]*)*"
WIRE_DAY = rf"(?:{_WIRE_MONTH}\.?\s+[0-3]?\d|[0-3]?\d\s+{_WIRE_MONTH})(?!\w)"
# An agency may sign the dateline in capitals after a comma: Armenpress's "YEREVAN, AUGUST 29,
# ARMENPRESS." stood alone as a report's first sentence and its title (qa9).
WIRE_SIGNATURE = r",\s+[A-ZА-ЯЁІЇЄҐ]{3,}(?:[ -][A-ZА-ЯЁІЇЄҐ]{2,})?"
WIRE_DATELINE = re.compile(rf"{WIRE_PLACE},\s+{WIRE_DAY}(?:{WIRE_SIGNATURE})?\.?")

WEEKDAYS = (
    r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|понедельник|вторник|среда|"
    r"четверг|пятница|суббота|воскресенье|понеділок|вівторок|середа|четвер|п[ʼ'’]ятниця|"
    r"субота|неділя),?\s+"
)
_MONTH = "(?P<month>" + "|".join(MONTHS) + ")"
_TIME = r"(?:,?\s*(?:в|о|at)?\s*[0-2]?\d:[0-5]\d(?::[0-5]\d)?(?:\s*[AaPp]\.?[Mm]\.?)?)?"
# A date (with weekday and time) that a page glued onto its headline: "… Thursday, November 7,
# 2024 2:21:13 PM", "… 7 ноября 2024, 14:21", "… 07.11.2024 14:21".
TITLE_DATE = re.compile(
    r"[\s|•·,–—-]*(?<!\w)(?:"
    + WEEKDAYS
    + r")?(?:"
    + _MONTH
    + r"\s+(?P<d1>[0-3]?\d)(?:st|nd|rd|th)?,?\s+(?P<y1>(?:19|20)\d{2})"
    + r"|(?P<d2>[0-3]?\d)\s+"
    + _MONTH.replace("month", "month2")
    + r"\s+(?P<y2>(?:19|20)\d{2})"
    + r"(?:\s*(?:года|г\.|року|р\.))?"
    + r"|(?P<d3>[0-3]?\d)\.(?P<m3>[01]?\d)\.(?P<y3>(?:19|20)\d{2})"
    + r"|(?P<y4>(?:19|20)\d{2})-(?P<m4>[01]\d)-(?P<d4>[0-3]\d))"
    + _TIME
    + r"\s*$",
    re.IGNORECASE,
)


@dataclass
class Header:
    date: str | None
    url: str | None
    line: str
    no: int = 1  # its line number in the text


def split_header(text: str) -> tuple[Header | None, str]:
    """Parse a ``date YYYY-MM-DD [URL]`` header on the first non-empty line.

    Returns the header and the text with the header blanked (not deleted), so line numbers
    of the rest stay those of the original. Words that follow the header on its line are
    the page's own (a lede run on after the date) and stay.
    """
    lines = text.split("\n")
    no = next((i for i, line in enumerate(lines) if line.strip()), None)
    match = HEADER.match(lines[no]) if no is not None else None
    if no is None or match is None:
        return None, text
    header = lines[no][: match.start("rest")].strip()
    lines[no] = match["rest"].strip()
    return Header(_valid_date(match["date"]), match["url"], header, no + 1), "\n".join(lines)


def _valid_date(value: str | None) -> str | None:
    if not value:
        return None
    match = ISO_DATE.search(value)
    if not match:
        return None
    return _ymd(int(match["y"]), int(match["m"]), int(match["d"]))


def _ymd(year: int, month: int, day: int) -> str | None:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def date_from_url(url: str | None) -> str | None:
    if not url:
        return None
    for pattern in (URL_DATE, URL_DATE_DMY, URL_DATE_PARAM):
        match = pattern.search(url)
        if match and (day := _ymd(int(match["y"]), int(match["m"]), int(match["d"]))):
            return day
    return None


# A time stamp in figures with its time of day, as a byline or a page's header carries it:
# Zvezda's «Лиза Губина 2025-08-24 15:01:36» gave no date (qa8), «24.08.2025 15:01». The time
# is required: a bare "2025-08-24" in a removed line may be anything (a link, a file name).
FIGURE_STAMP = re.compile(
    r"(?<![\d.-])(?:(?P<y>(?:19|20)\d{2})-(?P<m>[01]\d)-(?P<d>[0-3]\d)"
    r"|(?P<d2>[0-3]?\d)\.(?P<m2>[01]?\d)\.(?P<y2>(?:19|20)\d{2}))"
    r"(?:,?\s*(?:в|о|at)?\s*|T)[0-2]?\d:[0-5]\d(?![\d.-])"
)


def date_from_lines(lines: list[str]) -> str | None:
    """A dateline such as "08:33 GMT15 December 2020", or a time stamp in figures such as
    "2025-08-24 15:01:36", among (usually removed) page lines; the first line that has one."""
    for line in lines:
        if len(line) >= 80:
            continue
        if match := DATELINE.search(line):
            if match["y"]:
                return _ymd(int(match["y"]), MONTHS[match["month"].lower()], int(match["d"]))
            return _ymd(int(match["y2"]), MONTHS[match["month2"].lower()], int(match["d2"]))
        if match := FIGURE_STAMP.search(line):
            if match["y"]:
                return _ymd(int(match["y"]), int(match["m"]), int(match["d"]))
            return _ymd(int(match["y2"]), int(match["m2"]), int(match["d2"]))
    return None


def split_title_date(title: str | None) -> tuple[str | None, str | None]:
    """``(title, date)``: a date (weekday, time) at the end of a headline line moves out of the
    title into the article's date ("… with Trump Thursday, November 7, 2024 2:21:13 PM").
    A title that is nothing but a date is left alone: it is no headline to clean."""
    if not title:
        return title, None
    match = TITLE_DATE.search(title)
    if not match or match.start() == 0:
        return title, None
    g = match.groupdict()
    if g["y1"]:
        day = _ymd(int(g["y1"]), MONTHS[g["month"].lower()], int(g["d1"]))
    elif g["y2"]:
        day = _ymd(int(g["y2"]), MONTHS[g["month2"].lower()], int(g["d2"]))
    elif g["y3"]:
        day = _ymd(int(g["y3"]), int(g["m3"]), int(g["d3"]))
    else:
        day = _ymd(int(g["y4"]), int(g["m4"]), int(g["d4"]))
    if day is None:
        return title, None
    return title[: match.start()].rstrip(" \t|•·,–—-"), day


def normalise_date(value: str | None) -> str | None:
    """An ISO date from a user- or record-supplied value, or None if it is not a date."""
    return _valid_date(value)


MEDIA_SUFFIX = re.compile(r"\.(?:jpe?g|png|gif|webp|svg|mp4|mp3|css|js)(?:[?#].*)?$", re.I)


def standalone_urls(lines: list[str]) -> list[str]:
    """URLs that stand alone on a line: share and canonical links of the page itself.

    Links to images and other media files (photo URLs in a page dump) are left out.
    """
    urls = []
    for line in lines:
        match = URL.fullmatch(line.strip())
        if match and not MEDIA_SUFFIX.search(match.group(0)):
            urls.append(match.group(0))
    return urls


# -- language ----------------------------------------------------------------------------


@cache
def _detector() -> Any:
    from lingua import IsoCode639_1, LanguageDetectorBuilder

    codes = [getattr(IsoCode639_1, code.upper()) for code in setting("detectable_languages")]
    return LanguageDetectorBuilder.from_iso_codes_639_1(*codes).build()


def detect_language(text: str) -> tuple[str | None, float | None]:
    """``(code, confidence)`` for the text, or ``(None, None)`` when it cannot tell.

    Lingua ships its models and runs offline. Only the text's first few thousand characters
    are read: enough to decide, and bounded for huge inputs.
    """
    sample = text[:4000]
    letters = sum(ch.isalpha() for ch in sample)
    if letters < setting("min_lang_chars"):
        return None, None
    values = _detector().compute_language_confidence_values(sample)
    if not values:
        return None, None
    best = values[0]
    if best.value < setting("lang_min_confidence"):
        return None, round(best.value, 3)
    return best.language.iso_code_639_1.name.lower(), round(best.value, 3)


# -- publisher ---------------------------------------------------------------------------


@cache
def _publisher_rules() -> tuple[int, re.Pattern[str]]:
    data = packaged_yaml("publisher.yaml")
    return int(data["lede_chars"]), re.compile(data["recap"], re.IGNORECASE)


def own_voice_mention(registry: Registry, body: str) -> dict[str, Any] | None:
    """The outlet a body names *as itself*: a self-reference in its dateline or after a recap
    of its own reporting (``data/publisher.yaml``); any other outlet the body names is a
    source it retells, never its publisher."""
    lede, recap = _publisher_rules()
    for mention in registry.self_references(body):
        if mention.start < lede or recap.match(mention.text):
            return registry.by_id[mention.outlet]
    return None


def find_publisher(
    registry: Registry,
    *,
    url: str | None,
    body: str,
    removed: list[RemovedLine],
    sitename: str | None = None,
) -> dict[str, Any] | None:
    """The outlet that published the text, from the page first, or None.

    In order: the page URL's domain; the page's own site name (``og:site_name``); the
    outlet's own URL on a line of site furniture; a furniture line that is nothing but an
    outlet's name (a byline or brand signature); last, the body naming its own outlet in its
    dateline or a recap (:func:`own_voice_mention`). An outlet the body only names or cites
    ("CNN learned …") is not evidence of anything but a source.
    """
    outlet = registry.by_url(url)
    if outlet:
        return outlet
    if sitename and (outlet := registry.find(sitename)):
        return outlet
    furniture = [line.text for line in removed]
    for link in standalone_urls(furniture):
        outlet = registry.by_url(link)
        if outlet:
            return outlet
    for line in furniture:
        outlet = registry.find(line)
        if outlet and len(line) < 60:
            return outlet
    return own_voice_mention(registry, body)

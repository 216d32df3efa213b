"""What is not reporting, as data: page furniture, production credits and damaged datelines, in several languages.

Extend the lists here; tests/test_furniture.py has one example per pattern.
"""

from __future__ import annotations

import re

# Whole lines that are buttons, labels or prompts (compared lower-case, spaces folded, ' |•·' trimmed).
FURNITURE_WORDS = frozenset({
    "save", "share", "share this", "share this article", "share this story", "share on facebook",
    "share on twitter", "tweet", "email", "e-mail", "print", "advertisement", "advert", "ad",
    "sponsored", "sponsored content", "read more", "read more:", "continue reading", "listen",
    "listen to this article", "comments", "subscribe", "sign up", "follow us", "copy link",
    "skip to content", "skip advertisement", "story continues below advertisement", "related",
    "order reprints", "print article", "order reprints | today's paper | subscribe", "home", "menu", "search",
    "log in", "sign in", "back to top", "newsletters", "newsletter", "next article", "previous article",
    "see more photos", "see more photos:", "more photos", "view gallery", "(end)",
    # German, French, Russian, Spanish
    "teilen", "drucken", "anzeige", "werbung", "weiterlesen", "mehr zum thema", "artikel teilen",
    "partager", "imprimer", "publicité", "lire aussi", "lire la suite", "à lire aussi",
    "поделиться", "реклама", "читать далее", "читайте также", "печать",
    "compartir", "imprimir", "publicidad", "leer más", "lee también", "te puede interesar",
    # Japanese: 'share this news'
    "このニュースをシェア",
})

# Lines that open with a prompt and go on with a link text or an address: "Read more: …", "Follow X on Twitter".
FURNITURE_LINES = tuple(re.compile(pattern, re.I) for pattern in (
    r"^(?:read more|read also|see also|related|more on this|more:|also read|recommended)\s*[:|–—-]\s*\S",
    r"^(?:sign up|subscribe)\b.{0,80}\bnewsletters?\b.{0,40}$",
    r"^(?:get|receive)\b.{0,60}\b(?:newsletter|in your inbox)\b.{0,40}$",
    r"^sign up (?:to|for) (?:receive|get)\b.{0,40}\b(?:updates|alerts|e-?mails|the latest)\b.{0,60}$",
    r"^more from .{1,60}\bsite search\s*:.{0,100}$",
    r"^want\b.{1,80}\?\s*sign up\b.{0,60}$",
    r"^loading(?:\s+\w+){0,3}\s*(?:\.\.\.|…)$",
    # A label and a bare address or handle: 'Facebook https://fb.me/x', 'LINE ID = @x'
    r"^[^\s:=]{1,20}(?:\s+id)?\s*[:=]?\s*(?:https?://\S+|@\w+)$",
    # A content system's fields printed with the page: 'Current DateTime: 08:48:59 23 Sep 2011', 'Documentid: 23279717'
    r"^(?:\w+\s)?(?:datetime|documentid|document id|contentid|content id)\s*:\s*[\w/:.,+ -]{1,40}$",
    # Paywalls: 'This article is for subscribers only', 'Subscribe to continue reading', 'この記事は会員限定です'
    r"^this (?:article|story|content) is (?:only )?(?:for|available to) (?:subscribers|members)\b.{0,80}$",
    r"^(?:subscribe|sign in|log in|register) to (?:continue reading|read the (?:full|whole) (?:article|story))\b.{0,60}$",
    r"^この記事は(?:会員|有料会員)限定です.{0,60}$",
    r"^follow\s.{1,60}\bon (?:twitter|x|facebook|instagram|telegram|linkedin|threads|bluesky)(?:\s*(?:at\s*)?@\w+)?\.?$",
    r"^(?:order reprints|print article|today's paper)\b(?:\s*\|\s*(?:order reprints|print article|today's paper|subscribe))*$",
    r"^(?:copyright\s*)?(?:©|\(c\)|copyright)\s*(?:19|20)\d\d\b.{0,80}$",
    r"^.{0,60}all rights reserved\.?$",
    r"^(?:contact|email|e-mail|write to)\b[^.]{0,60}\b[\w.+-]+@[\w-]+\.[\w.]+\.?$",
    r"^[\w.+-]+@[\w-]+\.[\w.]+$",
    # German, French, Russian, Spanish
    r"^(?:lesen sie auch|mehr zum thema|auch interessant)\s*[:|–—-]\s*\S",
    r"^(?:lire aussi|à lire aussi|voir aussi)\s*[:|–—-]\s*\S",
    r"^(?:читайте также|читать также|по теме)\s*[:|–—-]\s*\S",
    r"^(?:lee también|lea también|te puede interesar|más información)\s*[:|–—-]\s*\S",
    r"^(?:folgen sie uns|suivez-nous|подписывайтесь на|síguenos en)\b.{0,80}$",
))

# Production credits: each ';'-separated part opens with a role ("Reporting by", "Editing by", "Redaktion:").
CREDIT_ROLES = (
    r"(?:additional )?reporting by", r"writing by", r"editing by", r"edited by", r"written by", r"compiled by",
    r"reported by", r"produced by", r"translated by", r"translation by", r"graphics by", r"research by",
    r"fact[- ]checking by", r"contributing\s*:",
    r"mitarbeit\s*:", r"redaktion\s*:", r"redigiert von", r"bearbeitet von",  # German
    r"édité par", r"rédigé par", r"avec la rédaction de", r"édition\s*:",  # French
    r"редактор\s*:", r"редактирование\s*[:—–-]", r"под редакцией",  # Russian
    r"editado por", r"edición\s*:", r"redacción\s*:", r"información de", r"reportaje de",  # Spanish
)
# Credits written as a sentence: "Associated Press writer Jane Roe contributed to this report."
CONTRIBUTED = tuple(re.compile(r"^[^.!?;]{3,160}?\b" + pattern + r"\.?$", re.I) for pattern in (
    r"contributed (?:additional )?(?:reporting )?(?:to|for) this (?:report|story|article)",
    r"(?:a|ont) contribué à cet article",  # French
    r"ha(?:t|ben) zu diesem (?:bericht|artikel) beigetragen",  # German
    r"colabor(?:ó|aron) (?:en|con) (?:esta información|este artículo|este reportaje)",  # Spanish
))
_ROLE = re.compile(r"^(?:" + "|".join(CREDIT_ROLES) + r")\s*\S", re.I)

# A dateline whose city was lost in copying: "( / JNS) Over the last …", "(/AP) —", "(JNS) —".
DAMAGED_DATELINE = re.compile(
    r"^\(\s*(?P<city>[^()/]{0,30}?)\s*/\s*(?P<agency>[A-Z][\w&.’'\- ]{0,30}?)\s*\)\s*(?:[–—-]{1,2}\s*)?(?=\S)"
    r"|^\((?P<bare>[A-Z][A-Za-z&.]{1,12})\)\s*[–—-]{1,2}\s*(?=\S)"
)


# Headings of a list of links to other articles: the heading and the list that follows it are dropped.
RELATED_HEADINGS = re.compile(
    r"^(?:(?:more must-reads|more stories|more) from .{1,40}|more stories|more on this|related|related stories|"
    r"related articles|related coverage|related content|recommended|recommended for you|you may also like|"
    r"most popular|most read|mehr zum thema|das könnte sie auch interessieren|weitere artikel|à lire aussi|"
    r"sur le même sujet|читайте также|по теме|noticias relacionadas|te puede interesar|relacionado|"
    r"เรื่องที่เกี่ยวข้อง|関連記事|相关新闻|相关阅读|相關新聞|مواضيع ذات صلة|اقرأ أيضا|اقرأ أيضاً)$")


def is_related_heading(text: str) -> bool:
    """The heading of a list of other articles: 'More Must-Reads From TIME', 'Related stories', 'Mehr zum Thema'."""
    key = " ".join(text.lower().split()).strip(" |•·:")
    return len(key.split()) <= 8 and bool(RELATED_HEADINGS.match(key))


def is_furniture_line(text: str) -> bool:
    """A button, label or prompt line of a page, in any of the languages above."""
    key = " ".join(text.lower().split()).strip(" |•·")
    return key in FURNITURE_WORDS or any(pattern.match(key) for pattern in FURNITURE_LINES)


def production_credits(text: str) -> str | None:
    """The credits if the whole paragraph is production credits ('(Reporting by A; Editing by B)'), else None."""
    inner = " ".join(text.split())
    if inner.startswith("(") and inner.endswith(")"):
        inner = inner[1:-1].strip()
    parts = [part.strip() for part in inner.split(";") if part.strip()]
    if not parts or len(inner.split()) > 60:
        return None
    if all(_ROLE.match(part) and len(part.split()) <= 25 and not part.rstrip().endswith(("?", "!")) for part in parts):
        return inner.rstrip(".") if inner.count(".") == 1 and inner.endswith(".") else inner
    if len(parts) == 1 and any(pattern.match(inner) for pattern in CONTRIBUTED):
        return inner.rstrip(".")
    return None


def damaged_dateline(text: str) -> tuple[str | None, str, int] | None:
    """(city or None, agency, characters taken) for a dateline like '( / JNS)' at the start of a paragraph."""
    match = DAMAGED_DATELINE.match(text)
    if not match:
        return None
    agency = (match["agency"] or match["bare"]).strip()
    city = (match["city"] or "").strip() or None
    return city, agency, match.end()

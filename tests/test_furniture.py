"""The furniture, credit and dateline patterns of book/ingest/furniture.py: an example for each, and text they must leave."""

from __future__ import annotations

import pytest

from book.ingest.furniture import (CONTRIBUTED, CREDIT_ROLES, FURNITURE_LINES, FURNITURE_WORDS, damaged_dateline,
                                   is_furniture_line, is_related_heading, production_credits)

LINE_EXAMPLES = [
    "Read more: Armenia and Azerbaijan agree a truce",
    "Sign up for our daily newsletter",
    "Get the Morning Brief newsletter in your inbox",
    "Sign up to receive regular updates with the latest roles suitable for you",
    "More from Bing and MSN Lifestyle Site Search: Get additional content on saving on your grocery bill",
    "Want Weekly Recs on What to Watch, Read, and More? Sign Up for Worth Your Time",
    "Loading weather data ...",
    "Expiration DateTime: 9/23/2011 8:51:17 PM",
    "Facebook https://fb.me/prachatai",
    "This article is for subscribers only. Subscribe now",
    "Subscribe to continue reading",
    "この記事は会員限定です。電子版に登録すると続きをお読みいただけます。",
    "Follow Jane Roe on Twitter @janeroe",
    "Order Reprints | Today's Paper | Subscribe",
    "© 2020 Reuters. All rights reserved.",
    "The Associated Press. All rights reserved.",
    "Contact the reporter at jane.roe@example.com",
    "jane.roe@example.com",
    "Lesen Sie auch: Waffenruhe in Bergkarabach gebrochen",
    "Lire aussi : Le cessez-le-feu rompu au Haut-Karabakh",
    "Читайте также: Перемирие в Карабахе нарушено",
    "Lee también: Se rompe el alto el fuego en Karabaj",
    "Folgen Sie uns auf Twitter",
]
NOT_FURNITURE = [
    "Read more than a thousand reports, the commission said.",
    "The newsletter was sent to subscribers, the ministry said.",
    "Follow-up talks on Twitter's role were held in Moscow.",
    "Related parties met in Geneva on Tuesday.",
    "© is the sign he drew on the map.",
    "“Share the burden,” she said.",
    "Sign up to receive a pension, veterans must register by May.",
    "More from the ministry came on Tuesday.",
    "Want peace? Sign up to the treaty, the envoy told both sides on Tuesday in Moscow.",
    "Loading of the trucks took hours...",
    "Document ID: the ministry would not say what was in the papers it gave the envoys on Tuesday.",
    "The full report is at https://example.org/report",
    "This article is for the record, the minister said.",
]
CREDIT_EXAMPLES = {
    r"(?:additional )?reporting by": "Additional reporting by Jane Roe in Baku",
    r"writing by": "Writing by Robin Paxton",
    r"editing by": "Editing by Stepan Kocharyan",
    r"edited by": "Edited by Li Wei",
    r"written by": "Written by Ana Li",
    r"compiled by": "Compiled by the news desk",
    r"reported by": "Reported by Jane Roe",
    r"produced by": "Produced by Li Wei",
    r"translated by": "Translated by Ana Li",
    r"translation by": "Translation by Ana Li",
    r"graphics by": "Graphics by Li Wei",
    r"research by": "Research by Ana Li",
    r"fact[- ]checking by": "Fact-checking by Ana Li",
    r"contributing\s*:": "Contributing: Liz Szabo, Michael Winter, Associated Press",
    r"mitarbeit\s*:": "Mitarbeit: Anna Müller",
    r"redaktion\s*:": "Redaktion: Jan Weber",
    r"redigiert von": "Redigiert von Jan Weber",
    r"bearbeitet von": "Bearbeitet von Jan Weber",
    r"édité par": "Édité par Marie Dupont",
    r"rédigé par": "Rédigé par Marie Dupont",
    r"avec la rédaction de": "Avec la rédaction de Marie Dupont",
    r"édition\s*:": "Édition : Marie Dupont",
    r"редактор\s*:": "Редактор: Иван Петров",
    r"редактирование\s*[:—–-]": "Редактирование — Иван Петров",
    r"под редакцией": "Под редакцией Ивана Петрова",
    r"editado por": "Editado por Ana García",
    r"edición\s*:": "Edición: Ana García",
    r"redacción\s*:": "Redacción: Ana García",
    r"información de": "Información de Ana García",
    r"reportaje de": "Reportaje de Ana García",
}


@pytest.mark.parametrize("line", LINE_EXAMPLES)
def test_each_furniture_line_example_is_furniture(line):
    assert is_furniture_line(line)


def test_every_furniture_line_pattern_has_an_example():
    for pattern in FURNITURE_LINES:
        assert any(pattern.match(" ".join(line.lower().split())) for line in LINE_EXAMPLES), pattern.pattern


@pytest.mark.parametrize("line", NOT_FURNITURE)
def test_reporting_that_looks_like_furniture_is_kept(line):
    assert not is_furniture_line(line)


@pytest.mark.parametrize("word", sorted(FURNITURE_WORDS))
def test_each_furniture_word_alone_on_a_line_is_furniture(word):
    assert is_furniture_line(f" {word.upper()} ")
    if not word.endswith(":"):  # "Read more: …" is a prompt whatever follows
        assert not is_furniture_line(f"{word} the minister said.")


def test_every_credit_role_has_an_example_and_is_recognised():
    assert set(CREDIT_EXAMPLES) == set(CREDIT_ROLES)
    for example in CREDIT_EXAMPLES.values():
        assert production_credits(example) == example
        assert production_credits(f"({example})") == example


def test_credits_of_several_roles_and_what_is_no_credit():
    reuters = ("(Reporting by Margarita Antidze in Tbilisi, Nvard Hovhannisyan in Yerevan and Nailia Bagirova in Baku; "
               "Writing by Robin Paxton; Editing by Alex Richardson)")
    assert production_credits(reuters) == reuters[1:-1]
    for text in ("Reporting by the ministry was delayed; the talks went on for hours and nobody said why the ceasefire "
                 "failed, who broke it, or when the envoys would come back to Moscow to try again with new maps and "
                 "new promises from all sides of the long conflict.",
                 "The ministry said reporting by foreign media was banned.",
                 "Editing by Jane Roe; the army said 40 soldiers died"):
        assert production_credits(text) is None, text


def test_damaged_datelines():
    assert damaged_dateline("( / JNS) Over the last several weeks") == (None, "JNS", 9)
    assert damaged_dateline("(Baku / AP) — The army said") == ("Baku", "AP", 14)
    assert damaged_dateline("(JNS) — The army said")[1] == "JNS"
    for text in ("(The army said) it would stop", "(AP) The army said", "( / ) nothing"):
        assert damaged_dateline(text) is None, text


RELATED_HEADINGS = ["More Must-Reads From TIME", "Related stories", "Recommended for you", "You may also like",
                    "Most popular", "Mehr zum Thema", "Sur le même sujet", "По теме", "Noticias relacionadas",
                    "เรื่องที่เกี่ยวข้อง", "関連記事", "相关新闻", "مواضيع ذات صلة"]


@pytest.mark.parametrize("heading", RELATED_HEADINGS)
def test_headings_of_lists_of_other_articles(heading):
    assert is_related_heading(heading)


def test_a_sentence_is_no_related_heading():
    for text in ("More from the ministry came on Tuesday after the talks in Moscow had ended for the day.",
                 "Related talks are planned", "Most of the soldiers were conscripts."):
        assert not is_related_heading(text), text


CONTRIBUTED_EXAMPLES = [
    "Associated Press writer Jane Roe in Baku contributed to this report.",
    "Marie Dupont et Jean Martin ont contribué à cet article",
    "Anna Müller hat zu diesem Bericht beigetragen.",
    "Ana García colaboró en esta información.",
]


def test_credits_written_as_a_sentence_one_example_per_pattern():
    for pattern in CONTRIBUTED:
        assert any(pattern.match(example) for example in CONTRIBUTED_EXAMPLES), pattern.pattern
    for example in CONTRIBUTED_EXAMPLES:
        assert production_credits(example) == example.rstrip(".")
    for text in ("The army said it contributed to this report. Then it withdrew.",
                 "Ten ministries contributed to this report, which found that 40 soldiers died in the first week of fighting.",
                 "He said the allies contributed to the victory."):
        assert production_credits(text) is None, text


def test_a_list_of_other_articles_is_dropped_with_its_heading_whether_a_list_or_lines():
    from book.ingest.records import Block, Record
    from book.ingest.structure import sort_blocks
    text = "The army said the ceasefire held overnight in the north of the region."
    record = Record(title="T", provenance="p", blocks=[
        Block(text), Block("More Must-Reads From TIME"), Block(items=("One story", "Another story")),
        Block("Related stories\nArmy moves north\nTalks resume in Moscow"),
        Block("Related talks are planned\nfor Monday\nand Tuesday, the envoy said."), Block("Shelling resumed at dawn.")])
    sort_blocks(record)
    assert [block.text or block.items for block in record.blocks] == [
        text, "Related talks are planned\nfor Monday\nand Tuesday, the envoy said.", "Shelling resumed at dawn."]
    assert sum("links to other articles dropped" in note for note in record.notes) == 2

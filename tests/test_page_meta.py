"""What a saved page says of itself: outlet, date, authors and headline, each rule on a small page of its own."""

from __future__ import annotations

import datetime as dt

import lxml.html

from book.ingest.bylines import person_names
from book.ingest.dates import offset_kind, parse_iso
from book.ingest.outlets import choose_outlet, host_labels
from book.ingest.page_meta import clean_title, read_meta


def page(head: str = "", body: str = ""):
    return read_meta(lxml.html.document_fromstring(f"<html><head>{head}</head><body>{body}</body></html>"))


def outlet(head: str = "", body: str = "", extracted: str | None = None, title: str | None = "A headline here"):
    return choose_outlet(page(head, body), extracted, title)[0]


CANONICAL = '<link rel="canonical" href="https://www.linknaija.com/2018/10/a.html">'


def test_the_name_that_spells_the_address_beats_a_platform_name():
    ld = '<script type="application/ld+json">{"@type": "BlogPosting", "headline": "A", "publisher": {"name": "Blogger"}}</script>'
    assert outlet(CANONICAL + ld + '<meta property="og:site_name" content="LinkNaija | Nigeria\'s news">') == "LinkNaija"
    assert outlet(ld) == "Blogger"  # no address to tell: the publisher's data


def test_an_application_name_counts_only_when_it_spells_the_address():
    bbc = '<link rel="canonical" href="http://www.bbc.co.uk/zhongwen/a.shtml"><meta name="application-name" content="BBC">'
    assert outlet(bbc, extracted="British Broadcasting Corporation") == "BBC"
    time = '<link rel="canonical" href="https://time.com/1/a/"><meta name="application-name" content="nextgen">'
    assert outlet(time + "<title>A headline here | TIME</title>") == "TIME"


def test_a_twitter_handle_is_no_outlet_name():
    head = '<meta name="twitter:site" content="@ChinaDailyApp"><title>外国专家：中美合作 - 中国日报网</title>'
    assert outlet(head, extracted="ChinaDailyApp") == "中国日报网"


def test_the_title_suffix_keeps_the_words_that_spell_the_address_and_those_describing_it():
    base = '<link rel="canonical" href="http://ultimahora.es/a.html"><title>A headline here » Local » Ultima Hora Mallorca</title>'
    assert outlet(base) == "Ultima Hora"
    afp = '<link rel="canonical" href="http://www.afpbb.com/articles/-/1"><title>動画：見出し 国際ニュース：AFPBB News</title>'
    assert outlet(afp, extracted="Afpbbcom") == "AFPBB News"


def test_an_address_is_written_as_the_page_writes_it():
    liberation = '<meta property="og:site_name" content="www.liberation.fr"><title>Ayrault assume - Libération</title>'
    assert outlet(liberation) == "Libération"
    usa = '<link rel="canonical" href="https://www.usatoday.com/story/a/">'
    assert outlet(usa, "<span>Doug Stanglin, USA TODAY</span>", extracted="usatoday.com") == "USA Today"
    assert outlet('<meta property="og:site_name" content="elmundo.es">') == "elmundo.es"  # nothing else: kept, reported


def test_a_saved_page_without_an_address_is_placed_by_the_site_its_links_come_from():
    links = "".join(f'<a href="https://prachatai.com/journal/{n}">x</a>' for n in range(6))
    assert page(body=links).host == "prachatai.com"
    assert outlet("<title>ข่าว | ประชาไท Prachatai.com</title>", links) == "Prachatai"
    assert host_labels("newsfeed.time.com") == ["newsfeed", "time"] and host_labels("news.bbc.co.uk") == ["bbc"]


def test_timestamps_keep_the_day_as_written_and_say_their_offset():
    assert parse_iso("20180619T055000+0900") == dt.date(2018, 6, 19)
    assert (offset_kind("2014-06-29 20:08:00-0400"), offset_kind("2023-11-06T13:00:15Z"), offset_kind("2014-06-30")) == (
        "local", "utc", None)


def test_the_day_in_the_pages_own_time_zone_beats_a_day_in_utc():
    found = page('<meta name="sailthru.date" content="2014-06-30">',
                 '<h1>A</h1><time class="updated" datetime="2014-06-29 20:08:00-0400" pubdate>June 29, 2014 08:08 pm</time>')
    assert found.date.value == dt.date(2014, 6, 29) and "own time zone" in found.date.source
    modified = page('<meta name="date" content="2013-04-05">', '<time itemprop="dateModified" datetime="2013-04-06T10:37:32+02:00">')
    assert modified.date.value == dt.date(2013, 4, 5)  # a modification time is no publication day
    published = page(body='<time itemprop="datePublished" datetime="2013-04-05T17:08:23+02:00">le 05/04/2013</time>')
    assert published.date.value == dt.date(2013, 4, 5)


def test_names_with_particles_and_nicknames():
    assert person_names("By Jeremy Herb, Lauren del Valle and Kara Scannell, CNN") == [
        "Jeremy Herb", "Lauren del Valle", "Kara Scannell"]
    assert person_names('Amanda "Tania Mae" Tan') == ['Amanda "Tania Mae" Tan']
    assert person_names("María R. Sahuquillo / Emilio de Benito") == ["María R. Sahuquillo", "Emilio de Benito"]


def test_co_writers_each_in_an_element_of_their_own_are_all_authors():
    body = ('<span class="autor"><a rel="author" href="/a">María R. Sahuquillo</a> / '
            '<a rel="author" href="/b">Emilio de Benito</a></span>')
    assert page(body=body).authors.value == ["María R. Sahuquillo", "Emilio de Benito"]


def test_commenters_are_no_authors():
    body = '<div id="comments"><span class="comment_author">Pep de Son Fullos</span></div>'
    assert page(body=body).authors is None


def test_a_by_line_after_the_headline_names_the_author():
    body = '<h1>Florida, Alabama grandstanding?</h1><ul><li>Email</li></ul><cite>By Jemele Hill<br>ESPN.com</cite><p>Text.</p>'
    found = page(body=body)
    assert found.authors.value == ["Jemele Hill"] and "after the headline" in found.authors.source


def test_a_site_name_glued_to_the_headline_and_a_photo_credit_are_cut():
    xinhua = page("<title>短缺药品保供稳价 全力保障临床用药需求-新华网</title>", "<h1>短缺药品保供稳价 全力保障临床用药需求</h1>")
    assert clean_title(xinhua.title_tag, xinhua, None, []) == "短缺药品保供稳价 全力保障临床用药需求"
    assert choose_outlet(xinhua, None, "短缺药品保供稳价 全力保障临床用药需求")[0] == "新华网"
    nikkei = page(body="<h1>米朝首脳直通電話 習氏に挑むトランプ戦術の成否 編集委員 中沢克二</h1>")
    title = "米朝首脳直通電話 習氏に挑むトランプ戦術の成否 （写真＝ロイター） ：日本経済新聞"
    assert clean_title(title, nikkei, "日本経済新聞社", []) == "米朝首脳直通電話 習氏に挑むトランプ戦術の成否"


def test_text_between_blocks_and_after_an_empty_element_is_kept(tmp_path):
    from book.ingest import html
    from book.ingest.sources import read_file
    page_file = tmp_path / "page.html"
    page_file.write_text(
        "<html><head><title>Apple says Jobs resigns</title></head><body><article><h1>Apple says Jobs resigns</h1>"
        "<div class='related'><ul><li><a href='/x'>A chronology</a></li></ul></div>"
        "SAN FRANCISCO (AP) — Steve Jobs, the mind behind the iPhone, resigned as chief executive on Wednesday."
        "<p>The move appears to be the result of a medical condition for which Jobs took leave in January this year.</p>"
        "<p><span id='byLine'></span>Some traders found the <b><a href='/fed'>Fed statement</a></b> to be a bit "
        "gloomier than expected, and said so on the trading floor all afternoon long.</p>"
        "<p>Cook, who ran the company during the leave, was named chief executive by the board the same evening.</p>"
        "</article></body></html>", encoding="utf-8")
    record, = html.parse_page(read_file(page_file, page_file.name, []))
    texts = [block.text for block in record.blocks]
    assert any(text.startswith("SAN FRANCISCO (AP) — Steve Jobs") for text in texts), texts
    assert any(text.startswith("Some traders found the Fed statement") for text in texts), texts


def test_the_date_printed_under_the_headline_when_the_page_declares_none():
    body = ('<div>Welcome <span>Mon, 25 Dec 2023</span></div><h1>The American friends</h1>'
            '<div>Max Blumenthal<br>The Grayzone<br>Thu, 14 May 2020 17:55 UTC</div><p>Text of the article.</p>')
    found = page(body=body)
    assert found.date.value == dt.date(2020, 5, 14) and found.date.source == "the date printed under the headline"
    updated = page(body="<h1>A headline</h1><p>Updated: 3 May 2021</p><p>Published: 2 May 2021</p>")
    assert updated.date.value == dt.date(2021, 5, 2)


def test_a_byline_line_of_name_place_and_date_between_bars():
    from book.ingest.bylines import barred_byline
    assert barred_byline("Patricio Candia | Palma de Mallorca | 08/01/2014") == ["Patricio Candia"]
    for text in ("Home | Noticias | Local", "Patricio Candia | Palma de Mallorca", "The army said | it would | stop"):
        assert barred_byline(text) == [], text


def test_a_teasers_byline_is_not_the_pages_and_a_split_by_line_is_read_whole():
    teaser = ('<h1>Marketplace Tech for Friday</h1><h3><a href="/other">Is it ready for market?</a></h3>'
              '<div class="byline">by <a href="/people/david-gura">David Gura</a> | Apr 19, 2013</div>')
    assert page(body=teaser).authors is None
    split = '<h1>Market Insider</h1><span>By: <a href="/id/1">Patti Domm</a><br>CNBC Executive News Editor</span>'
    assert page(body=split).authors.value == ["Patti Domm"]
    assert page('<meta name="twitter:creator" content="Andrew Tarantola">').authors.value == ["Andrew Tarantola"]
    assert page('<meta name="twitter:creator" content="@wired">').authors is None


def test_a_byline_line_with_tags_gives_its_writer_only_and_a_date_far_below_the_headline_is_not_read():
    deadline = ('<div class="meta"><span class="meta-author">By DAVID LIEBERMAN, Executive Editor</span> | Friday June 7,'
                ' 2013 @ 6:43pm EDT Tags: <a href="/tag/a">Amazon Prime</a>, <a href="/tag/b">Steve Ballmer</a></div>')
    assert page(body=deadline).authors.value == ["David Lieberman"]
    cells = "".join(f"<tr><td>Field {n}</td><td>value {n}</td></tr>" for n in range(15))
    wiki = f"<h1>Now and Then, Here and There</h1><table>{cells}<tr><td>October 14, 1999</td></tr></table>"
    assert page(body=wiki).date is None


def test_a_bullet_separates_the_headline_from_the_sites_name():
    found = page('<meta property="og:site_name" content="Dustin Curtis on Svbtle"><title>Voice interfaces • Dustin Curtis</title>')
    assert clean_title("Voice interfaces • Dustin Curtis", found, "Dustin Curtis on Svbtle", []) == "Voice interfaces"

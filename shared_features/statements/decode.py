"""Bytes -> text: the encoding from byte-order marks, UTF-8 when it decodes, else what
charset-normalizer finds; line endings (LF, CRLF, CR alone, CR CR LF) made plain ``\\n``."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from functools import cache

import charset_normalizer

from .errors import StatementError
from .vocabulary import columns, fold

_BOMS = ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
         (codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
         (codecs.BOM_UTF16_BE, "utf-16-be"))
_SAMPLE = 256 * 1024  # charset-normalizer judges this much; a statement's words repeat


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    warnings: tuple[str, ...] = ()


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 with no BOM shows as a NUL in every other byte of ASCII text."""
    head = data[:4096]
    if len(head) < 4:
        return None
    even, odd = head[0::2].count(0), head[1::2].count(0)
    if odd > len(head) // 4 and even == 0:
        return "utf-16-le"
    if even > len(head) // 4 and odd == 0:
        return "utf-16-be"
    return None


def wide_encoding(data: bytes) -> str | None:
    """The encoding of a UTF-16 or UTF-32 file (by its byte-order mark, or UTF-16's NUL in
    every other byte of ASCII text), else None: what Excel's "Unicode Text" export writes."""
    bom = next((name for bom, name in _BOMS if data.startswith(bom)), None)
    if bom is not None:
        return None if bom == "utf-8" else bom
    return _utf16_without_bom(data)


def _normalise_newlines(text: str) -> str:
    # CR CR LF first (a CRLF file saved again through a CRLF-adding tool), then CRLF, then CR.
    return text.replace("\r\r\n", "\n").replace("\r\n", "\n").replace("\r", "\n")


def decode(data: bytes) -> Decoded:
    """The file's text with ``\\n`` line endings; raises StatementError for binary content."""
    if not data.strip(b" \t\r\n\x00"):
        raise StatementError("the file is empty")
    encoding = next((name for bom, name in _BOMS if data.startswith(bom)), None)
    warnings: list[str] = []
    if encoding:
        text = data[len(next(b for b, n in _BOMS if n == encoding)):].decode(encoding,
                                                                              errors="replace")
    elif encoding := _utf16_without_bom(data):
        text = data.decode(encoding, errors="replace")
    else:
        try:
            text, encoding = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            if b"\x00" in data[:4096]:
                raise StatementError("the file is binary, not text (export it as CSV)") from None
            # cp1252 is what a Western bank's "CSV (Excel)" export is when it is not UTF-8; a
            # guess charset-normalizer cannot make is read as that rather than refused.
            encoding = ("cp1252" if _only_currency_signs(data[:_SAMPLE])
                        else _guess_encoding(data[:_SAMPLE]) or "cp1252")
            if _classic_mac(data[:_SAMPLE], encoding):
                encoding = "mac_roman"
            text = data.decode(encoding, errors="replace")
            try:  # Western text that cp1252 reads the same is reported as what it most likely is
                if encoding != "cp1252" and data.decode("cp1252") == text:
                    encoding = "cp1252"
            except UnicodeDecodeError:
                pass
            if _turkish_read_as_western(data, encoding):
                encoding, text = "cp1254", data.decode("cp1254", errors="replace")
            warnings.append(f"the file is not UTF-8; it was read as {encoding}")
    if "\x00" in text[:4096] or _control_share(text[:4096]) > 0.05:
        raise StatementError("the file is binary, not text (export it as CSV)")
    text = text.lstrip("\ufeff")
    if not text.isascii():  # what follows only changes non-ASCII text
        text = _BIDI_MARKS.sub("", text).translate(_DIGITS)
        if "，" in text:  # '１２，３４５': a full-width comma between digits groups thousands
            text = _WIDE_GROUPING.sub("'", text)
        if "▲" in text or "△" in text:  # '▲1,200': the minus of Japanese accounts
            text = _TRIANGLE_MINUS.sub("-", text)
    return Decoded(_normalise_newlines(text), encoding, tuple(warnings))


# Arabic-Indic, Persian and full-width digits as ASCII, so dates and amounts written in them
# read like any other; the Arabic decimal separator as '.', its thousands separator as an
# apostrophe (which only ever groups thousands, and is never a CSV delimiter). The rest of
# the full-width forms of Japanese and Chinese exports ('．', '－', '／', '（', 'ＪＣＢ', the
# ideographic space) as their ASCII letters - but not those that would split or quote cells
# ('，', '；', '｜', '＂'): a full-width comma between digits is made an apostrophe instead.
_KEEP_WIDE = frozenset({0xFF02, 0xFF0C, 0xFF1B, 0xFF5C})
_DIGITS = {**{0x0660 + i: str(i) for i in range(10)}, **{0x06F0 + i: str(i) for i in range(10)},
           **{c: chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F) if c not in _KEEP_WIDE},
           0x066B: ".", 0x066C: "'", 0x3000: " ", 0xFFE5: "¥", 0xFFE0: "¢", 0xFFE1: "£"}
_WIDE_GROUPING = re.compile(r"(?<=\d)，(?=\d{3}(?!\d))")
_TRIANGLE_MINUS = re.compile(r"(?<![^\s\",;|(])[▲△]\s*(?=\d)")


# Invisible direction marks (LRM, RLM, ALM, embeddings, isolates): Hebrew and Arabic exports
# put them around numbers and dates so they show left to right; they carry no text.
_BIDI_MARKS = re.compile("[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]")
# Windows-1255 (Hebrew) and -1256 (Arabic) write LRM and RLM as the bytes FD and FE, which a
# detector takes for noise: with enough of them it names a Cyrillic code page instead.
_BIDI_BYTES = re.compile(rb"[\xfd\xfe]")
_RIGHT_TO_LEFT = frozenset({"cp1255", "cp1256", "iso8859_8", "iso8859_6"})


def _guess_encoding(sample: bytes) -> str | None:
    """charset-normalizer's guess; when it recognises no language and the bytes of LRM / RLM
    in the right-to-left code pages are present, asked again without them, and a Hebrew or
    Arabic code page it then names (with a language it recognises) is taken."""
    matches = charset_normalizer.from_bytes(sample)
    best = matches.best()
    if (best is None or not best.coherence) and _BIDI_BYTES.search(sample):
        plain = charset_normalizer.from_bytes(_BIDI_BYTES.sub(b"", sample)).best()
        if plain is not None and plain.encoding in _RIGHT_TO_LEFT and plain.coherence > 0:
            return plain.encoding
    if best is None:
        # A short file whose every line mixes scripts (a Japanese card export: full-width
        # letters, kana and kanji beside ASCII digits) can seem too chaotic for the default
        # threshold, which then names nothing; a looser one finds the code page it is.
        matches = charset_normalizer.from_bytes(sample, threshold=_LOOSE_CHAOS)
        best = matches.best()
    if best is None:
        return None
    return _known_words_decide(sample, best, list(matches))


# A short file has few letters outside ASCII, and the single-byte code pages read them all as
# some letter: the detector's first few guesses are then near ties (a Turkish card statement
# called Baltic cp1257, its 'Açıklama' read 'Aēżklama'). Among the near ties, the code page
# under which more of the file's words are words the reader knows (columns.toml's headers and
# labels, categories.toml's descriptions) is taken; with no difference, the detector's own.
_NEAR_TIE = 0.05
_LOOSE_CHAOS = 0.5


def _known_count(sample: bytes, encoding: str) -> int:
    """How many of the words ``sample`` reads as under ``encoding`` (those not ASCII) are
    words of the vocabularies."""
    words = set(re.findall(r"[^\W\d_]+", sample[:16384].decode(encoding, errors="replace")
                           .lower()))
    return len({fold(w) for w in words if not w.isascii()} & _known_words())


# Lines that end in CR alone are what only classic Mac software writes - Excel for Mac's "CSV
# (Macintosh)" among it, in Mac Roman. A detector rarely names Mac Roman (its near ties
# mac_latin2 / cp1250 read the same accented letters but its '€' as 'Ř'); such a file is read
# as Mac Roman unless the detector's code page reads more of its words as known ones.
def _classic_mac(sample: bytes, encoding: str) -> bool:
    if encoding == "mac_roman" or b"\n" in sample or b"\r" not in sample:
        return False
    return _known_count(sample, "mac_roman") >= _known_count(sample, encoding)


def _known_words_decide(sample: bytes, best: charset_normalizer.CharsetMatch,
                        matches: list[charset_normalizer.CharsetMatch]) -> str:
    ties = [m for m in matches if m.encoding != best.encoding
            and m.chaos <= best.chaos + _NEAR_TIE and m.coherence >= best.coherence - _NEAR_TIE]
    if not ties:
        return best.encoding
    scores = {m.encoding: _known_count(sample, m.encoding) for m in [best, *ties]}
    top = max(scores.values())
    return best.encoding if scores[best.encoding] == top else next(
        e for e, n in scores.items() if n == top)


@cache
def _known_words() -> frozenset[str]:
    """Every word of the vocabularies, folded (they are mostly written without accents:
    'aciklama' is what 'Açıklama' folds to)."""
    from .classify import load_categories  # here: classify imports what imports this module
    texts = [w for section in columns().values() for words in section.values()
             for w in words]
    texts += [w for words in load_categories()["categories"].values() for w in words]
    return frozenset(fold(word) for text in texts for word in text.split())


# Windows-1254 (Turkish) differs from Windows-1252 in six letters only: where Turkish has
# Ğ ğ İ ı Ş ş, cp1252 reads Ð ð Ý ý Þ þ, so a detector often calls a Turkish export cp1252 (or,
# on a short file, Vietnamese cp1258). Those six are Icelandic letters in cp1252, and Icelandic
# (like Vietnamese) writes them beside many á é í ó ú æ, which Turkish does not use: Turkish is
# taken when those are at most one in ten of the six.
_TURKISH_AS_WESTERN = frozenset("ÐðÝýÞþ")
_ICELANDIC_ONLY = frozenset("áéíóúæÁÉÍÓÚÆ")
_WESTERN = frozenset({"cp1252", "latin_1", "iso8859_1", "iso8859_15", "iso8859_10", "cp1258"})


def _turkish_read_as_western(data: bytes, encoding: str) -> bool:
    """Whether bytes a detector took for a Western single-byte encoding are Turkish cp1254
    (Central European, Baltic and Greek guesses are left as they are)."""
    if encoding.lower().replace("-", "_") not in _WESTERN:
        return False
    text = data[:_SAMPLE].decode("cp1252", errors="replace")
    turkish = sum(text.count(ch) for ch in _TURKISH_AS_WESTERN)
    icelandic = sum(text.count(ch) for ch in _ICELANDIC_ONLY)
    return turkish >= 2 and icelandic * 10 <= turkish


# The bytes of '€' (80), '£' (A3) and '¥' (A5) in Windows-1252, and its no-break space (A0).
# A file whose only non-ASCII bytes are these - each sign written against an amount
# ('£2,813.34', '12,50 €'), each no-break space after a label's colon or against a number
# ('Date:\xa002/01/2024') - is cp1252: with no letters to go by a detector names any
# single-byte code page (a UK export's '£' read as Baltic cp775's 'Ż', its no-break space as
# 'Ā'); the Windows code pages all have the no-break space there, and none a letter before a
# number where cp1252 has its currency signs.
_NON_ASCII = re.compile(rb"[\x80-\xff]")
_SIGN_AT_AMOUNT = re.compile(rb"[\x80\xa3\xa5](?=\s?[-+]?\d)|(?<=\d)\s?[\x80\xa3\xa5]"
                             rb"|(?<=[\d:])\xa0|\xa0(?=[-+]?\d)")


def _only_currency_signs(data: bytes) -> bool:
    """Whether every non-ASCII byte of ``data`` is a cp1252 currency sign beside an amount or
    a no-break space beside a number or after a colon."""
    others = len(_NON_ASCII.findall(data))
    return others > 0 and len(_SIGN_AT_AMOUNT.findall(data)) == others


def _control_share(text: str) -> float:
    if not text:
        return 0.0
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\r\n\t")
    return controls / len(text)

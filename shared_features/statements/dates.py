"""Date columns, decided as a whole: the format that reads every distinct value, with day-first
against month-first settled by the values that only one reading allows (a 13th day or month),
then by which reading keeps the rows in date order, and only then by a stated default.

Work is per distinct value (a statement has a few hundred distinct dates), never per row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

from .vocabulary import best_word, columns, contains_pattern, fold, plain_letters

# Month names in the languages met in exports -> the English abbreviation strptime reads.
# Written without accents: dates are matched with theirs removed (``plain_letters``), so
# "février", "fevrier" and "FÉVRIER" are one name, as are "şubat" and "subat".
_MONTHS = {
    "jan": ("january", "januar", "janvier", "enero", "ene", "janeiro", "gennaio", "januari",
            "janner", "janv", "gen", "januar", "sausis", "sty", "styczen", "stycznia", "leden",
            "ledna", "ianuarie", "ian", "ocak", "oca", "ιανουαριος", "ιανουαριου", "ιαν"),
    "feb": ("february", "februar", "fevrier", "febrero", "fevereiro", "fev", "fevr", "febbraio",
            "februari", "vasaris", "luty", "lutego", "lut", "unor", "unora", "februarie",
            "subat", "sub", "φεβρουαριος", "φεβρουαριου", "φεβ"),
    "mar": ("march", "marz", "maerz", "mars", "marzo", "marco", "maart", "mrt", "marcius",
            "marc", "kovas", "marzec", "marca", "brezen", "brezna", "martie", "mart",
            "μαρτιος", "μαρτιου", "μαρ"),
    "apr": ("april", "avril", "avr", "abril", "abr", "aprile", "aprilis", "balandis",
            "kwiecien", "kwietnia", "kwi", "duben", "dubna", "aprilie", "nisan", "nis",
            "απριλιος", "απριλιου", "απρ"),
    "may": ("mai", "mayo", "maio", "maggio", "mei", "maj", "majus", "geguze", "mag", "maja",
            "kveten", "kvetna", "mayis", "μαιος", "μαιου", "μαι"),
    "jun": ("june", "juni", "juin", "junio", "junho", "giugno", "junius", "birzelis", "giu",
            "czerwiec", "czerwca", "cze", "cerven", "cervna", "iunie", "iun", "haziran", "haz",
            "ιουνιος", "ιουνιου", "ιουν"),
    "jul": ("july", "juli", "juillet", "juil", "julio", "julho", "luglio", "julius", "liepa",
            "lug", "lipiec", "lipca", "lip", "cervenec", "cervence", "iulie", "iul", "temmuz",
            "tem", "ιουλιος", "ιουλιου", "ιουλ"),
    "aug": ("august", "aout", "agosto", "ago", "augustus", "augusztus", "rugpjutis", "aou",
            "sierpien", "sierpnia", "sie", "srpen", "srpna", "agustos", "agu", "αυγουστος",
            "αυγουστου", "αυγ"),
    "sep": ("september", "sept", "septembre", "septiembre", "setembro", "set", "settembre",
            "szeptember", "rugsejis", "wrzesien", "wrzesnia", "wrz", "zari", "septembrie",
            "eylul", "eyl", "σεπτεμβριος", "σεπτεμβριου", "σεπ"),
    "oct": ("october", "oktober", "okt", "octobre", "octubre", "outubro", "out", "ottobre",
            "ott", "spalis", "pazdziernik", "pazdziernika", "paz", "rijen", "rijna",
            "octombrie", "ekim", "eki", "οκτωβριος", "οκτωβριου", "οκτ"),
    "nov": ("november", "novembre", "noviembre", "novembro", "lapkritis", "listopad",
            "listopada", "lis", "listopadu", "noiembrie", "noi", "kasim", "kas", "νοεμβριος",
            "νοεμβριου", "νοε"),
    "dec": ("december", "dezember", "dez", "decembre", "dec", "diciembre", "dic", "dezembro",
            "dicembre", "gruodis", "grudzien", "grudnia", "gru", "prosinec", "prosince",
            "decembrie", "aralik", "ara", "δεκεμβριος", "δεκεμβριου", "δεκ"),
}
_MONTH_WORD = {w: en for en, words in _MONTHS.items() for w in (en, *words)}
MONTH_WORDS = tuple(sorted(w for w in _MONTH_WORD if w.isascii()))  # for the layout's shapes
# A name neither preceded nor followed by a letter of any script (digits may touch it:
# "04nov2019").
_MONTH_RE = re.compile(r"(?<![^\W\d_])(" + "|".join(sorted(map(re.escape, _MONTH_WORD),
                                                             key=len, reverse=True))
                       + r")\.?(?![^\W\d_])")
_GLUED_MONTH = re.compile(r"^(\d{1,2})(" + "|".join(_MONTHS) + r")\.?(\d{2}|\d{4})$")
# A weekday before the date ('Tue, 02 Jan 2024', 'Dienstag, 2. Januar 2024'): the date says
# the day on its own. Written without accents, as dates are matched with theirs removed.
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
             "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun",
             "montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonntag",
             "mo", "di", "mi", "do", "fr", "sa", "so",
             "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
             "lun", "mer", "jeu", "ven", "sam", "dim",  # not "mar": March
             "lunes", "martes", "miercoles", "jueves", "viernes", "sabado", "domingo",
             "mie", "jue", "vie", "sab", "dom",
             "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag",
             "ma", "wo", "vr", "za", "zo",
             "lunedi", "martedi", "mercoledi", "giovedi", "venerdi", "sabato", "domenica",
             "gio", "segunda feira", "terca feira", "quarta feira", "quinta feira",
             "sexta feira", "segunda", "terca", "quarta", "quinta", "sexta", "seg", "ter",
             "qua", "qui", "sex")
WEEKDAY = (r"(?:" + "|".join(sorted((w.replace(" ", "[ -]") for w in _WEEKDAYS), key=len,
                                    reverse=True))
           + r")\.?,?\s+")
_WEEKDAY_RE = re.compile(r"^" + WEEKDAY + r"(?=\d|[^\W\d_]{3,9}\.? \d)")
# A time after the date, with optional seconds, AM/PM and zone: the booking day is the date.
# ('-' before it as Turkish exports write '02/01/2024-09:15': the time needs its colon then.)
_TIME = (r"(?:(?:[T\s,]+\d{1,2}[:.]|-\d{1,2}:)\d{2}(?:[:.]\d{2}(?:[.,]\d+)?)?\s*(?:[ap]\.?m\.?)?"
         r"\s*(?:z|utc|gmt|[a-z]{3,5}|[+-]\d{2}:?\d{2})?)$")

# (format, day_first) - day_first None where the format is not ambiguous.
ISO_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y %m %d")
NAMED_FORMATS = ("%d %b %Y", "%d-%b-%Y", "%d/%b/%Y", "%d.%b.%Y", "%b %d %Y", "%d %b %y",
                 "%d-%b-%y", "%b %d %y", "%Y-%b-%d", "%d. %b %Y")
DAY_FIRST = ("%d.%m.%Y", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%y", "%d/%m/%y", "%d-%m-%y")
MONTH_FIRST = ("%m/%d/%Y", "%m-%d-%Y", "%m.%d.%Y", "%m/%d/%y", "%m-%d-%y", "%m.%d.%y")
SEPARATED = re.compile(r"^\d{1,2}[./-]\d{1,2}[./-]\d{2,4}$")


@dataclass(frozen=True)
class DateReading:
    dates: np.ndarray  # datetime64[D] per row, NaT where the cell is not a date
    format: str | None  # the strptime format used, for the report
    day_first: bool | None
    warning: str | None  # the assumption made, when the values could not settle it
    missing_year: str | None = None  # a value such as '03 Nov' when no year could be given


@dataclass(frozen=True)
class YearAnchor:
    """What a statement says of its dates' years, for dates written without one: no date is
    later than ``last`` (the period's end, the statement or export date, the end of the month
    or year named) by more than ``YEARLESS_SLACK_DAYS``."""

    last: np.datetime64  # datetime64[D]
    source: str  # where it was found, for the warning
    day_first: bool | None = None  # how the dates stating it were written, if they tell
    whole_year: bool = False  # only a year is stated: the row order tells a year's turn


YEARLESS_SLACK_DAYS = 7  # a row booked a few days after the stated period's end


def normalise(values: pd.Series) -> pd.Series:
    """Lower case, time and zone removed, month names in English, trailing dots gone; years of
    the Japanese eras, the Minguo calendar and the Buddhist era as the common era, Chinese,
    Japanese and Korean 年月日 dates as ISO, a year-less '03.11.' or '10月3日' as '03 nov'."""
    s = values.astype(str).str.strip().str.lower()
    # Era, Minguo, CJK and dotted year-less forms: one test finds the few values that may be
    # one (usually none), and only those are rewritten.
    odd = s.str.contains(_ODD_FORMS, regex=True).to_numpy(dtype=bool)
    if odd.any():
        s = s.copy()
        minguo = bool(s[odd].str.match(_MINGUO).any())
        s[odd] = _rewrite_odd_forms(s[odd])
        if minguo:
            s = s.str.replace(_MINGUO_TWO_DIGIT, _minguo_date, regex=True)
    s = s.str.replace(_TIME, "", regex=True, flags=re.IGNORECASE)
    s = s.map(plain_letters)  # as the vocabulary folds them: one spelling per month name
    s = s.str.replace(_WEEKDAY_RE, "", regex=True)
    # Spanish and Portuguese long dates: '14 de enero de 2024'.
    s = s.str.replace(r"(?<=\d) de (?=[a-z])|(?<=[a-z]) de (?=\d)", " ", regex=True)
    s = s.str.replace(_MONTH_RE, lambda m: _MONTH_WORD[m.group(1)], regex=True)
    # A month name glued to the day and year ('05MAR2024', '5mars2024', '14févr.2024'), as
    # mainframe and PDF-converted statements write it: spaced, it is the '%d %b %Y' form.
    s = s.str.replace(_GLUED_MONTH, r"\1 \2 \3", regex=True)
    s = s.str.replace(",", " ", regex=False).str.replace(r"\s+", " ", regex=True)
    s = s.str.replace(_BUDDHIST_YEAR, lambda m: str(int(m.group(0)) - BUDDHIST_OFFSET),
                      regex=True)
    return s.str.strip(" .")


# Japanese exports write the year of the emperor's era (令和6年 or R06 is 2024: Reiwa 1 is
# 2019, 元年 its first year); Taiwanese ones the Minguo year (民國113年, or 113/10/03 alone: year
# 1 is 1912). Year numbers of the common era are what every other date here is read in.
_ERAS = {"令和": 2018, "平成": 1988, "昭和": 1925, "民國": 1911, "民国": 1911,
         "r": 2018, "h": 1988, "s": 1925}
_ERA_DATE = re.compile(r"^(令和|平成|昭和|民國|民国)?\s*(\d{1,4}|元)\s*[年년]\s*(\d{1,2})\s*[月월]"
                       r"\s*(\d{1,2})\s*[日일]?")
_ERA_LETTER = re.compile(r"^([rhs])(\d{1,2})[./-](\d{1,2})[./-](\d{1,2})(?!\d)")
# A three-digit year first (100-149: 2011-2060) is a Minguo year; no other calendar in use
# writes one.
_MINGUO = re.compile(r"^(1[0-4]\d)([./-])(\d{1,2})\2(\d{1,2})(?!\d)")
# Before year 100 (2011) the Minguo year has two digits ('99/12/28' is 28 December 2010): read
# so only in a column that shows three-digit Minguo years too (an export across 2010-2011), as
# alone it is a two-digit year of the common era.
_MINGUO_TWO_DIGIT = re.compile(r"^(\d{2})([./-])(\d{1,2})\2(\d{1,2})(?!\d)")
_ERA_YEARS = (r"^(?:令和|平成|昭和|民國|民国|[rhs]\d{1,2}[./-]\d{1,2}[./-]\d{1,2}(?!\d)"
               r"|1[0-4]\d[./-]\d{1,2}[./-]\d{1,2}(?!\d))")
_CJK_YEARLESS = re.compile(r"^(\d{1,2})\s*[月월]\s*(\d{1,2})\s*[日일]?$")
_DOTTED_YEARLESS = re.compile(r"^(\d{1,2})\.(\d{1,2})\.$")  # '03.11.': German, day first
_CJK_WEEKDAY = r"\s*[(（][月火水木金土日一二三四五六天월화수목금토일][)）]"  # '2024/10/03(木)'
_ABBR = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")

# What any of those forms has (a CJK date character or weekday bracket, an era letter before
# digits, a three-digit year, a dotted day and month with its closing dot): a cheap test.
_ODD_FORMS = r"[年년月월(（]|^[rhs]\d|^1[0-4]\d[./-]|^\d{1,2}\.\d{1,2}\.$"


def _rewrite_odd_forms(s: pd.Series) -> pd.Series:
    """Era, Minguo and CJK dates as ISO, year-less '03.11.' and '10月3日' as '03 nov'."""
    s = s.str.replace(_CJK_WEEKDAY, "", regex=True)
    s = s.str.replace(_ERA_DATE, _era_date, regex=True)
    s = s.str.replace(_CJK_YEARLESS, _named_yearless, regex=True)
    s = s.str.replace(_ERA_LETTER, _era_date, regex=True)
    s = s.str.replace(_MINGUO, _minguo_date, regex=True)
    return s.str.replace(_DOTTED_YEARLESS, _named_yearless, regex=True)


def _era_date(m: re.Match[str]) -> str:
    era, year, month, day = m.groups()
    offset = _ERAS.get(era or "", 0)
    number = 1 if year == "元" else int(year)
    if offset == 0 and number < 1000:  # '6年10月3日' with no era: not a year we can place
        return m.group(0)
    return f"{number + offset:04d}-{int(month):02d}-{int(day):02d}"


def _minguo_date(m: re.Match[str]) -> str:
    year, _, month, day = m.groups()
    return f"{int(year) + 1911:04d}-{int(month):02d}-{int(day):02d}"


def _named_yearless(m: re.Match[str]) -> str:
    """'03.11.' (day, month) or '10月3日' (month, day) -> '03 nov': a form only one way round."""
    a, b = int(m.group(1)), int(m.group(2))
    day, month = (a, b) if m.re is _DOTTED_YEARLESS else (b, a)
    return f"{day:02d} {_ABBR[month - 1]}" if 1 <= month <= 12 else m.group(0)


# Thai exports write the year of the Buddhist era, 543 years ahead ('02/01/2567' is 2 January
# 2024); no statement holds a date of the years 2540-2599 of the common era.
BUDDHIST_OFFSET = 543
_BUDDHIST_YEAR = r"(?<!\d)25[4-9]\d(?!\d)"


_PIECES = {"%d": r"\d{1,2}", "%m": r"\d{1,2}", "%Y": r"\d{4}", "%y": r"\d{2}",
           "%b": r"[a-z]{3,9}", "%B": r"[a-z]{3,9}"}
ALL_FORMATS = (*ISO_FORMATS, *NAMED_FORMATS, *DAY_FIRST, *MONTH_FIRST)


def _shape(fmt: str) -> re.Pattern[str]:
    out = re.escape(fmt)
    for code, piece in _PIECES.items():
        out = out.replace(re.escape(code), piece)
    if fmt == "%Y%m%d":
        out = r"\d{8}"
    return re.compile(out)


_SHAPES = {fmt: _shape(fmt) for fmt in ALL_FORMATS}


def _plausible_formats(texts: pd.Series) -> list[str]:
    """Formats whose shape most of a sample of the values has: a plain regex check that spares
    trying every format with the (slower) date parser."""
    sample = [t for t in texts.iloc[:200].tolist() if t][:50]
    if not sample:
        return []
    need = max(1, len(sample) // 2)
    return [fmt for fmt, shape in _SHAPES.items()
            if sum(1 for t in sample if shape.fullmatch(t)) >= need]


def _try(texts: pd.Series, fmt: str) -> pd.Series:
    return pd.to_datetime(texts, format=fmt, errors="coerce")


def _order_share(dates: pd.Series) -> float:
    """How well rows keep one date order (ascending or descending): 1.0 when fully sorted."""
    d = dates.dropna().to_numpy(dtype="datetime64[D]").astype(np.int64)
    if len(d) < 3:
        return 1.0
    step = np.diff(d)
    return max(float((step >= 0).mean()), float((step <= 0).mean()))


_SHAPE = re.compile(r"^(?:\d{1,4}[./\- ]\d{1,2}[./\- ]\d{1,4}\.?|\d{8}|\d{1,2}\.?[ ./-]?[a-z]{3}"
                    r"[ ./-]\d{2,4}|[a-z]{3} \d{1,2} \d{4}|\d{4}-[a-z]{3}-\d{1,2}"
                    r"|\d{1,2}[ -]?[a-z]{3}|[a-z]{3} \d{1,2}|\d{1,2}/\d{1,2})$")

# Dates with no year, as card statements and some account exports print them within a stated
# period: '03 Nov', 'Nov 03', '11/03' (either way round), and '03.11.' and '10月3日', which
# ``normalise`` has made '03 nov'. Not '03.11' or '03-11': a dot or dash alone is as often an
# amount or a reference.
_YEARLESS_DAY_MONTH = re.compile(r"^(\d{1,2})[ -]?([a-z]{3})$")
_YEARLESS_MONTH_DAY = re.compile(r"^([a-z]{3}) (\d{1,2})$")
_YEARLESS_NUMERIC = re.compile(r"^(\d{1,2})/(\d{1,2})$")
_MONTH_NUMBER = {m: i + 1 for i, m in enumerate(_ABBR)}


def _day_of_year(month: pd.Series, day: pd.Series, year: int = 2000) -> pd.Series:
    """The date of each (month, day) in ``year`` (a leap year by default, so 29 February
    reads), NaT where there is no such day."""
    ok = month.between(1, 12) & day.between(1, 31)
    parts = pd.DataFrame({"year": year, "month": month.where(ok, 1), "day": day.where(ok, 1)})
    return pd.to_datetime(parts, errors="coerce").where(ok)


def _yearless_readings(texts: pd.Series) -> list[tuple[str, pd.Series, pd.Series, bool | None]]:
    """(format, month, day, day_first) per way of reading year-less values: NaN where the
    value does not read that way."""
    named = texts.str.extract(_YEARLESS_DAY_MONTH)
    named_mf = texts.str.extract(_YEARLESS_MONTH_DAY)
    numeric = texts.str.extract(_YEARLESS_NUMERIC).apply(pd.to_numeric)
    return [("%d %b", named[1].map(_MONTH_NUMBER), pd.to_numeric(named[0]), None),
            ("%b %d", named_mf[0].map(_MONTH_NUMBER), pd.to_numeric(named_mf[1]), None),
            ("%d/%m", numeric[1], numeric[0], True),
            ("%m/%d", numeric[0], numeric[1], False)]


def yearless_share(texts: pd.Series) -> float:
    """Share of normalised distinct values that read as a date without a year."""
    if texts.empty:
        return 0.0
    return max(float(_day_of_year(m, d).notna().mean()) for _, m, d, _ in
               _yearless_readings(texts))


def date_share(values: pd.Series) -> float:
    """Share of non-empty distinct values that read as a date in some one format."""
    uniq = pd.Series(values[values != ""].unique())
    if uniq.empty:
        return 0.0
    texts = normalise(uniq.iloc[:500])
    # Most columns are plainly not dates: a shape check spares trying every format on them.
    if texts.str.match(_SHAPE).mean() < 0.5:
        return 0.0
    best = 0.0
    for fmt in _plausible_formats(texts):
        share = float(_try(texts, fmt).notna().mean())
        best = max(best, share)
        if best == 1.0:
            break
    return best if best == 1.0 else max(best, yearless_share(texts))


def parse_dates(values: pd.Series, default_day_first: bool = True,
                anchor: YearAnchor | None = None) -> DateReading:
    """Read one column; the format is chosen once for the whole column. Dates without a year
    take theirs from ``anchor``; with none, ``missing_year`` holds one such value and no date
    is read (the caller refuses the file: a year is never guessed)."""
    codes, uniq = pd.factorize(values, use_na_sentinel=False)
    uniq = pd.Series(uniq, dtype=object).fillna("").astype(str)
    texts = normalise(uniq)
    present = texts != ""
    if not present.any():
        return DateReading(np.full(len(values), np.datetime64("NaT"), "datetime64[D]"), None,
                           None, None)

    def score(fmt: str) -> tuple[pd.Series, int]:
        parsed = _try(texts, fmt)
        ok = parsed.notna() & present
        # An 8-digit %Y%m%d reading is only believed with plausible years.
        if fmt == "%Y%m%d":
            ok &= parsed.dt.year.between(1970, 2100)
        return parsed.where(ok), int(ok.sum())

    candidates = [(fmt, *score(fmt)) for fmt in _plausible_formats(texts[present])]
    best_count = max((c for _, _, c in candidates), default=0)
    if best_count < int(present.sum()):
        yearless = _read_yearless(uniq, texts, codes, best_count, default_day_first, anchor)
        if yearless is not None:
            return yearless
    best = [(fmt, parsed) for fmt, parsed, c in candidates if c == best_count and c > 0]
    if not best:
        return DateReading(np.full(len(values), np.datetime64("NaT"), "datetime64[D]"), None,
                           None, None)
    warning = None
    day_first: bool | None = None
    fmt, parsed = best[0]
    day = [b for b in best if b[0] in DAY_FIRST]
    month = [b for b in best if b[0] in MONTH_FIRST]
    if day and month:
        # Every value reads both ways (no day above 12): let the row order decide.
        rows_day = pd.Series(day[0][1].to_numpy()[codes])
        rows_month = pd.Series(month[0][1].to_numpy()[codes])
        order_day, order_month = _order_share(rows_day), _order_share(rows_month)
        if order_day != order_month:
            day_first = order_day > order_month
            reason = "that reading keeps the rows in date order"
        else:
            day_first = default_day_first
            reason = "the values fit both readings"
        fmt, parsed = (day if day_first else month)[0]
        warning = (f"dates such as {uniq[present].iloc[0]!r} read "
                   f"{'day-first' if day_first else 'month-first'}: {reason}")
    elif day or month:
        day_first = bool(day)
        fmt, parsed = (day or month)[0]
    dates = parsed.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]")[codes]
    if uniq[present].str.contains(_BUDDHIST_YEAR, regex=True).any():
        warning = "; ".join(w for w in (warning, (
            f"years of the Buddhist era such as {uniq[present].iloc[0]!r} were read "
            f"{BUDDHIST_OFFSET} years earlier")) if w)
    era = uniq[present].str.strip().str.lower().str.contains(_ERA_YEARS, regex=True)
    if era.any():  # (cheap: a reading's distinct values, a few hundred)
        warning = "; ".join(w for w in (warning, (
            f"years of a Japanese era or the Minguo calendar such as "
            f"{uniq[present][era].iloc[0]!r} were read as years of the common era")) if w)
    return DateReading(dates, fmt, day_first, warning)


def _read_yearless(uniq: pd.Series, texts: pd.Series, codes: np.ndarray, full_count: int,
                   default_day_first: bool, anchor: YearAnchor | None) -> DateReading | None:
    """The column read as dates without a year, when that reads more values than any format
    with one; None otherwise."""
    readings = [(fmt, _day_of_year(m, d), df) for fmt, m, d, df in _yearless_readings(texts)]
    counts = [int(md.notna().sum()) for _, md, _ in readings]
    top = max(counts)
    if top <= full_count or top == 0:
        return None
    best = [r for r, c in zip(readings, counts, strict=True) if c == top]
    fmt, md, day_first = best[0]
    warning = None
    if len(best) > 1 and {b[2] for b in best} == {True, False}:
        # '11/03' and '03/11' both read: the row order, then what the anchor's dates or the
        # currency say.
        day = next(b for b in best if b[2])
        month = next(b for b in best if b[2] is False)
        order_day = _order_share(pd.Series(day[1].to_numpy()[codes]))
        order_month = _order_share(pd.Series(month[1].to_numpy()[codes]))
        if order_day != order_month:
            day_first, reason = order_day > order_month, "that reading keeps the rows in order"
        elif anchor is not None and anchor.day_first is not None:
            day_first, reason = anchor.day_first, f"as the dates of {anchor.source} are"
        else:
            day_first, reason = default_day_first, "the values fit both readings"
        fmt, md, _ = day if day_first else month
        warning = (f"dates such as {uniq[md.notna()].iloc[0]!r} read "
                   f"{'day-first' if day_first else 'month-first'}: {reason}")
    example = str(uniq[md.notna()].iloc[0])
    nat = np.full(len(codes), np.datetime64("NaT"), "datetime64[D]")
    if anchor is None:
        return DateReading(nat, fmt, day_first, warning, missing_year=example)
    # Each date in the latest year that does not put it after the anchor: a statement's rows
    # are before its period's end, so 'Dec 28' on a statement to 14 January is last year's.
    # (A year alone is its last day: no slack into the next.)
    slack = 0 if anchor.whole_year else YEARLESS_SLACK_DAYS
    last = pd.Timestamp(anchor.last) + pd.Timedelta(days=slack)
    month, day = md.dt.month, md.dt.day
    dated = _day_of_year(month, day, last.year)
    earlier = _day_of_year(month, day, last.year - 1)
    dated = dated.where(dated <= last, earlier)
    dates = dated.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]")[codes]
    if anchor.whole_year:
        dates = _across_new_year(dates, md.to_numpy(dtype="datetime64[ns]")[codes], last)
    years = sorted({int(y) for y in
                    dates[~np.isnat(dates)].astype("datetime64[Y]").astype(int) + 1970})
    note = (f"dates such as {example!r} have no year: read as "
            f"{' and '.join(map(str, years))} from {anchor.source}")
    return DateReading(dates, fmt, day_first, "; ".join(w for w in (warning, note) if w))


def _across_new_year(dates: np.ndarray, md: np.ndarray, last: pd.Timestamp) -> np.ndarray:
    """Rows read in the one stated year, put across each new year where the file's order turns
    over it (December's rows, then January's, in an ascending file: the December ones are of
    the year before); each row keeps its month and day."""
    ok = ~np.isnat(md)
    days = md[ok].astype("datetime64[D]")
    ordinal = (days - days.astype("datetime64[Y]")).astype(np.int64)  # day of the year
    if len(ordinal) < 3:
        return dates
    step = np.diff(ordinal)
    ascending = (step >= 0).mean() >= (step <= 0).mean()
    turns = (step < -180) if ascending else (step > 180)
    settled = (step >= 0) if ascending else (step <= 0)
    if not turns.any() or (settled | turns).mean() < 0.9:
        return dates  # no turn of the year in a file in date order: as read
    # Each turn between a row and the latest row puts it a year earlier: an export over more
    # than a year turns more than once (Nov 2022 ... Feb 2024 with '2024' stated).
    before = np.concatenate(([0], np.cumsum(turns)))  # turns above each row
    years = last.year - (int(turns.sum()) - before if ascending else before)
    month = days.astype("datetime64[M]").astype(np.int64) % 12 + 1
    day = (days - days.astype("datetime64[M]")).astype(np.int64) + 1
    placed = _day_of_year(pd.Series(month), pd.Series(day), 2000)  # valid month-day pairs
    parts = pd.DataFrame({"year": years, "month": month, "day": day})
    turned = pd.to_datetime(parts, errors="coerce").where(placed.notna())
    out = dates.copy()
    out[ok] = turned.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]")
    return out


# Excel's day numbers (days since 1899-12-30) for 1990-01-01 up to 2100-01-01: what a
# spreadsheet saved as CSV writes for a date cell it was not told to format.
_SERIAL_MIN, _SERIAL_MAX = 32874, 73051
_SERIAL = r"\d{5}(?:\.\d+)?"  # a fraction is the time of day


def excel_serial_dates(cells: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Columns of Excel day numbers turned into ISO dates, and a note per column turned.

    Whole numbers are amounts as often as dates, so a column is only read as day numbers
    when its header cell names a date, nearly all its other cells are day numbers of
    1990-2100, and they run in date order (ascending or descending), as a statement's
    dates do. Columns are first judged on the head of the file (most are plainly not)."""
    out, notes = cells, []
    head = cells.iloc[:300]
    for k in cells.columns:
        if head[k].str.fullmatch(_SERIAL).sum() < 3:
            continue
        col = cells[k]
        filled = col[col != ""]
        serial = filled.str.fullmatch(_SERIAL)
        rows = serial[serial].index
        above = col.loc[: rows[0] - 1]
        above = above[above != ""]
        if above.empty or not best_word(above.iloc[-1], columns()["roles"]["date"]):
            continue
        if serial.loc[rows[0]:].mean() < 0.8:
            continue
        days = np.floor(pd.to_numeric(col[rows]).to_numpy())
        step = np.diff(days)
        if not (((days >= _SERIAL_MIN) & (days < _SERIAL_MAX)).all()
                and ((step >= 0).all() or (step <= 0).all())):
            continue
        iso = (np.datetime64("1899-12-30") + days.astype("timedelta64[D]")).astype(str)
        if out is cells:
            out = cells.copy()
        out.loc[rows, k] = iso
        notes.append(f"column {above.iloc[-1]!r} holds spreadsheet day numbers (such as "
                     f"{col[rows[0]]}); they were read as dates")
    return out, notes


# Where a statement states its dates' year, for rows written without one: full dates above the
# table (a period, a statement or export date), else a month and year ('October 2024',
# '10/2024', '2024年10月'); in the file name, a date ('20240301', '2024-03-01'), a month
# ('statement_2024-10') or a year ('export_2024').
_FULL_DATE_TOKENS = re.compile(
    r"(?<![\d.])\d{1,4}[./-]\d{1,2}[./-]\d{2,4}(?![\d])"
    r"|(?<!\d)\d{1,2}\.? ?[^\W\d_]{3,9}\.?,? \d{4}(?!\d)"
    r"|(?<![^\W\d_])[^\W\d_]{3,9}\.? \d{1,2},? \d{4}(?!\d)"
    r"|(?:令和|平成|昭和|民國|民国)?\s*(?:\d{1,4}|元)\s*[年년]\s*\d{1,2}\s*[月월]\s*\d{1,2}\s*[日일]?"
    r"|(?<![^\W\d_])[RHS]\d{1,2}\.\d{1,2}\.\d{1,2}(?!\d)")
# (pattern, group of the month, group of the year); the month a name or a number.
_MONTH_YEAR = (
    (re.compile(r"(?<![^\W\d_])([^\W\d_]{3,9})\.?,? ?(\d{4})(?!\d)"), 1, 2),
    (re.compile(r"(?<!\d)(\d{4})\s*[年년]\s*(\d{1,2})\s*[月월]"), 2, 1),
    (re.compile(r"(?<![\d./-])(\d{1,2})[./-](\d{4})(?![\d./-])"), 1, 2),
    (re.compile(r"(?<![\d./-])(\d{4})[./-](\d{1,2})(?![\d./-])"), 2, 1))
# 'Kontoauszug Nr. 1/2024', 'Statement No. 3/2024': the statement's number in the year, not a
# month.
_NUMBERED = re.compile(r"(?i)(?:\bnr|\bno|\bnum|n°|nº|#)\.?\s*\d{1,3}\s*/\s*\d{4}")
_NAME_DATE = re.compile(r"(?<!\d)(\d{4})[-_.]?(\d{2})[-_.]?(\d{2})(?!\d)")
_NAME_YEAR = re.compile(r"(?<!\d)(\d{4})(?!\d)")
_PLAUSIBLE_YEARS = (1990, 2100)
# A line above the table whose only number is a year ('Kontoauszug 2024', 'Annual statement
# 2024'): a number among others, or beside a decimal mark or a currency, is an account
# number or an amount, not a year; so is one on a line that says it is ('Balance 2000':
# ``_stated_years``).
_LINE_YEAR = re.compile(r"^[^\d$€£¥₹]*(?<![\d.,])(\d{4})(?![\d.,])[^\d$€£¥₹]*$")


@cache
def _year_line_words() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(a year's, a period's or a statement's words; an amount's words) of [year_line]."""
    section, roles = columns()["year_line"], columns()["roles"]
    return (re.compile(contains_pattern(section["labels"], compounds=True)),
            re.compile(contains_pattern([*section["amounts"], *roles["balance"],
                                         *roles["amount"]], compounds=True)))


def _stated_years(preamble: list[str]) -> list[str]:
    """The years the lines above the table state alone: a line whose only number is a year
    and that is the year alone or labelled as a year, a period or a statement, with no
    amount's word ('Balance 2000' is an amount)."""
    labels, amounts = _year_line_words()
    years = []
    for line in preamble:  # the few lines above the table
        found = _LINE_YEAR.match(line)
        if found is None:
            continue
        key = fold(line)
        if key == found.group(1) or (labels.search(key) and not amounts.search(key)):
            years.append(found.group(1))
    return years


def _plausible(day: pd.Timestamp | None) -> bool:
    return day is not None and not pd.isna(day) and (
        _PLAUSIBLE_YEARS[0] <= day.year <= _PLAUSIBLE_YEARS[1])


def _latest_full_date(text: str) -> tuple[pd.Timestamp | None, bool | None]:
    """The latest full date written in ``text`` and whether such dates read day-first."""
    tokens = pd.Series(_FULL_DATE_TOKENS.findall(text), dtype=object)
    latest, day_first = None, None
    for _ in range(3):  # a period '01/10/2024 - 31/10/2024' and a 'Statement date 5 Nov 2024'
        if tokens.empty:
            break
        reading = parse_dates(tokens)
        read = ~np.isnat(reading.dates)
        if not read.any():
            break
        years = reading.dates[read].astype("datetime64[Y]").astype(int) + 1970
        ok = reading.dates[read][(years >= _PLAUSIBLE_YEARS[0]) & (years <= _PLAUSIBLE_YEARS[1])]
        if len(ok):
            found = pd.Timestamp(ok.max())
            latest = found if latest is None else max(latest, found)
            day_first = reading.day_first if day_first is None else day_first
        tokens = tokens[~read].reset_index(drop=True)
    return latest, day_first


def _month_end(year: int, month: int) -> pd.Timestamp | None:
    """The month's last day; None for no month or an implausible year ('05/0000' is a
    reference, and year 0 cannot even be built)."""
    if not 1 <= month <= 12 or not _PLAUSIBLE_YEARS[0] <= year <= _PLAUSIBLE_YEARS[1]:
        return None
    return pd.Timestamp(year=year, month=month, day=1) + pd.offsets.MonthEnd(0)


def _latest_month(text: str) -> pd.Timestamp | None:
    """The end of the latest month named with its year ('October 2024', '2024年10月', '10/2024',
    '2024-10') in ``text``."""
    text = _NUMBERED.sub(" ", text)
    ends = []
    for pattern, month_group, year_group in _MONTH_YEAR:
        for m in pattern.finditer(text):
            month = m.group(month_group)
            if not month.isdigit():
                month = str(_MONTH_NUMBER.get(normalise(pd.Series([month])).iloc[0], 0))
            ends.append(_month_end(int(m.group(year_group)), int(month)))
    ends = [e for e in ends if _plausible(e)]
    return max(ends) if ends else None


def year_anchor(preamble: list[str], name: str) -> YearAnchor | None:
    """What the lines above the table or the file name say of the statement's year: the
    latest date they state (the period's end, the statement date), else the end of the
    latest month or year they name. None when they name no year."""
    text = "\n".join(preamble)
    latest, day_first = _latest_full_date(text)
    if latest is not None:
        return YearAnchor(np.datetime64(latest.date(), "D"),
                          f"the dates above the table (up to {latest.date()})", day_first)
    month = _latest_month(text)
    if month is not None:
        return YearAnchor(np.datetime64(month.date(), "D"),
                          f"the month named above the table ({month:%Y-%m})")
    stem = name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    spaced = re.sub(r"[_]+", " ", stem)
    # Coerced: an impossible date in a name ('20240231', '12345678') is no date, not an error.
    named = pd.to_datetime(pd.Series([f"{y}-{m}-{d}" for y, m, d in _NAME_DATE.findall(stem)],
                                     dtype=object), format="%Y-%m-%d", errors="coerce")
    dated = [day for day in named if _plausible(day)]
    latest = max(dated) if dated else _latest_full_date(spaced)[0]
    if latest is not None:
        return YearAnchor(np.datetime64(latest.date(), "D"),
                          f"the date in the file name ({latest.date()})")
    month = _latest_month(spaced)
    if month is not None:
        return YearAnchor(np.datetime64(month.date(), "D"),
                          f"the month in the file name ({month:%Y-%m})")
    for found, where in ((_stated_years(preamble), "above the table"),
                         (_NAME_YEAR.findall(stem), "in the file name")):
        years = [int(y) for y in found if _PLAUSIBLE_YEARS[0] <= int(y) <= _PLAUSIBLE_YEARS[1]]
        if years:
            return YearAnchor(np.datetime64(f"{max(years)}-12-31", "D"),
                              f"the year {where} ({max(years)})", whole_year=True)
    return None

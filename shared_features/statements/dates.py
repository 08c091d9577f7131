"""Date columns, decided as a whole: the format that reads every distinct value, with day-first
against month-first settled by the values that only one reading allows (a 13th day or month),
then by which reading keeps the rows in date order, and only then by a stated default.

Work is per distinct value (a statement has a few hundred distinct dates), never per row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .vocabulary import best_word, columns, plain_letters

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
# A name neither preceded nor followed by a letter of any script (digits may touch it:
# "04nov2019").
_MONTH_RE = re.compile(r"(?<![^\W\d_])(" + "|".join(sorted(map(re.escape, _MONTH_WORD),
                                                             key=len, reverse=True))
                       + r")\.?(?![^\W\d_])")
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
_TIME = (r"(?:[T\s,]+\d{1,2}[:.]\d{2}(?:[:.]\d{2}(?:[.,]\d+)?)?\s*(?:[ap]\.?m\.?)?"
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


def normalise(values: pd.Series) -> pd.Series:
    """Lower case, time and zone removed, month names in English, trailing dots gone."""
    s = values.astype(str).str.strip().str.lower()
    s = s.str.replace(_TIME, "", regex=True, flags=re.IGNORECASE)
    s = s.map(plain_letters)  # as the vocabulary folds them: one spelling per month name
    s = s.str.replace(_WEEKDAY_RE, "", regex=True)
    # Spanish and Portuguese long dates: '14 de enero de 2024'.
    s = s.str.replace(r"(?<=\d) de (?=[a-z])|(?<=[a-z]) de (?=\d)", " ", regex=True)
    s = s.str.replace(_MONTH_RE, lambda m: _MONTH_WORD[m.group(1)], regex=True)
    s = s.str.replace(",", " ", regex=False).str.replace(r"\s+", " ", regex=True)
    s = s.str.replace(_BUDDHIST_YEAR, lambda m: str(int(m.group(0)) - BUDDHIST_OFFSET),
                      regex=True)
    return s.str.strip(" .")


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
                    r"[ ./-]\d{2,4}|[a-z]{3} \d{1,2} \d{4}|\d{4}-[a-z]{3}-\d{1,2})$")


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
    return best


def parse_dates(values: pd.Series, default_day_first: bool = True) -> DateReading:
    """Read one column; the format is chosen once for the whole column."""
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
    return DateReading(dates, fmt, day_first, warning)


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
